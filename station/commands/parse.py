"""``scan-station parse TEXT``: show what the station reads from a scan, without looking it up."""

from __future__ import annotations

import argparse
import re
import sys

from station.commands.common import EXIT_NO_MATCH, EXIT_OK, CommandError, print_json

KEYBOARD_LAYOUTS = ("us", "fr", "de", "uk", "it")

# Written-out control characters accepted by --escaped, and what each stands for.
_ESCAPES = {"\\x1d": "\x1d", "\\x1D": "\x1d", "<GS>": "\x1d", "\\r": "\r", "\\n": "\n", "\\t": "\t", "\\\\": "\\"}
_ESCAPE_PATTERN = re.compile("|".join(re.escape(escape) for escape in _ESCAPES))
_SUFFIXES = ("\r\n", "\r", "\n", "\t")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "parse",
        help="print what the station reads from a scanned text",
        description="Parse TEXT as the keyboard-wedge path delivers it and print the result. Exits 0 for a "
        "valid, unambiguous scan and 1 for a rejected or ambiguous one.",
    )
    parser.add_argument("text", metavar="TEXT", help="the scanned text, control characters included")
    parser.add_argument(
        "--keyboard-layout",
        choices=KEYBOARD_LAYOUTS,
        default="us",
        help="host keyboard layout the scanner typed through; a US-layout scanner on another layout types "
        "other characters, which are turned back (default: us)",
    )
    parser.add_argument(
        "--caps-lock", action="store_true", help="the text was typed with Caps Lock on; swap the case back"
    )
    parser.add_argument(
        "--escaped",
        action="store_true",
        help=r"turn the written-out forms \x1d and <GS> into GS, \r \n \t into CR, LF and Tab, and \\ into \ "
        "before parsing",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a summary")
    parser.set_defaults(func=run)


def unescape(text: str) -> str:
    """Turn the written-out control characters of ``--escaped`` into the characters themselves."""
    return _ESCAPE_PATTERN.sub(lambda match: _ESCAPES[match.group(0)], text)


def strip_suffix(text: str) -> str:
    """Strip one end-of-scan suffix (CR LF, CR, LF or Tab), as the keyboard wedge does."""
    for suffix in _SUFFIXES:
        if text.endswith(suffix):
            return text[: -len(suffix)]
    return text


def run(args: argparse.Namespace) -> int:
    from station.codes import parse_scan

    raw = args.text
    text = unescape(raw) if args.escaped else raw
    text = strip_suffix(text)
    if args.caps_lock:
        try:
            from station.codes.wedge import undo_caps_lock
        except ImportError as exc:
            raise CommandError(f"--caps-lock is not available in this build: {exc}") from exc
        text = undo_caps_lock(text)
    if args.keyboard_layout != "us":
        try:
            from station.codes.layouts import recover_us_text
        except ImportError as exc:
            raise CommandError(f"--keyboard-layout is not available in this build: {exc}") from exc
        text = recover_us_text(text, args.keyboard_layout)

    scan = parse_scan(text)
    if args.json:
        print_json(scan.to_json())
    else:
        sys.stdout.write(format_summary(scan))
        sys.stdout.flush()
    return EXIT_OK if scan.valid and not scan.ambiguous else EXIT_NO_MATCH


def format_summary(scan) -> str:  # noqa: ANN001 - station.codes.Scan, imported lazily
    """Format a scan as readable lines: the verdict, then each field that has a value.

    Control and other invisible characters are shown as tags such as ``<GS>`` and ``<ESC>``, so that a scan
    cannot change the terminal it is printed on.
    """
    from station.codes.visible import show_invisible

    if not scan.valid:
        verdict = f"rejected: {scan.reason}"
    elif scan.ambiguous:
        verdict = f"ambiguous: {len(scan.readings)} readings"
    else:
        verdict = "valid"
    lines = [f"{scan.kind.value} ({verdict})", f"  text: {scan.text}"]
    for name in (
        "symbology", "gtin14", "upc_a", "upc_e", "ean13", "ean8", "upc_inventory", "packaging_indicator",
        "lot", "expiry", "best_before", "serial", "count", "ndc10", "blend_entity_type",
    ):
        value = getattr(scan, name)
        if value is not None:
            lines.append(f"  {name}: {value}")
    if scan.ndc11_candidates:
        lines.append(f"  ndc11_candidates: {', '.join(scan.ndc11_candidates)}")
    for ai, value in scan.ais.items():
        lines.append(f"  ({ai}) {value}")
    for name, value in scan.candidates.items():
        lines.append(f"  candidate {name}: {value}")
    for index, reading in enumerate(scan.readings, 1):
        lines.append(f"  reading {index}: {reading.description}")
    for index, reading in enumerate(scan.fallbacks, 1):
        lines.append(f"  fallback {index}: {reading.description}")
    for warning in scan.warnings:
        lines.append(f"  warning: {warning}")
    return "".join(show_invisible(line) + "\n" for line in lines)
