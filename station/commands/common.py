"""Options and helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

from station import paths

log = logging.getLogger(__name__)

# Sign-in is retried on a network error or a 429: it changes nothing, so a retry is safe.
SIGN_IN_ATTEMPTS = 3
SIGN_IN_RETRY_SECONDS = 1.0

EXIT_OK = 0
EXIT_NO_MATCH = 1  # lookup found nothing, adjust/parse rejected
EXIT_ERROR = 2  # bad options, sign-in failed, API unreachable, unreadable file
EXIT_PENDING = 3  # adjustment queued or unknown, or needs review

API_URL_ENV = "BLEND_API_URL"
EMAIL_ENV = "BLEND_EMAIL"
PASSWORD_ENV = "BLEND_PASSWORD"


class CommandError(Exception):
    """A failure to report on stderr with an exit code (2 unless given)."""

    def __init__(self, message: str, exit_code: int = EXIT_ERROR):
        super().__init__(message)
        self.exit_code = exit_code


def add_data_dir_option(parser: argparse.ArgumentParser, *, top_level: bool = False) -> None:
    """Add ``--data-dir``. On a subcommand its default is left out of the namespace, so the same option given
    before the subcommand (``scan-station --data-dir X journal``) is kept."""
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=None if top_level else argparse.SUPPRESS,
        help=f"folder for the station's cache, journal, settings and logs (default: ${paths.DATA_DIR_ENV}, "
        "else the platform's user data folder)",
    )


def add_api_options(parser: argparse.ArgumentParser, *, top_level: bool = False) -> None:
    """Add ``--api``, ``--email`` and ``--password``, kept from before the subcommand as ``--data-dir`` is."""
    default = None if top_level else argparse.SUPPRESS
    parser.add_argument("--api", metavar="URL", default=default,
                        help=f"Blend API root such as https://api.byblend.com (default: ${API_URL_ENV})")
    parser.add_argument("--email", default=default, help=f"sign-in e-mail (default: ${EMAIL_ENV})")
    parser.add_argument("--password", default=default, help=f"sign-in password (default: ${PASSWORD_ENV})")


def resolve_data_dir(args: argparse.Namespace) -> Path:
    """Return the data folder, creating it; raise CommandError when it cannot be used."""
    try:
        return paths.data_dir(getattr(args, "data_dir", None))
    except OSError as exc:
        chosen = getattr(args, "data_dir", None) or os.environ.get(paths.DATA_DIR_ENV) or "the user data folder"
        raise CommandError(
            f"the data folder {chosen} cannot be used ({exc.strerror or exc}): give --data-dir a folder you "
            "can write to"
        ) from exc


def resolve_credentials(args: argparse.Namespace) -> tuple[str, str, str]:
    """Return (api_url, email, password) from the options, else the environment; raise CommandError if any
    is missing."""
    api = getattr(args, "api", None) or os.environ.get(API_URL_ENV)
    email = getattr(args, "email", None) or os.environ.get(EMAIL_ENV)
    password = getattr(args, "password", None) or os.environ.get(PASSWORD_ENV)
    missing = [name for name, value in (("--api", api), ("--email", email), ("--password", password)) if not value]
    if missing:
        envs = {"--api": API_URL_ENV, "--email": EMAIL_ENV, "--password": PASSWORD_ENV}
        hint = ", ".join(f"{opt} (or ${envs[opt]})" for opt in missing)
        raise CommandError(f"missing {hint}: give the Blend API root and the account to sign in with")
    assert api is not None and email is not None and password is not None  # missing ones raised above
    check_api_url(api)
    return api, email, password


def check_api_url(api: str) -> None:
    """Raise CommandError unless ``api`` is an http(s) API root such as https://api.byblend.com."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(api)
        port = parts.port
    except ValueError as exc:
        raise CommandError(f"invalid API address {api!r} ({exc}): give the API root such as "
                           "https://api.byblend.com") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CommandError(f"invalid API address {api!r}: give the API root with http:// or https://, such as "
                           "https://api.byblend.com")
    if parts.path not in ("", "/") or port == 0:
        raise CommandError(f"invalid API address {api!r}: give only the API root, such as "
                           "https://api.byblend.com, without a path (the station adds /api/v1)")


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")
    sys.stdout.flush()


def sign_in(args: argparse.Namespace):
    """Return a BlendClient signed in with the credentials of ``args`` or the environment.

    Raises CommandError (exit 2) when credentials are missing, rejected, or the API is unreachable.
    """
    from station.blend.client import BlendClient
    from station.blend.errors import BlendError, RateLimited, Unauthorized, Unavailable

    api, email, password = resolve_credentials(args)
    client = BlendClient(api)
    nothing_done = "Nothing was recorded or sent; run the command again."
    for attempt in range(1, SIGN_IN_ATTEMPTS + 1):
        try:
            client.login(email, password)
            return client
        except Unauthorized as exc:
            client.close()
            raise CommandError(f"sign-in to {api} as {email} failed: {exc}") from exc
        except (Unavailable, RateLimited) as exc:
            if attempt == SIGN_IN_ATTEMPTS:
                client.close()
                if isinstance(exc, RateLimited):
                    raise CommandError(
                        f"Blend at {api} kept rate-limiting the sign-in: {exc}. {nothing_done}"
                    ) from exc
                if exc.status is not None:  # Blend responded, with a server error
                    raise CommandError(f"sign-in to {api} failed: {exc}. {nothing_done}") from exc
                raise CommandError(f"the Blend API at {api} is unreachable: {exc}. {nothing_done}") from exc
            wait = getattr(exc, "retry_after", None) or SIGN_IN_RETRY_SECONDS * attempt
            log.info("sign-in attempt %d of %d failed (%s), retrying in %.1f s", attempt, SIGN_IN_ATTEMPTS, exc,
                     wait)
            time.sleep(min(wait, 10.0))
        except BlendError as exc:
            client.close()
            raise CommandError(f"sign-in to {api} failed: {exc}. {nothing_done}") from exc
    raise AssertionError("unreachable")
