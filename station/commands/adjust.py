"""``scan-station adjust LOT_ID DELTA``: change a lot's quantity through the station's ledger."""

from __future__ import annotations

import argparse
import logging
import re
import sys

from station import paths
from station.commands.common import (
    EXIT_NO_MATCH,
    EXIT_OK,
    EXIT_PENDING,
    add_api_options,
    add_data_dir_option,
    print_json,
    resolve_credentials,
    resolve_data_dir,
    sign_in,
)

log = logging.getLogger(__name__)

# Blend lot ids are UUIDs in the 8-4-4-4-12 hex form, such as 0227d1e5-ba9a-42b5-8fe2-38882aa65708.
_LOT_ID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_LOOKUP_HINT = "with `scan-station lookup CODE`, which prints the lots of a scanned code"


def parse_lot_id(text: str) -> str:
    """Parse LOT_ID: a Blend lot id (a UUID), without surrounding spaces."""
    lot_id = text.strip()
    if not lot_id:
        raise argparse.ArgumentTypeError(f"invalid LOT_ID {text!r}: the lot id is blank. Find it {_LOOKUP_HINT}.")
    if not _LOT_ID.match(lot_id):
        raise argparse.ArgumentTypeError(
            f"invalid LOT_ID {text!r}: expected a lot id, a UUID such as 0227d1e5-ba9a-42b5-8fe2-38882aa65708. "
            f"Find it {_LOOKUP_HINT}.")
    return lot_id


def parse_delta(text: str) -> int:
    """Parse DELTA: a whole number of units, not 0, with an optional sign (``-1``, ``+5``, ``12``)."""
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid DELTA {text!r}: expected a whole number such as -1 or 5") \
            from None
    if value == 0:
        raise argparse.ArgumentTypeError("invalid DELTA 0: give the number of units to add (5) or remove (-1)")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "adjust",
        help="add units to a lot or remove them (DELTA such as 5 or -1)",
        description="Record the change in the station's journal, send it to Blend and print the lot after "
        "the change as JSON. Exits 0 when applied, 1 when Blend rejected it (reason on stderr), 3 when it "
        "is queued or its outcome is unknown (run `scan-station sync` later), 2 on errors. A negative "
        "DELTA is typed as is: `adjust LOT_ID -1`.",
    )
    parser.add_argument("lot_id", metavar="LOT_ID", type=parse_lot_id,
                        help="the inventory lot id (UUID); `scan-station lookup CODE` prints it")
    parser.add_argument("delta", metavar="DELTA", type=parse_delta,
                        help="units to add (positive) or remove (negative)")
    add_api_options(parser)
    add_data_dir_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from station.ledger import AdjustmentService, AdjustmentState, Ledger

    folder = resolve_data_dir(args)
    _, email, _ = resolve_credentials(args)
    client = sign_in(args)
    ledger = Ledger(paths.ledger_path(folder))
    lot = None
    try:
        with client:
            service = AdjustmentService(ledger, client)
            result = service.adjust(args.lot_id, args.delta, operator=email)
            lot = result.lot
            if result.state is AdjustmentState.APPLIED and lot is None:
                # Another process (a parallel adjust or sync on this ledger) sent it and kept the server's lot.
                lot = _read_lot(client, args.lot_id)
    finally:
        ledger.close()

    if result.state is AdjustmentState.APPLIED:
        if lot is None:
            print(f"scan-station: adjustment {result.adjustment_id} of lot {args.lot_id} by {args.delta:+d} is "
                  "applied, but the lot could not be read back to print it.", file=sys.stderr)
            print_json({"id": args.lot_id})
        else:
            print_json(lot.model_dump(mode="json"))
        return EXIT_OK
    if result.state is AdjustmentState.REJECTED:
        fix = f" Check the lot id {_LOOKUP_HINT}." if result.lot_not_found else ""
        print(f"scan-station: adjustment of lot {args.lot_id} by {args.delta:+d} rejected: "
              f"{_sentence(result.reason or 'no reason given')}{fix}", file=sys.stderr)
        return EXIT_NO_MATCH
    if result.state is AdjustmentState.PENDING:
        print(f"scan-station: adjustment {result.adjustment_id} of lot {args.lot_id} by {args.delta:+d} is "
              f"queued: {_sentence(result.reason or 'waiting to be sent')} Run `scan-station sync` to send it.",
              file=sys.stderr)
    else:
        print(f"scan-station: adjustment {result.adjustment_id} of lot {args.lot_id} by {args.delta:+d} is "
              f"{result.state.value}: {_sentence(result.reason or 'no response came back')} Run "
              "`scan-station sync` to settle it; it will not be sent twice.", file=sys.stderr)
    return EXIT_PENDING


def _sentence(text: str) -> str:
    """Return ``text`` ending in exactly one period, so that a sentence can follow it."""
    return text.rstrip().rstrip(".") + "."


def _read_lot(client, lot_id: str):
    from station.blend.errors import BlendError

    try:
        return client.get_lot(lot_id)
    except BlendError as exc:
        log.warning("lot %s could not be read back after its adjustment: %s", lot_id, exc)
        return None
