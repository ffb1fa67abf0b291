"""``scan-station journal``: print the station's journal of scans and adjustments."""

from __future__ import annotations

import argparse
import csv
import sys

from station import paths
from station.commands.common import (
    EXIT_OK,
    CommandError,
    add_data_dir_option,
    print_json,
    resolve_data_dir,
)

CSV_COLUMNS = ("type", "id", "at", "station", "operator", "text", "kind", "symbology", "outcome", "lot_ids",
               "message", "lot_id", "delta", "state", "reason", "state_at", "scan_id", "quantity_after",
               "resolved_by")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "journal",
        help="print the journal of scans and adjustments",
        description="Print the station's journal, newest first: a table by default, one JSON array with "
        "--json (each entry has `type` scan or adjustment), or CSV with --csv.",
    )
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print one JSON array of entries")
    form.add_argument("--csv", action="store_true", help="print CSV with a header row")
    parser.add_argument("--limit", type=int, default=None, metavar="N", help="print only the newest N entries")
    add_data_dir_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from station.ledger import Ledger

    if args.limit is not None and args.limit < 0:
        raise CommandError(f"invalid --limit {args.limit}: expected 0 or more")
    ledger = Ledger(paths.ledger_path(resolve_data_dir(args)))
    try:
        entries = [entry.to_json() for entry in ledger.journal(limit=args.limit)]
    finally:
        ledger.close()

    if args.json:
        print_json(entries)
    elif args.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for entry in entries:
            row = dict(entry)
            if "lot_ids" in row:
                row["lot_ids"] = " ".join(row["lot_ids"])
            writer.writerow(row)
    else:
        _print_table(entries)
    return EXIT_OK


def _print_table(entries: list[dict]) -> None:
    from station.codes.visible import show_invisible

    if not entries:
        print("The journal is empty.")
        return
    rows = [("TIME", "TYPE", "OPERATOR", "WHAT", "RESULT")]
    for entry in entries:
        at = entry["at"][:19].replace("T", " ")
        if entry["type"] == "scan":
            what = entry["text"] or ""
            result = entry["outcome"] or ""
            if entry["lot_ids"]:
                result += " " + ", ".join(entry["lot_ids"])
            if entry["message"]:
                result += f" ({entry['message']})"
        else:
            what = f"lot {entry['lot_id']} {entry['delta']:+d}"
            result = entry["state"] or ""
            if entry["reason"]:
                result += f": {entry['reason']}"
        # Scanned text and server messages may contain control characters that would drive the terminal.
        rows.append((at, entry["type"], show_invisible(entry["operator"] or "-"), show_invisible(what),
                     show_invisible(result)))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)) + "  " + row[4])
