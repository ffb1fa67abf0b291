"""Fault injection for the sandbox: dropped connections, server errors, rate limits and latency.

A ``FaultSpec`` is parsed from text such as ``drop-before=0.1,drop-after=0.1,error=0.05,rate-limit=0.05,
latency=20``. Each probability is drawn independently per request. ``FaultMiddleware`` is a raw ASGI
middleware, because dropping a connection needs control below what FastAPI exposes.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, fields
from typing import Any

log = logging.getLogger(__name__)

# uvicorn closes the connection without writing a byte when an ASGI application returns a value other
# than None (uvicorn 0.55, protocols/http/h11_impl.py and httptools_impl.py, ``run_asgi``). The
# middleware returns this marker to drop a connection, and _DropLogFilter hides the error uvicorn logs
# for it, so that only real application errors reach the log.
DROP_MARKER = "scan-station sandbox: injected connection drop"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[Any]]


class FaultSpecError(ValueError):
    """A fault specification that cannot be parsed; the message names the bad item."""


@dataclass(frozen=True)
class FaultSpec:
    """Per-request fault probabilities (0..1) and a fixed added latency in milliseconds."""

    drop_before: float = 0.0  # close the connection before the request reaches the application
    drop_after: float = 0.0  # run the request (changes are applied), then close without a response
    error: float = 0.0  # respond 500 before the request reaches the application
    rate_limit: float = 0.0  # respond 429 with Retry-After: 1
    latency_ms: float = 0.0  # added before each response, after the request has been processed

    @classmethod
    def parse(cls, text: str | None) -> FaultSpec:
        """Parse ``name=value`` items separated by commas; an empty text means no faults."""
        if text is None or not text.strip():
            return cls()
        names = {"drop-before": "drop_before", "drop-after": "drop_after", "error": "error",
                 "rate-limit": "rate_limit", "latency": "latency_ms"}
        values: dict[str, float] = {}
        for item in text.split(","):
            item = item.strip()
            if not item:
                continue
            name, sep, raw = item.partition("=")
            name = name.strip().lower()
            if not sep or name not in names:
                raise FaultSpecError(
                    f"invalid fault item {item!r}: expected NAME=VALUE with NAME one of {', '.join(names)}")
            try:
                value = float(raw)
            except ValueError:
                raise FaultSpecError(f"invalid fault item {item!r}: {raw.strip()!r} is not a number") from None
            if name == "latency":
                if not 0 <= value <= 600_000:
                    raise FaultSpecError(f"invalid fault item {item!r}: latency must be 0..600000 milliseconds")
            elif not 0 <= value <= 1:
                raise FaultSpecError(f"invalid fault item {item!r}: a probability must be between 0 and 1")
            values[names[name]] = value
        return cls(**values)

    @classmethod
    def coerce(cls, faults: FaultSpec | str | None) -> FaultSpec:
        return faults if isinstance(faults, FaultSpec) else cls.parse(faults)

    def __str__(self) -> str:
        labels = {"drop_before": "drop-before", "drop_after": "drop-after", "error": "error",
                  "rate_limit": "rate-limit", "latency_ms": "latency"}
        items = [f"{labels[f.name]}={getattr(self, f.name):g}" for f in fields(self) if getattr(self, f.name)]
        return ",".join(items) or "none"


class _DropLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return DROP_MARKER not in (record.args or ())


_filter_lock = threading.Lock()
_filter_installed = False


def install_drop_log_filter() -> None:
    """Hide uvicorn's error line for injected drops (idempotent; the filter affects only that message)."""
    global _filter_installed
    with _filter_lock:
        if not _filter_installed:
            logging.getLogger("uvicorn.error").addFilter(_DropLogFilter())
            _filter_installed = True


class FaultMiddleware:
    """Inject the faults of the current spec into every request under ``/api/``.

    The interactive docs pages stay reachable whatever the spec contains. ``spec`` may be replaced at any
    time. ``seed`` makes the sequence of drawn faults reproducible for one order of requests.
    """

    def __init__(self, app: ASGIApp, spec: FaultSpec | None = None, seed: int | None = None):
        self.app = app
        self.spec = spec or FaultSpec()
        self._random = random.Random(seed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> Any:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            return await self.app(scope, receive, send)
        spec = self.spec
        where = f"{scope['method']} {scope['path']}"
        # Draw every probability on every request, so a seed gives the same sequence whatever the outcome.
        draws = [self._random.random() for _ in range(4)]
        delay = spec.latency_ms / 1000

        async def delayed_send(message: Message) -> None:
            # The delay comes after the application has run, as on a slow way back: a client that
            # times out meanwhile leaves the change applied.
            if delay and message["type"] == "http.response.start":
                await asyncio.sleep(delay)
            await send(message)

        if draws[0] < spec.drop_before:
            log.info("Fault: dropping the connection before %s", where)
            await asyncio.sleep(delay)
            return DROP_MARKER
        if draws[1] < spec.rate_limit:
            log.info("Fault: responding 429 to %s", where)
            await _send_json(delayed_send, 429, {"detail": "Too many requests: injected rate limit, retry after 1 s"},
                             [(b"retry-after", b"1")])
            return None
        if draws[2] < spec.error:
            log.info("Fault: responding 500 to %s before it is applied", where)
            await _send_json(delayed_send, 500, {"detail": "Injected server error: the request was not applied"})
            return None
        if draws[3] < spec.drop_after:
            log.info("Fault: running %s, then dropping the connection without a response", where)

            async def discard(message: Message) -> None:
                return None

            await self.app(scope, receive, discard)
            await asyncio.sleep(delay)
            return DROP_MARKER
        return await self.app(scope, receive, delayed_send)


async def _send_json(send: Send, status: int, body: dict[str, Any],
                     headers: list[tuple[bytes, bytes]] | None = None) -> None:
    data = json.dumps(body).encode()
    all_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": all_headers + (headers or [])})
    await send({"type": "http.response.body", "body": data})
