"""``scan-station sync``: settle adjustments whose response never came and send the queued ones."""

from __future__ import annotations

import argparse

from station import paths
from station.commands.common import (
    EXIT_OK,
    EXIT_PENDING,
    add_api_options,
    add_data_dir_option,
    resolve_data_dir,
    sign_in,
)
from station.ledger.service import DEFAULT_SETTLE_DELAY


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sync",
        help="send queued adjustments and settle those without a response",
        description="Read back the lots of adjustments that were sent without a response and settle them, "
        "then send the queued ones in order. Prints what it did. Exits 0 when nothing is left, 3 when "
        "some adjustment still waits or needs an operator's review, 2 on errors.",
    )
    parser.add_argument(
        "--settle-delay", type=float, default=DEFAULT_SETTLE_DELAY, metavar="SECONDS",
        help="seconds after a send without a response before the lot is read back to settle it "
        f"(default {DEFAULT_SETTLE_DELAY:g})",
    )
    add_api_options(parser)
    add_data_dir_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from station.ledger import AdjustmentService, Ledger

    folder = resolve_data_dir(args)
    client = sign_in(args)
    ledger = Ledger(paths.ledger_path(folder))
    try:
        with client:
            service = AdjustmentService(ledger, client, settle_delay=max(0.0, args.settle_delay))
            report = service.sync()
            reviews = service.needs_review()
    finally:
        ledger.close()

    print(f"applied: {len(report.applied)}")
    print(f"rejected: {len(report.rejected)}")
    print(f"settled as not applied and sent again: {len(report.resent)}")
    print(f"waiting: {report.waiting}")
    print(f"needs review: {report.reviews_open}")
    if report.unreachable:
        print(f"stopped early: {report.unreachable}")
    for adjustment in reviews:
        print(f"  review {adjustment.id}: lot {adjustment.lot_id} {adjustment.delta:+d}: {adjustment.reason}")
    return EXIT_OK if report.done else EXIT_PENDING
