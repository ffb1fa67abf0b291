"""GTIN forms: check digits, UPC-A/UPC-E/EAN-8/EAN-13/GTIN-14 conversions and the hyphenated UPC the
Blend inventory stores in a lot's ``upc`` field (``7-12345-67890-4``).

The check-digit and UPC-E rules come from biip (``biip.checksums``, ``biip.upc``). This module only puts
them in the shapes the station compares, because every product code becomes a GTIN-14.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from biip import EncodeError, ParseError
from biip.checksums import gs1_standard_check_digit
from biip.upc import Upc, UpcFormat

GTIN_LENGTHS = (8, 12, 13, 14)

# Separators people type between the digit groups of a stored UPC: hyphen, space, dot, en dash.
_GROUP_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2013]")


def check_digit(payload: str) -> str:
    """Compute the GS1 mod-10 check digit of ``payload`` (digits without the check digit)."""
    return str(gs1_standard_check_digit(payload))


def has_valid_check_digit(digits: str) -> bool:
    """Return True when ``digits`` (2 or more decimal digits) ends in its correct GS1 check digit."""
    if len(digits) < 2 or not digits.isascii() or not digits.isdigit():
        return False
    return check_digit(digits[:-1]) == digits[-1]


def expected_check_digit(digits: str) -> str:
    """Return the check digit that ``digits`` (with a wrong or right last digit) should end in."""
    return check_digit(digits[:-1])


def upc_inventory_form(upc_a: str) -> str:
    """Hyphenate a UPC-A 1-5-5-1 as the Blend inventory stores it: ``712345678904`` -> ``7-12345-67890-4``."""
    return f"{upc_a[0]}-{upc_a[1:6]}-{upc_a[6:11]}-{upc_a[11]}"


def upc_e_to_upc_a(upc_e: str) -> str | None:
    """Expand an 8-digit UPC-E (number system 0 or 1, valid check digit) to its UPC-A, else return None."""
    try:
        upc = Upc.parse(upc_e)
    except ParseError:
        return None
    if upc.format is not UpcFormat.UPC_E:
        return None
    return upc.as_upc_a()


def upc_a_to_upc_e(upc_a: str) -> str | None:
    """Suppress a UPC-A to its 8-digit UPC-E when the UPC-A has one of the suppressible shapes.

    UPC-E exists only for number systems 0 and 1, so other UPC-As return None.
    """
    if upc_a[:1] not in ("0", "1"):
        return None
    try:
        return Upc.parse(upc_a).as_upc_e()
    except (ParseError, EncodeError):
        return None


def is_valid_upc_e(digits: str) -> bool:
    return len(digits) == 8 and upc_e_to_upc_a(digits) is not None


def is_valid_ean8(digits: str) -> bool:
    return len(digits) == 8 and has_valid_check_digit(digits)


@dataclass(frozen=True)
class GtinForms:
    """The forms of one GTIN that the station shows and compares; each is None where it does not apply."""

    gtin14: str
    upc_a: str | None = None
    upc_e: str | None = None
    ean13: str | None = None
    ean8: str | None = None
    upc_inventory: str | None = None
    packaging_indicator: str | None = None


def gtin_forms(gtin14: str, *, ean8: bool = False) -> GtinForms:
    """Derive the UPC-A, UPC-E, EAN-13 and inventory forms of a valid GTIN-14.

    ``ean8`` marks a GTIN read as an EAN-8 (``000000`` plus 8 digits), which has no UPC-A form although
    its GTIN-14 starts with ``00``.
    """
    if ean8:
        return GtinForms(gtin14=gtin14, ean8=gtin14[6:], ean13=gtin14[1:], packaging_indicator=gtin14[0])
    upc_a = gtin14[2:] if gtin14.startswith("00") else None
    return GtinForms(
        gtin14=gtin14,
        upc_a=upc_a,
        upc_e=upc_a_to_upc_e(upc_a) if upc_a else None,
        ean13=gtin14[1:] if gtin14.startswith("0") else None,
        upc_inventory=upc_inventory_form(upc_a) if upc_a else None,
        packaging_indicator=gtin14[0],
    )


def gtin14_from_inventory_upc(upc: str | None) -> str | None:
    """Normalize the value a Blend lot stores in ``upc`` to a GTIN-14, or return None when it is no GTIN.

    Accepts the hyphenated UPC-A ``7-12345-67890-4``, the bare UPC-A ``712345678904``, the EAN-13
    ``0712345678904``, the GTIN-14 ``00712345678904``, an EAN-8, and a UPC-E with its check digit
    (``07838604``), with hyphens or spaces between digit groups. An 8-digit value valid both as UPC-E and
    as EAN-8 is taken as UPC-E, because the field is named ``upc``. A value whose check digit is wrong,
    or that lacks it (11 digits), returns None: it cannot be matched without guessing.
    """
    if not upc:
        return None
    digits = _GROUP_SEPARATORS.sub("", upc.strip())
    if not digits.isascii() or not digits.isdigit():
        return None
    if len(digits) == 8:
        upc_a = upc_e_to_upc_a(digits)
        if upc_a is not None:
            return upc_a.zfill(14)
        return digits.zfill(14) if has_valid_check_digit(digits) else None
    if len(digits) in (12, 13, 14) and has_valid_check_digit(digits):
        return digits.zfill(14)
    return None
