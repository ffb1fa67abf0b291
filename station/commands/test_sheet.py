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
    parser.add_argument("--out", metavar="FILE.pdf", required=True,
                        help="PDF file to write; an existing file is replaced")
    parser.set_defaults(func=run)


def check_out_path(value: str) -> Path:
    """Return ``--out`` as a path, or raise CommandError naming the value as given and the fix."""
    if not value.strip():
        raise CommandError(f"invalid --out {value!r}: the file name is blank. Give the PDF file to write, such as "
                           "--out test-sheet.pdf")
    out = Path(value)
    if out.is_dir():
        raise CommandError(f"invalid --out {value!r}: it is a folder. Give a file name in it, such as "
                           f"--out {out / 'test-sheet.pdf'}")
    folder = out.parent
    if not folder.exists():
        raise CommandError(f"cannot write {value}: folder {folder} does not exist. Create it, or choose another "
                           "--out")
    if not folder.is_dir():
        raise CommandError(f"cannot write {value}: {folder} is a file, not a folder. Choose another --out")
    return out


def run(args: argparse.Namespace) -> int:
    from station.labels.test_sheet import write_test_sheet  # Pillow and zxing-cpp load only when needed

    out = check_out_path(args.out)
    try:
        pages = write_test_sheet(out)
    except OSError as exc:
        raise CommandError(f"cannot write {args.out}: {exc.strerror or exc}. Choose another --out in a folder "
                           "you can write to") from exc
    print(f"wrote {out} ({pages} pages, US Letter): print it at actual size")
    return EXIT_OK
