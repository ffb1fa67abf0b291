"""US National Drug Codes (NDC) inside GTINs and in the inventory's ``upc`` field.

A US drug GTIN-14 is the packaging indicator, ``03``, the 10-digit NDC without hyphens, and the check
digit (FDA/GS1 US guideline for drug identification). The 10 digits carry no hyphens, so without the FDA
NDC directory they fit the labeler-product-package configurations 4-4-2, 5-3-2 and 5-4-1 alike. Billing
systems pad each configuration to 11 digits (5-4-2) with one leading zero in the short group.
"""

from __future__ import annotations

import re

from station.codes.gtin import check_digit, upc_inventory_form

# The 10-digit configurations, as (labeler, product, package) group lengths.
NDC10_CONFIGURATIONS = ((4, 4, 2), (5, 3, 2), (5, 4, 1))

_NDC_PREFIX = re.compile(r"^\s*NDC[\s:#]*", re.IGNORECASE)
_HYPHENATED = re.compile(r"^(\d{4,5})-(\d{3,4})-(\d{1,2})$")


def ndc10_from_gtin14(gtin14: str | None) -> str | None:
    """Return the NDC-10 digits inside a US drug GTIN-14 (digits 2-3 are ``03``), else None."""
    if gtin14 and len(gtin14) == 14 and gtin14.isdigit() and gtin14[1:3] == "03":
        return gtin14[3:13]
    return None


def _split(ndc10: str, configuration: tuple[int, int, int]) -> tuple[str, str, str]:
    labeler, product, _ = configuration
    return ndc10[:labeler], ndc10[labeler : labeler + product], ndc10[labeler + product :]


def ndc11_candidates(ndc10: str) -> tuple[str, ...]:
    """List the hyphenated 11-digit (5-4-2) forms of NDC-10 digits, one per configuration.

    ``0409490311`` gives ``00409-4903-11`` (4-4-2), ``04094-0903-11`` (5-3-2), ``04094-9031-01`` (5-4-1).
    """
    forms = []
    for configuration in NDC10_CONFIGURATIONS:
        labeler, product, package = _split(ndc10, configuration)
        forms.append(f"{labeler.zfill(5)}-{product.zfill(4)}-{package.zfill(2)}")
    return tuple(forms)


def base_unit_upc_a(gtin14: str) -> str | None:
    """Return the UPC-A of the base unit inside a case-level GTIN-14 (indicator 1 to 8), else None.

    The base unit's GTIN drops the indicator to 0 and so needs its own check digit: the case
    ``10304094903115`` contains the unit ``304094903118``, not ``304094903115``. GS1 allows a company to
    number its case independently of the unit, so this is a candidate to try, not a certainty.
    """
    if len(gtin14) != 14 or gtin14[0] not in "12345678" or gtin14[1] != "0":
        return None
    payload = gtin14[2:13]
    return payload + check_digit(payload)


def base_unit_candidates(gtin14: str) -> dict[str, str]:
    """Return ``base_unit_upc_a`` and ``base_unit_upc_inventory`` for a case-level drug GTIN, else {}."""
    if ndc10_from_gtin14(gtin14) is None:
        return {}
    upc_a = base_unit_upc_a(gtin14)
    if upc_a is None:
        return {}
    return {"base_unit_upc_a": upc_a, "base_unit_upc_inventory": upc_inventory_form(upc_a)}


def _unpad_ndc11(digits: str) -> tuple[str, ...]:
    """Return the NDC-10 digits an 11-digit (5-4-2) NDC can stem from: one per group that starts with 0."""
    labeler, product, package = digits[:5], digits[5:9], digits[9:]
    found = []
    if labeler.startswith("0"):
        found.append(labeler[1:] + product + package)
    if product.startswith("0"):
        found.append(labeler + product[1:] + package)
    if package.startswith("0"):
        found.append(labeler + product + package[1:])
    return tuple(dict.fromkeys(found))


def ndc10_digits_from_inventory_upc(upc: str | None) -> tuple[str, ...] | None:
    """Recognize an NDC stored in a lot's ``upc`` field and return its NDC-10 digits in the order a drug
    GTIN carries them.

    Accepts the hyphenated 10-digit forms (4-4-2 ``0409-4903-11``, 5-3-2, 5-4-1), the hyphenated 11-digit
    form (5-4-2 ``00409-4903-11``), an ``NDC`` prefix, and bare 10 or 11 digits. Returns a tuple because
    an 11-digit NDC whose zero padding fits more than one group (``00409-0903-01``) stems from several
    10-digit forms; the caller matches any of them. Returns None when the value is no NDC (a UPC-A such
    as ``3-04094-90311-8`` has 12 digits and is no NDC).
    """
    if not upc:
        return None
    text = _NDC_PREFIX.sub("", upc).strip().replace(" ", "")
    match = _HYPHENATED.match(text)
    if match:
        groups = tuple(len(group) for group in match.groups())
        digits = "".join(match.groups())
        if groups in NDC10_CONFIGURATIONS:
            return (digits,)
        if groups == (5, 4, 2):
            return _unpad_ndc11(digits) or None
        return None
    if not text.isascii() or not text.isdigit():
        return None
    if len(text) == 10:
        return (text,)
    if len(text) == 11:
        return _unpad_ndc11(text) or None
    return None
