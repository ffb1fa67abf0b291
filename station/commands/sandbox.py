"""``scan-station sandbox``: serve the local stand-in for the Blend API until Ctrl+C."""

from __future__ import annotations

import argparse
import logging
import sqlite3
import sys
from pathlib import Path

from station.commands.common import EXIT_OK, CommandError, add_data_dir_option, resolve_data_dir

DEFAULT_PORT = 8765


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sandbox",
        help="serve a local stand-in for the Blend API with demo data (development and training only)",
        description="Serve a local stand-in for the Blend API, seeded with demo lots, until Ctrl+C. It is "
        "for development, tests and training, never a replacement for Blend: nothing done in it reaches "
        "Blend.",
    )
    parser.add_argument("--host", default="127.0.0.1", metavar="ADDR",
                        help="address to listen on (default: 127.0.0.1, this computer only)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, metavar="N",
                        help=f"TCP port; 0 picks a free one (default: {DEFAULT_PORT})")
    parser.add_argument("--db", default=None, metavar="FILE",
                        help="SQLite file of the sandbox, in a folder that exists; a new file gets the demo "
                        "data, an existing one keeps its data (default: sandbox.sqlite3 in the data folder)")
    parser.add_argument("--user", action="append", default=[], metavar="EMAIL:PASSWORD",
                        help="add a sign-in account or set its password; repeat for several")
    parser.add_argument("--faults", default=None, metavar="SPEC",
                        help="faults to inject, e.g. drop-before=0.1,drop-after=0.1,error=0.05,rate-limit=0.05,"
                        "latency=20: probabilities 0..1 per request and a latency in milliseconds")
    parser.add_argument("--access-ttl", type=float, default=3600, metavar="S",
                        help="access token lifetime in seconds (default: 3600, as Blend documents)")
    parser.add_argument("--refresh-ttl", type=float, default=7 * 86400, metavar="S",
                        help="refresh token lifetime in seconds (default: 604800, 7 days)")
    parser.add_argument("--seed", type=int, default=None, metavar="N",
                        help="random seed for --faults, so that a fault run can be repeated")
    add_data_dir_option(parser)
    parser.set_defaults(func=run)


def parse_user(text: str) -> tuple[str, str]:
    """Split ``EMAIL:PASSWORD`` at the first colon; raise CommandError when either part is missing."""
    email, separator, password = text.partition(":")
    email = email.strip()
    if not separator:
        problem = "there is no colon between the e-mail and the password"
    elif not email:
        problem = "the e-mail before the colon is missing"
    elif "@" not in email:
        problem = f"{email!r} is not an e-mail address"
    elif not password:
        problem = "the password after the colon is missing"
    else:
        return email, password
    # The whole value is shown, password included: these are sandbox accounts for development and training.
    raise CommandError(f"invalid --user {text!r}: {problem}. Expected EMAIL:PASSWORD, such as "
                       "--user pharmacist@example.test:Long-Passw0rd")


def check_db_path(value: str) -> Path:
    """Return ``--db`` as a path, or raise CommandError naming the value as given and the fix.

    The folder must exist: a mistyped --db would otherwise create folders without a word.
    """
    if not value.strip():
        raise CommandError(f"invalid --db {value!r}: the file name is blank. Give the sandbox database file, such "
                           "as --db sandbox.sqlite3")
    path = Path(value)
    if path.is_dir():
        raise CommandError(f"invalid --db {value!r}: it is a folder. Give a file name in it, such as "
                           f"--db {path / 'sandbox.sqlite3'}")
    folder = path.parent
    if not folder.exists():
        raise CommandError(f"invalid --db {value!r}: folder {folder} does not exist. Create it first, or give a "
                           "--db in an existing folder")
    if not folder.is_dir():
        raise CommandError(f"invalid --db {value!r}: {folder} is a file, not a folder. Give a --db in an existing "
                           "folder")
    return path


def run(args: argparse.Namespace) -> int:
    from station.sandbox.faults import FaultSpec, FaultSpecError
    from station.sandbox.seed import DEMO_EMAIL, DEMO_PASSWORD
    from station.sandbox.server import SandboxServer, bind_listen_socket

    users = [parse_user(text) for text in args.user]
    try:
        faults = FaultSpec.parse(args.faults)
    except FaultSpecError as exc:
        raise CommandError(f"invalid --faults: {exc}") from None
    if not 0 <= args.port <= 65535:
        raise CommandError(f"invalid --port {args.port}: expected 0..65535")
    if args.access_ttl <= 0 or args.refresh_ttl <= 0:
        raise CommandError("invalid --access-ttl or --refresh-ttl: expected a number of seconds above 0")
    db_path = check_db_path(args.db) if args.db is not None else resolve_data_dir(args) / "sandbox.sqlite3"

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Bind first, so that a taken port stops the command before the database file is created or seeded.
    try:
        listen_socket = bind_listen_socket(args.host, args.port)
    except OSError as exc:
        raise CommandError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}. "
                           "Choose another --port (0 for a free one), or another --host.") from None
    try:
        server = SandboxServer(db_path, host=args.host, users=users, access_ttl=args.access_ttl,
                               refresh_ttl=args.refresh_ttl, faults=faults, fault_seed=args.seed,
                               listen_socket=listen_socket)
    except sqlite3.Error as exc:
        listen_socket.close()
        raise CommandError(f"cannot use {args.db or db_path} as the sandbox database ({exc}). Give --db a sandbox "
                           "database file, or the name of a new file to create") from None
    except BaseException:
        listen_socket.close()
        raise
    try:
        server.start()
    except (OSError, RuntimeError) as exc:
        server.stop()
        raise CommandError(f"the sandbox on {server.url} did not start: {exc}") from None
    print(f"Sandbox Blend API (development and training only): {server.url}")
    print(f"Database: {db_path}")
    print(f"Demo sign-in: {DEMO_EMAIL} / {DEMO_PASSWORD}")
    print(f"Faults: {faults}")
    print("Press Ctrl+C to stop.")
    sys.stdout.flush()
    try:
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return EXIT_OK
