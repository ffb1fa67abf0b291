"""Diagnose scanner settings from scans of the printed test sheet.

The operator scans the codes of ``station.labels.sheet_codes.SHEET_CODES``. Each received text is
matched to its sheet code by undoing the known faults of scanners and keyboard paths. These are a host
keyboard layout other than the scanner's, Caps Lock, a stripped check digit or number system digit, a
lost or substituted GS, and extra prefix or suffix characters. ``diagnose`` turns the faults it had to
undo into findings with a fix for the operator.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from station.codes.gtin import upc_e_to_upc_a
from station.codes.layouts import recover_us_text
from station.codes.wedge import WedgeConfig
from station.i18n import tr
from station.labels.sheet_codes import GS, SheetCode

# The wedge's default max key gap. A burst whose keys arrive further apart is typing to the wedge.
DEFAULT_MAX_KEY_GAP_MS = WedgeConfig.max_gap * 1000
NEAR_LIMIT_RATIO = 0.75  # a max gap above this share of the limit is reported as a warning
MIN_SPLIT_LENGTH = 4  # shorter texts that start a sheet code are not reported as split scans

# Host keyboard layouts that the station can undo, with their names for the operator. A scanner
# emulating a US keyboard on a host with another layout types the characters of the same key positions.
LAYOUT_NAMES = {
    "us": "US (QWERTY)",
    "uk": "UK (QWERTY)",
    "fr": "French (AZERTY)",
    "de": "German (QWERTZ)",
    "it": "Italian (QWERTY)",
}

_AIM_PREFIX = re.compile(r"^\][A-Za-z][0-9A-Za-z]")


class Problem(StrEnum):
    OK = "ok"
    LAYOUT = "layout"
    CAPS_LOCK = "caps_lock"
    SUFFIX = "suffix"  # no Enter or Tab after the code
    EXTRA_TEXT = "extra_text"  # characters before or after the code that the station does not strip
    GS_LOST = "gs_lost"
    AIM_OFF = "aim_off"
    CHECK_DIGIT_STRIPPED = "check_digit_stripped"
    NUMBER_SYSTEM_STRIPPED = "number_system_stripped"
    TOO_SLOW = "too_slow"
    NOT_SCANNED = "not_scanned"
    UNRECOGNIZED = "unrecognized"


class Severity(StrEnum):
    OK = "ok"
    INFO = "info"  # optional improvement or missing input
    WARNING = "warning"  # works now but fails under load or on other codes
    ERROR = "error"  # the station reads wrong or no data


@dataclass(frozen=True)
class ReceivedScan:
    """One scan as the station received it during the check.

    ``text`` is the text before any keyboard-layout recovery and without the terminating Enter or Tab.
    An AIM identifier may stay at its start or be passed in ``symbology``.
    """

    text: str
    symbology: str | None = None  # AIM symbology identifier such as "]E0", when the scanner sent one
    terminator: str | None = None  # "enter", "tab", ...; None when the scan ended without a suffix key
    max_gap_ms: float | None = None  # max gap between two keys of the scan, when measured
    layout: str | None = None  # host keyboard layout the station was set to; None means "us"
    terminator_known: bool = True  # False when the source cannot tell whether a suffix arrived


@dataclass(frozen=True)
class Finding:
    """A diagnosis for the operator: what is wrong, and what to change on the scanner or the station."""

    problem: Problem
    severity: Severity
    message: str
    fix: str
    codes: tuple[str, ...] = ()  # keys of the sheet codes concerned


@dataclass(frozen=True)
class ScanMatch:
    """The sheet code a received scan came from, and the faults undone to match it."""

    code: SheetCode
    problems: tuple[Problem, ...]
    symbology: str | None  # AIM identifier found on the scan
    host_layout: str = "us"  # keyboard layout whose key positions explain the text
    gs_substitute: str | None = None  # what arrived in place of GS, when something did
    extra_text: tuple[str, str] = ("", "")  # unexpected characters before and after the code
    received_text: str = ""  # the received text without AIM identifier


@dataclass(frozen=True)
class _Candidate:
    text: str
    layout: str  # the layout undone to get ``text``, "us" for none
    caps_lock: bool


@dataclass
class _Classification:
    problems: list[Problem] = field(default_factory=list)
    gs_substitute: str | None = None
    extra_text: tuple[str, str] = ("", "")


def split_aim_identifier(text: str, symbology: str | None = None) -> tuple[str, str | None]:
    """Return ``text`` without a leading AIM identifier, and the identifier (``symbology`` if given)."""
    match = _AIM_PREFIX.match(text)
    if match:
        return text[match.end():], symbology or match.group()
    return text, symbology or None


def visible_text(text: str, limit: int = 60) -> str:
    """Return ``text`` with control characters shown as ``<GS>``, ``<CR>``, ``<0x..>``, cut at ``limit``."""
    names = {GS: "<GS>", "\r": "<CR>", "\n": "<LF>", "\t": "<TAB>", "\x1e": "<RS>", "\x04": "<EOT>"}
    shown = "".join(names.get(char, f"<0x{ord(char):02x}>" if ord(char) < 32 else char) for char in text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _candidates(text: str) -> list[_Candidate]:
    """List the readings of ``text`` under every known host layout, with and without Caps Lock undone."""
    candidates = [_Candidate(text, "us", False), _Candidate(text.swapcase(), "us", True)]
    for layout in LAYOUT_NAMES:
        if layout == "us":
            continue
        recovered = recover_us_text(text, layout)
        if recovered != text:
            candidates.append(_Candidate(recovered, layout, False))
            candidates.append(_Candidate(recovered.swapcase(), layout, True))
    return candidates


def _digit_forms(code: SheetCode) -> dict[str, tuple[Problem, ...]]:
    """Map each text a scanner may send for a UPC or EAN code to the faults it shows (none when correct)."""
    digits = code.expected_text
    forms: dict[str, tuple[Problem, ...]] = {}
    if code.barcode_format == "UPCE":
        upc_a = upc_e_to_upc_a(digits) or ""
        for full in (upc_a, "0" + upc_a):  # the scanner may expand UPC-E to UPC-A or EAN-13
            forms.setdefault(full[:-1], (Problem.CHECK_DIGIT_STRIPPED,))
            forms[full] = ()
        forms.setdefault(upc_a[1:], (Problem.NUMBER_SYSTEM_STRIPPED,))
    if code.barcode_format in ("UPCA", "UPCE"):
        forms.setdefault(digits[1:], (Problem.NUMBER_SYSTEM_STRIPPED,))
        forms.setdefault(digits[1:-1], (Problem.NUMBER_SYSTEM_STRIPPED, Problem.CHECK_DIGIT_STRIPPED))
    if code.barcode_format == "UPCA":
        forms.setdefault("0" + digits[:-1], (Problem.CHECK_DIGIT_STRIPPED,))
        forms["0" + digits] = ()  # UPC-A sent as EAN-13 is correct
    forms.setdefault(digits[:-1], (Problem.CHECK_DIGIT_STRIPPED,))
    forms[digits] = ()
    return forms


def _gs_substitute(expected: str, received: str) -> str | None:
    """Return the string that replaces every GS of ``expected`` in ``received``, if there is one."""
    count = expected.count(GS)
    extra = len(received) - len(expected) + count
    if count == 0 or extra <= 0 or extra % count:
        return None
    start = expected.index(GS)
    substitute = received[start : start + extra // count]
    if substitute and GS not in substitute and expected.replace(GS, substitute) == received:
        return substitute
    return None


def _classify_gs1(code: SheetCode, text: str) -> _Classification | None:
    expected = code.expected_text
    body = text[1:] if text.startswith(GS) else text  # some scanners send the leading FNC1 as GS
    if body == expected:
        return _Classification()
    if body == expected.replace(GS, ""):
        return _Classification([Problem.GS_LOST])
    substitute = _gs_substitute(expected, body)
    if substitute is not None:
        return _Classification([Problem.GS_LOST], gs_substitute=substitute)
    return None


def _classify_exact(code: SheetCode, text: str) -> _Classification | None:
    """Match ``text`` against ``code`` after removing nothing but faults the code can show."""
    if code.gs1:
        return _classify_gs1(code, text)
    if code.barcode_format in ("UPCA", "UPCE", "EAN13", "EAN8"):
        problems = _digit_forms(code).get(text)
        return None if problems is None else _Classification(list(problems))
    return _Classification() if text == code.expected_text else None


def _classify(code: SheetCode, text: str) -> _Classification | None:
    """Match ``text`` against ``code``, also when it carries extra characters before or after the code."""
    exact = _classify_exact(code, text)
    if exact is not None:
        return exact
    expected = code.expected_text
    position = text.find(expected)
    if position >= 0:
        # NOTE: only a code sent whole is recognized inside extra text; a stripped digit plus a prefix
        # reads as unrecognized.
        before, after = text[:position], text[position + len(expected):]
        return _Classification([Problem.EXTRA_TEXT], extra_text=(before, after))
    return None


def match_scan(received: ReceivedScan, codes: Sequence[SheetCode]) -> ScanMatch | None:
    """Return the sheet code that ``received`` came from with the fewest faults, or None if none fits.

    An AIM identifier on the scan narrows the codes to those that use it. Ties go to the reading with no
    layout undone, then without Caps Lock undone.
    """
    text, symbology = split_aim_identifier(received.text, received.symbology)
    narrowed = [code for code in codes if symbology in code.aim_identifiers] if symbology else []
    candidates = _candidates(text)
    for pool in (narrowed, list(codes)):
        best: tuple[int, int, ScanMatch] | None = None
        for order, candidate in enumerate(candidates):
            for code in pool:
                classification = _classify(code, candidate.text)
                if classification is None:
                    continue
                problems = list(classification.problems)
                if candidate.caps_lock:
                    problems.append(Problem.CAPS_LOCK)
                if candidate.layout != (received.layout or "us"):
                    problems.append(Problem.LAYOUT)
                match = ScanMatch(code, tuple(problems), symbology, candidate.layout,
                                  classification.gs_substitute, classification.extra_text, text)
                score = (len(problems), order)
                if best is None or score < best[:2]:
                    best = (*score, match)
        if best is not None:
            return best[2]
    return None


def _split_piece_of(text: str, codes: Sequence[SheetCode]) -> SheetCode | None:
    """Return the sheet code that ``text`` is a leading or trailing piece of, as when a scan is split."""
    text = split_aim_identifier(text)[0]
    if len(text) < MIN_SPLIT_LENGTH:
        return None
    for code in codes:
        expected = code.expected_text
        if text != expected and (expected.startswith(text) or expected.endswith(text)):
            return code
    return None


def _layout_name(layout: str) -> str:
    return LAYOUT_NAMES.get(layout, layout)


def _layout_findings(matches: Sequence[ScanMatch], station_layout: str) -> list[Finding]:
    findings = []
    wrong = sorted({match.host_layout for match in matches if Problem.LAYOUT in match.problems})
    for layout in wrong:
        keys = tuple(match.code.key for match in matches if match.host_layout == layout)
        message = tr(
            "Text arrives as typed on a {layout} keyboard, but the station's keyboard layout is {station}."
        ).format(layout=_layout_name(layout), station=_layout_name(station_layout))
        if layout == "us":
            fix = tr("In the station settings set the keyboard layout to {code}: the scanner already "
                     "types for this computer's layout.").format(code="us")
        else:
            fix = tr("In the station settings set the keyboard layout to {code}, or set the scanner's "
                     "keyboard country to {layout} and the station's keyboard layout to us.").format(
                code=layout, layout=_layout_name(layout))
        findings.append(Finding(Problem.LAYOUT, Severity.ERROR, message, fix, keys))
    return findings


def _caps_lock_findings(matches: Sequence[ScanMatch]) -> list[Finding]:
    keys = tuple(match.code.key for match in matches if Problem.CAPS_LOCK in match.problems)
    if not keys:
        return []
    return [Finding(
        Problem.CAPS_LOCK, Severity.ERROR,
        tr("Upper and lower case arrive swapped: Caps Lock is on."),
        tr("Turn Caps Lock off on this computer, or set the scanner to ignore Caps Lock if it has "
           "such a setting."),
        keys,
    )]


def _gs_findings(matches: Sequence[ScanMatch]) -> list[Finding]:
    findings = []
    lost = [match for match in matches if Problem.GS_LOST in match.problems]
    dropped = tuple(match.code.key for match in lost if match.gs_substitute is None)
    if dropped:
        findings.append(Finding(
            Problem.GS_LOST, Severity.ERROR,
            tr("GS1 codes arrive without the GS separator, so a lot number swallows the fields after it."),
            tr("GS lost: enable GS (FNC1) transmission on the scanner, or map it to a substitute such as "
               "F8 and set the same substitute in the station settings."),
            dropped,
        ))
    for substitute in sorted({match.gs_substitute for match in lost if match.gs_substitute is not None}):
        keys = tuple(match.code.key for match in lost if match.gs_substitute == substitute)
        findings.append(Finding(
            Problem.GS_LOST, Severity.ERROR,
            tr("GS1 codes arrive with {substitute} in place of the GS separator.").format(
                substitute=visible_text(substitute)),
            tr("Set {substitute} as the GS substitute in the station settings, or program the scanner "
               "to send GS (Ctrl+]).").format(substitute=visible_text(substitute)),
            keys,
        ))
    return findings


def _digit_findings(matches: Sequence[ScanMatch]) -> list[Finding]:
    findings = []
    for match in matches:
        name = match.code.name
        received = visible_text(match.received_text)
        if Problem.CHECK_DIGIT_STRIPPED in match.problems:
            findings.append(Finding(
                Problem.CHECK_DIGIT_STRIPPED, Severity.ERROR,
                tr("{name} arrives without its check digit: {received} ({count} digits).").format(
                    name=name, received=received, count=len(match.received_text)),
                tr("Check digit stripped: enable 'transmit check digit' for {name} on the scanner.").format(
                    name=name),
                (match.code.key,),
            ))
        if Problem.NUMBER_SYSTEM_STRIPPED in match.problems:
            findings.append(Finding(
                Problem.NUMBER_SYSTEM_STRIPPED, Severity.ERROR,
                tr("{name} arrives without its leading number system digit: {received}.").format(
                    name=name, received=received),
                tr("Enable transmission of the number system digit for {name} on the scanner.").format(
                    name=name),
                (match.code.key,),
            ))
    return findings


def _extra_text_findings(matches: Sequence[ScanMatch]) -> list[Finding]:
    findings = []
    for match in matches:
        if Problem.EXTRA_TEXT not in match.problems:
            continue
        before, after = match.extra_text
        if before:
            message = tr("The scanner adds {extra} before {name}.")
        else:
            message = tr("The scanner adds {extra} after {name}.")
        findings.append(Finding(
            Problem.EXTRA_TEXT, Severity.ERROR,
            message.format(extra=visible_text(before or after), name=match.code.name),
            tr("Remove the prefix or suffix in the scanner's settings, or enter it as the prefix or "
               "suffix in the station settings so that the station strips it."),
            (match.code.key,),
        ))
    return findings


def _suffix_findings(scans: Sequence[tuple[ReceivedScan, ScanMatch | None]]) -> list[Finding]:
    missing = [(scan, match) for scan, match in scans if scan.terminator_known and not scan.terminator]
    keys = tuple(match.code.key for _, match in missing if match is not None)
    unmatched = any(match is None for _, match in missing)
    if not keys and not unmatched:
        return []
    return [Finding(
        Problem.SUFFIX, Severity.WARNING,
        tr("No Enter or Tab arrives after the code, so the station ends each scan only after a pause."),
        tr("Suffix missing: program the scanner to send Enter (CR) after every code."),
        keys,
    )]


def _aim_findings(matches: Sequence[ScanMatch]) -> list[Finding]:
    keys = tuple(match.code.key for match in matches if match.symbology is None)
    if not keys:
        return []
    return [Finding(
        Problem.AIM_OFF, Severity.INFO,
        tr("The scanner sends no AIM symbology identifiers (such as ]E0 or ]C1)."),
        tr("AIM identifiers off: optional but recommended. Enable AIM identifiers on the scanner so "
           "that the station can tell a GS1 code from plain text."),
        keys,
    )]


def _speed_findings(scans: Sequence[tuple[ReceivedScan, ScanMatch | None]], codes: Sequence[SheetCode],
                    max_key_gap_ms: float) -> list[Finding]:
    findings = []
    gaps = [scan.max_gap_ms for scan, _ in scans if scan.max_gap_ms is not None]
    slowest = max(gaps, default=None)
    split_keys = tuple(dict.fromkeys(
        piece.key for scan, match in scans
        if match is None and (piece := _split_piece_of(scan.text, codes)) is not None
    ))
    fix = tr("Keys too slow: raise the station's max key gap above {gap:.0f} ms, or lower the scanner's "
             "intercharacter delay.").format(gap=max(slowest or 0.0, max_key_gap_ms))
    if split_keys:
        findings.append(Finding(
            Problem.TOO_SLOW, Severity.ERROR,
            tr("Codes arrive in pieces: the station ends a scan at a pause between two keys."),
            fix, split_keys,
        ))
    if slowest is not None and slowest > max_key_gap_ms:
        findings.append(Finding(
            Problem.TOO_SLOW, Severity.ERROR,
            tr("The scanner pauses up to {gap:.0f} ms between keys, more than the station's max key gap "
               "of {limit:.0f} ms.").format(gap=slowest, limit=max_key_gap_ms),
            fix,
        ))
    elif slowest is not None and slowest > NEAR_LIMIT_RATIO * max_key_gap_ms:
        findings.append(Finding(
            Problem.TOO_SLOW, Severity.WARNING,
            tr("The scanner pauses up to {gap:.0f} ms between keys, close to the station's max key gap "
               "of {limit:.0f} ms.").format(gap=slowest, limit=max_key_gap_ms),
            fix,
        ))
    return findings


def _unrecognized_findings(scans: Sequence[tuple[ReceivedScan, ScanMatch | None]],
                           codes: Sequence[SheetCode]) -> list[Finding]:
    findings = []
    for scan, match in scans:
        if match is not None or _split_piece_of(scan.text, codes) is not None:
            continue
        findings.append(Finding(
            Problem.UNRECOGNIZED, Severity.ERROR,
            tr("Received \"{text}\", which matches no code on the test sheet.").format(
                text=visible_text(scan.text)),
            tr("Scan only the codes on the test sheet. If this was one of them, the scanner changes the "
               "text in a way this check does not recognize: reset the scanner to its factory defaults "
               "and test again."),
        ))
    return findings


def _not_scanned_findings(matches: Sequence[ScanMatch], codes: Sequence[SheetCode]) -> list[Finding]:
    scanned = {match.code.key for match in matches}
    missing = [code for code in codes if code.key not in scanned]
    if not missing:
        return []
    return [Finding(
        Problem.NOT_SCANNED, Severity.INFO,
        tr("Not scanned yet: {names}.").format(names=", ".join(code.name for code in missing)),
        tr("Scan each of them. If the scanner does not beep, that symbology is disabled on the scanner; "
           "a linear (1D) scanner cannot read DataMatrix at all."),
        tuple(code.key for code in missing),
    )]


# The OK line comes before optional improvements, so that a correct scanner reads as correct first.
_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.OK: 2, Severity.INFO: 3}


def diagnose(expected: Sequence[SheetCode], received: Sequence[ReceivedScan], *,
             max_key_gap_ms: float = DEFAULT_MAX_KEY_GAP_MS) -> list[Finding]:
    """Compare scans of the test sheet with the sheet codes and return findings, errors and warnings first.

    ``max_key_gap_ms`` is the station's max key gap. The result contains one ``Problem.OK`` finding
    when every code arrived and nothing is wrong beyond optional improvements such as AIM identifiers.
    An empty ``received`` returns only the ``NOT_SCANNED`` finding.
    """
    scans = [(scan, match_scan(scan, expected)) for scan in received]
    matches = [match for _, match in scans if match is not None]
    station_layout = next((scan.layout for scan in reversed(received) if scan.layout), "us")

    findings: list[Finding] = []
    findings += _layout_findings(matches, station_layout)
    findings += _caps_lock_findings(matches)
    findings += _gs_findings(matches)
    findings += _digit_findings(matches)
    findings += _extra_text_findings(matches)
    findings += _speed_findings(scans, expected, max_key_gap_ms)
    findings += _unrecognized_findings(scans, expected)
    findings += _suffix_findings(scans)
    findings += _aim_findings(matches)
    findings += _not_scanned_findings(matches, expected)

    serious = any(finding.severity in (Severity.ERROR, Severity.WARNING) for finding in findings)
    all_scanned = not any(finding.problem is Problem.NOT_SCANNED for finding in findings)
    if all_scanned and not serious:
        findings.append(Finding(
            Problem.OK, Severity.OK,
            tr("The scanner sends every test code correctly."),
            tr("Nothing to change."),
            tuple(code.key for code in expected),
        ))
    findings.sort(key=lambda finding: _SEVERITY_ORDER[finding.severity])
    return findings
