"""GS1 element strings: validated elements, the parentheses form, and every way to split a string.

biip's ``GS1Message.parse`` reads one split greedily and checks neither the GTIN check digit nor the
other fields as a whole. The station needs every split in which each field validates, so that a scanner
that dropped the GS separators (``1021072911172405310100693570007182``) is reported as ambiguous
instead of read one way silently. The AI table, the field patterns and the date rules (day 00 is the last
day of the month, two-digit years within 49 years back and 50 years ahead) are biip's.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from biip import ParseError
from biip.gs1_application_identifiers import _GS1_APPLICATION_IDENTIFIERS, GS1ApplicationIdentifier
from biip.gs1_element_strings import GS1ElementString

GS = "\x1d"

# Largest data field in the AI table (8200 product URL, X..70; 253 and 7007 are shorter).
MAX_FIELD_LENGTH = 90

# The search lists at most MAX_SPLITS full splits and stops counting at MAX_COUNTED.
MAX_SPLITS = 64
MAX_COUNTED = 1000

# AIs whose value a check digit or a calendar date verifies. A reading made only of free-text fields,
# such as (10)D9T, proves nothing about the scan being GS1.
_DATE_AIS = {"11", "12", "13", "15", "16", "17", "4324", "4325", "4326", "7003", "7006", "7007", "7011", "8008"}
_CHECKED_AIS = {"00", "01", "02", "03", "410", "411", "412", "413", "414", "415", "416", "417"}


@dataclass(frozen=True)
class Element:
    """One validated GS1 element string: AI, data field, and the date it holds if it is a date AI."""

    ai: str
    value: str
    date: dt.date | None = None

    @property
    def verified(self) -> bool:
        """True when a check digit or a real calendar date confirmed this field."""
        return self.ai in _CHECKED_AIS or self.ai in _DATE_AIS

    def as_hri(self) -> str:
        return f"({self.ai}){self.value}"


@cache
def _compiled_pattern(ai: str) -> re.Pattern[str]:
    return re.compile(_GS1_APPLICATION_IDENTIFIERS[ai].pattern)


def application_identifier_at(text: str, position: int) -> GS1ApplicationIdentifier | None:
    """Return the AI that starts at ``position``. GS1 AIs are prefix-free, so at most one matches."""
    for length in (2, 3, 4):
        ai = _GS1_APPLICATION_IDENTIFIERS.get(text[position : position + length])
        if ai is not None:
            return ai
    return None


def validate_element(ai: str, value: str) -> Element | None:
    """Return the element when ``value`` fits the AI's pattern and validates, else None.

    Validation covers the charset and length (the AI's pattern), check digits of GTIN, SSCC and GLN
    fields, and real calendar dates.
    """
    if ai not in _GS1_APPLICATION_IDENTIFIERS:
        return None
    if not _compiled_pattern(ai).fullmatch(ai + value):
        return None
    if not _needs_biip_validation(ai):
        return Element(ai=ai, value=value)
    try:
        element = GS1ElementString.parse(ai + value)
    except (ParseError, ValueError, ArithmeticError):
        return None
    if element.gtin_error or element.sscc_error or element.gln_error:
        return None
    return Element(ai=ai, value=element.value, date=element.date)


def _needs_biip_validation(ai: str) -> bool:
    """Return True for AIs that biip checks beyond their pattern: check digits, dates, decimal amounts."""
    return ai in _CHECKED_AIS or ai in _DATE_AIS or ai[:2] in {"31", "32", "33", "34", "35", "36", "39"}


@dataclass(frozen=True)
class SplitResult:
    """The full splits of a string into valid elements (at most ``MAX_SPLITS``) and how many exist.

    ``total`` stops at ``MAX_COUNTED``, so a total of ``MAX_COUNTED`` means at least that many.
    """

    splits: tuple[tuple[Element, ...], ...]
    total: int


def split_element_strings(text: str, *, strict: bool) -> SplitResult:
    """Find every way to split ``text`` into valid GS1 element strings.

    GS characters separate fields and never belong to one. With ``strict``, a variable-length field runs
    to the next GS or the end, as the GS1 syntax requires, so at most one split exists. Without it, a
    variable-length field may end anywhere, which is what a scanner that dropped the GS separators sends.
    """
    end = len(text)
    options: dict[int, list[tuple[Element, int]]] = {}

    def next_position(position: int) -> int:
        while position < end and text[position] == GS:
            position += 1
        return position

    def elements_at(position: int) -> list[tuple[Element, int]]:
        if position in options:
            return options[position]
        found: list[tuple[Element, int]] = []
        ai = application_identifier_at(text, position)
        if ai is not None:
            data_start = position + len(ai.ai)
            segment_end = text.find(GS, data_start)
            if segment_end < 0:
                segment_end = end
            if strict and ai.separator_required:
                lengths: range | tuple[int, ...] = (segment_end - data_start,)
            else:
                lengths = range(1, min(segment_end - data_start, MAX_FIELD_LENGTH) + 1)
            for length in lengths:
                element = validate_element(ai.ai, text[data_start : data_start + length])
                if element is not None:
                    found.append((element, next_position(data_start + length)))
        options[position] = found
        return found

    # Count the splits from each position backwards (repeated AIs included), so the enumeration below
    # never enters a position from which no split reaches the end.
    counts = [0] * (end + 1)
    counts[end] = 1
    for position in range(end - 1, -1, -1):
        if text[position] == GS:
            continue
        counts[position] = sum(counts[following] for _, following in elements_at(position))

    start = next_position(0)
    splits: list[tuple[Element, ...]] = []
    total = 0

    # A GS1 message contains each AI at most once. The counts above ignore that rule, so the enumeration
    # checks it. It lists MAX_SPLITS splits and counts up to MAX_COUNTED.
    def enumerate_from(position: int, prefix: tuple[Element, ...], used: frozenset[str]) -> None:
        nonlocal total
        if total >= MAX_COUNTED:
            return
        if position == end:
            total += 1
            if len(splits) < MAX_SPLITS:
                splits.append(prefix)
            return
        for element, following in elements_at(position):
            if counts[following] and element.ai not in used:
                enumerate_from(following, (*prefix, element), used | {element.ai})

    if start < end and counts[start]:
        enumerate_from(start, (), frozenset())
    return SplitResult(splits=tuple(splits), total=total)


_HRI_AI = re.compile(r"\((\d{2,4})\)")


def looks_like_hri(text: str) -> bool:
    """Return True for the human-readable form with the AIs in parentheses: ``(01)0950...(10)AB12``."""
    return bool(re.match(r"^\s*\(\d{2,4}\)", text))


def parse_hri(text: str) -> tuple[Element, ...] | None:
    """Parse the parentheses form into validated elements, or return None if any part fails.

    Spaces between the parts are allowed. NOTE: a data field that itself contains ``(`` plus 2 to 4
    digits and ``)`` is split there. Charset 82 allows parentheses, but no such lot has been seen.
    """
    parts = _HRI_AI.split(text.strip())
    if parts[0].strip():
        return None
    elements = []
    for index in range(1, len(parts), 2):
        ai, value = parts[index], parts[index + 1].strip()
        element = validate_element(ai, value)
        if element is None:
            return None
        elements.append(element)
    return tuple(elements)
