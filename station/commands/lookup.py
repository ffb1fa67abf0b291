"""``scan-station lookup CODE``: print the lots a code resolves to, as a JSON array of Blend lot fields."""

from __future__ import annotations

import argparse
import sys

from station import paths
from station.commands.common import (
    EXIT_ERROR,
    EXIT_NO_MATCH,
    EXIT_OK,
    CommandError,
    add_api_options,
    add_data_dir_option,
    print_json,
    resolve_data_dir,
    sign_in,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "lookup",
        help="print the lots a scanned code resolves to (JSON)",
        description="Resolve CODE as the station would after a scan and print the matching lots as a JSON "
        "array. Exits 0 when a lot matches, 1 with [] when none does, 2 on errors.",
    )
    parser.add_argument("code", metavar="CODE", help="the scanned text: UPC, EAN, GTIN, GS1 element string, batch")
    add_api_options(parser)
    add_data_dir_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from station.blend.errors import BlendError
    from station.codes import parse_scan
    from station.inventory.index import Outcome
    from station.inventory.service import InventoryService

    folder = resolve_data_dir(args)
    scan = parse_scan(args.code)
    client = sign_in(args)
    with client:
        service = InventoryService(client, paths.lot_cache_path(folder))
        try:
            service.refresh()
        except BlendError as exc:
            raise CommandError(f"could not load the inventory: {exc}", EXIT_ERROR) from exc
        result = service.resolve(scan)

    if result.outcome is Outcome.ERROR:
        raise CommandError(result.message)
    lots = list(result.lots)
    if result.outcome is Outcome.CHOOSE_READING:
        # Every lot that one of the readings matches: a script gets all candidates, while the window asks.
        for reading in result.readings:
            sub = service.index.resolve_reading(scan, reading)
            lots.extend(lot for lot in sub.lots if lot not in lots)
    elif result.outcome is Outcome.BATCH_NOT_FOUND:
        lots = []
    for note in (result.message, *result.warnings):
        if note:
            print(note, file=sys.stderr)
    print_json([lot.model_dump(mode="json") for lot in lots])
    return EXIT_OK if lots else EXIT_NO_MATCH
