"""``scan-station decode FILE...``: read the barcodes in image files, as the camera would."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import TYPE_CHECKING, Any

from station.commands.common import EXIT_ERROR, EXIT_OK

if TYPE_CHECKING:  # the decoders load OpenCV, so only the decode command itself imports them
    from station.camera.decoded import DecodedCode

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "decode",
        help="read the barcodes in image files",
        description="Read every barcode in each image file with zxing-cpp and pyzbar. Exits 0 when every "
        "file was read (with or without codes), 2 when a file is missing or not an image.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="image file (PNG, JPEG, WebP, BMP, TIFF, GIF)")
    parser.add_argument("--json", action="store_true",
                        help='print one JSON object per file and line: {"file", "codes", "error"}')
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from station.camera import ImageReadError, decode_image

    exit_code = EXIT_OK
    for file in args.files:
        try:
            codes = decode_image(file)
        except ImageReadError as exc:
            exit_code = EXIT_ERROR
            _report(args, file, [], str(exc))
            continue
        _report(args, file, [code_to_json(code) for code in codes], None)
    return exit_code


def code_to_json(code: DecodedCode) -> dict[str, Any]:
    """Return a decoded code's JSON object with the parsed scan fields (gtin14, lot, expiry, ...) added
    when ``station.codes.parse_scan`` is available."""
    result = code.to_json()
    if code.text:
        for key, value in _parsed_fields(code.text, code.symbology).items():
            result.setdefault(key, value)
    return result


def _parsed_fields(text: str, symbology: str) -> dict[str, Any]:
    try:
        from station.codes import parse_scan  # type: ignore[attr-defined]
    except ImportError:
        return {}
    try:
        fields = parse_scan(text, symbology=symbology).to_json()
    except Exception:  # noqa: BLE001 - a parser failure must not lose the decoded code itself
        log.exception("parsing a decoded %s code failed", symbology)
        return {}
    # The decoded content and its identity stay as decode_image reported them.
    for key in ("text", "raw", "symbology"):
        fields.pop(key, None)
    return fields


def _report(args: argparse.Namespace, file: str, codes: list[dict[str, Any]], error: str | None) -> None:
    if args.json:
        sys.stdout.write(json.dumps({"file": file, "codes": codes, "error": error}, ensure_ascii=False) + "\n")
        sys.stdout.flush()
        return
    if error:
        print(error, file=sys.stderr)  # the message starts with the file name
        return
    if not codes:
        print(f"{file}: no barcode found")
    for code in codes:
        content = code["text"] if code["text"] else "base64:" + code.get("data_base64", "")
        printable = content.replace("\x1d", "<GS>").replace("\x1e", "<RS>").replace("\r", "\\r").replace("\n", "\\n")
        print(f"{file}: {code['format']} {code['symbology']} {printable}")
