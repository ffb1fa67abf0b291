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
    log_file = _setup_command_logging(args)
    try:
        return int(args.func(args) or 0)
    except CommandError as exc:
        print(f"scan-station: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output went away (``journal | head``): not an error of ours.
        _silence_stdout()
        return 0
    except Exception as exc:  # noqa: BLE001 - last resort: one line on stderr, the trace in the log file
        log.error("command %s failed", args.command or "window", exc_info=True)
        where = f" (details in {log_file})" if log_file else ""
        print(f"scan-station: unexpected error: {exc.__class__.__name__}: {exc}{where}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        if log_file is not None:
            from station.logsetup import teardown_logging

            teardown_logging()


def _setup_command_logging(args: argparse.Namespace):
    """Log a subcommand to the data folder's log file, and keep warnings off the terminal, where the
    command's own messages go. The window sets up its own logging. Returns the log file, if any."""
    if args.command is None or args.command == "sandbox":
        return None
    from station import paths
    from station.logsetup import setup_logging

    try:
        return setup_logging(paths.data_dir(getattr(args, "data_dir", None)), level=logging.INFO, console=False)
    except OSError:
        logging.getLogger().addHandler(logging.NullHandler())
        return None


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush does not fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass


if __name__ == "__main__":
    sys.exit(main())
