"""The ``scan-station`` command: the window by default, headless subcommands for scripts and support."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from station import __version__
from station.commands.common import EXIT_ERROR, CommandError

log = logging.getLogger(__name__)

# Each module registers its subcommand(s) and sets ``func`` on its parser.
COMMAND_MODULES = (
    "station.commands.sandbox",
    "station.commands.lookup",
    "station.commands.adjust",
    "station.commands.parse",
    "station.commands.decode",
    "station.commands.journal",
    "station.commands.sync",
    "station.commands.test_sheet",
)


def build_parser() -> argparse.ArgumentParser:
    from station.commands import gui

    parser = argparse.ArgumentParser(
        prog="scan-station", description="Barcode scanning station for the Blend platform."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    gui.add_window_options(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    parser.set_defaults(func=gui.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments == ["--self-test"]:
        # Before the parser imports every subcommand, so that a broken module shows as a failed check.
        from station.selftest import run_self_test

        return run_self_test()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CommandError as exc:
        print(f"scan-station: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - last resort: one line on stderr, the trace in the log
        log.exception("command failed")
        print(f"scan-station: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
