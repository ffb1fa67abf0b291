"""Window options of the top-level command (no subcommand): ``--demo``, ``--api URL``, ``--self-test``."""

from __future__ import annotations

import argparse

from station.commands.common import add_api_options, add_data_dir_option


def add_window_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--demo", action="store_true",
                        help="start the built-in sandbox with demo data and open the window signed in to it")
    parser.add_argument("--self-test", action="store_true",
                        help="check resources, decoders and the ledger headless, print what failed, "
                        "exit 0 if all passed")
    add_api_options(parser, top_level=True)
    add_data_dir_option(parser, top_level=True)


def run(args: argparse.Namespace) -> int:
    if args.self_test:
        from station.selftest import run_self_test

        return run_self_test()
    from ui.app import run_window  # Qt is imported only when the window is wanted

    return run_window(args)
