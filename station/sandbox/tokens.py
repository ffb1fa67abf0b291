"""HS256 JSON Web Tokens for the sandbox, built on hmac and base64.

The sandbox needs only to issue its own tokens and check them, so a JWT library would add a dependency
for about forty lines of code. Tokens carry ``sub`` (user id), ``typ`` (``access`` or ``refresh``),
``iat``, ``exp`` (seconds since the epoch, as floats so that sub-second lifetimes in tests work) and a
random ``jti``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

ACCESS = "access"
REFRESH = "refresh"


class TokenError(Exception):
    """The token is malformed, has a wrong signature, has the wrong type or has expired."""


@dataclass(frozen=True)
class TokenClaims:
    user_id: str
    token_type: str
    issued_at: float
    expires_at: float


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenIssuer:
    """Issue and check signed access and refresh tokens with one HMAC-SHA256 secret."""

    def __init__(self, secret: bytes, *, access_ttl: float, refresh_ttl: float,
                 clock: Callable[[], float] = time.time):
        self._secret = secret
        self.access_ttl = access_ttl
        self.refresh_ttl = refresh_ttl
        self._clock = clock

    def issue(self, user_id: str, token_type: str) -> tuple[str, float]:
        """Return a new token of ``token_type`` for ``user_id`` and its expiry in epoch seconds."""
        now = self._clock()
        ttl = self.access_ttl if token_type == ACCESS else self.refresh_ttl
        expires_at = now + ttl
        payload = {"sub": user_id, "typ": token_type, "iat": now, "exp": expires_at, "jti": secrets.token_hex(8)}
        header = {"alg": "HS256", "typ": "JWT"}
        signing_input = _b64encode(json.dumps(header).encode()) + "." + _b64encode(json.dumps(payload).encode())
        signature = hmac.new(self._secret, signing_input.encode("ascii"), hashlib.sha256).digest()
        return signing_input + "." + _b64encode(signature), expires_at

    def check(self, token: str, expected_type: str) -> TokenClaims:
        """Return the claims of a valid, unexpired token of ``expected_type``; raise TokenError otherwise."""
        parts = token.split(".")
        if len(parts) != 3:
            raise TokenError("the token is not a JWT")
        signing_input = (parts[0] + "." + parts[1]).encode("ascii", errors="replace")
        expected = hmac.new(self._secret, signing_input, hashlib.sha256).digest()
        try:
            signature = _b64decode(parts[2])
            payload = json.loads(_b64decode(parts[1]))
        except (ValueError, UnicodeDecodeError) as exc:
            raise TokenError("the token is not a JWT") from exc
        if not hmac.compare_digest(signature, expected):
            raise TokenError("the token signature is invalid")
        if not isinstance(payload, dict):
            raise TokenError("the token payload is not an object")
        if payload.get("typ") != expected_type:
            raise TokenError(f"expected an {expected_type} token, got {payload.get('typ')!r}")
        try:
            claims = TokenClaims(str(payload["sub"]), expected_type, float(payload["iat"]), float(payload["exp"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise TokenError("the token lacks sub, iat or exp") from exc
        if claims.expires_at <= self._clock():
            raise TokenError(f"the {expected_type} token has expired")
        return claims
