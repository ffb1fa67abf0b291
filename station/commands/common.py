"""Options and helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from station import paths

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


def add_data_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=None,
        help=f"folder for the station's cache, journal, settings and logs (default: ${paths.DATA_DIR_ENV}, "
        "else the platform's user data folder)",
    )


def add_api_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--api", metavar="URL", default=None,
                        help=f"Blend API root such as https://api.byblend.com (default: ${API_URL_ENV})")
    parser.add_argument("--email", default=None, help=f"sign-in e-mail (default: ${EMAIL_ENV})")
    parser.add_argument("--password", default=None, help=f"sign-in password (default: ${PASSWORD_ENV})")


def resolve_data_dir(args: argparse.Namespace) -> Path:
    return paths.data_dir(getattr(args, "data_dir", None))


def resolve_credentials(args: argparse.Namespace) -> tuple[str, str, str]:
    """Return (api_url, email, password) from the options, else the environment; raise CommandError if any
    is missing."""
    api = args.api or os.environ.get(API_URL_ENV)
    email = args.email or os.environ.get(EMAIL_ENV)
    password = args.password or os.environ.get(PASSWORD_ENV)
    missing = [name for name, value in (("--api", api), ("--email", email), ("--password", password)) if not value]
    if missing:
        envs = {"--api": API_URL_ENV, "--email": EMAIL_ENV, "--password": PASSWORD_ENV}
        hint = ", ".join(f"{opt} (or ${envs[opt]})" for opt in missing)
        raise CommandError(f"missing {hint}: give the Blend API root and the account to sign in with")
    assert api and email and password
    return api, email, password


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")
    sys.stdout.flush()


def sign_in(args: argparse.Namespace):
    """Return a BlendClient signed in with the credentials of ``args`` or the environment.

    Raises CommandError (exit 2) when credentials are missing, rejected, or the API is unreachable.
    """
    from station.blend.client import BlendClient
    from station.blend.errors import BlendError, Unauthorized, Unavailable

    api, email, password = resolve_credentials(args)
    client = BlendClient(api)
    try:
        client.login(email, password)
    except Unauthorized as exc:
        client.close()
        raise CommandError(f"sign-in to {api} as {email} failed: {exc}") from exc
    except Unavailable as exc:
        client.close()
        raise CommandError(f"the Blend API at {api} is unreachable: {exc}") from exc
    except BlendError as exc:
        client.close()
        raise CommandError(f"sign-in to {api} failed: {exc}") from exc
    return client
