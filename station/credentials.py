"""The refresh token in the OS keychain, so the station signs in again without a password.

Where no keychain exists (a bare Linux machine raises ``NoKeyringError``) the token stays in memory for the
session, and ``store_refresh_token`` returns False so the window can show it.
"""

from __future__ import annotations

import logging

import keyring
from keyring.errors import KeyringError

from station import APP_ID

log = logging.getLogger(__name__)


def _account(api_url: str, email: str) -> str:
    return f"{api_url.rstrip('/')}|{email.strip().lower()}"


def load_refresh_token(api_url: str, email: str) -> str | None:
    try:
        return keyring.get_password(APP_ID, _account(api_url, email))
    except KeyringError as exc:
        log.info("no keychain to read the refresh token from: %s", exc)
        return None


def store_refresh_token(api_url: str, email: str, token: str | None) -> bool:
    """Keep (or, with None, forget) the refresh token; returns False when no keychain is available."""
    try:
        if token:
            keyring.set_password(APP_ID, _account(api_url, email), token)
        else:
            try:
                keyring.delete_password(APP_ID, _account(api_url, email))
            except keyring.errors.PasswordDeleteError:
                pass
        return True
    except KeyringError as exc:
        log.warning("no keychain: the sign-in is kept for this session only (%s)", exc)
        return False
