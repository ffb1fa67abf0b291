"""``scan-station test-sheet --out FILE.pdf``: write the printable scanner test sheet."""

from __future__ import annotations

import argparse
from pathlib import Path

from station.commands.common import EXIT_OK, CommandError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "test-sheet",
        help="write the printable scanner test sheet as a PDF",
        description="Write a US Letter PDF with one code of every kind the station reads. Print it at "
        "actual size and scan it in the scanner check to find wrong scanner settings.",
    )
    parser.add_argument("--out", metavar="FILE.pdf", required=True, type=Path,
                        help="PDF file to write; an existing file is replaced")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from station.labels.test_sheet import write_test_sheet  # Pillow and zxing-cpp load only when needed

    out: Path = args.out
    if not out.parent.is_dir():
        raise CommandError(f"cannot write {out}: folder {out.parent} does not exist; create it or choose "
                           "another --out")
    try:
        pages = write_test_sheet(out)
    except OSError as exc:
        raise CommandError(f"cannot write {out}: {exc.strerror or exc}") from exc
    print(f"wrote {out} ({pages} pages, US Letter): print it at actual size")
    return EXIT_OK
