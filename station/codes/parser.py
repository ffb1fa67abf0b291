"""Turn scanned text into a ``Scan``: decide what the code is, then fill in its fields.

What a scan is follows ONE ordered rule. The first step that applies decides, and later steps never
override it. A weaker reading that a later step would have found goes into ``Scan.fallbacks`` (tried by
the lot index only when the scan itself matches nothing) or ``Scan.readings`` (when the scan is
ambiguous). The evidence, strongest first:

0. Unreadable input is rejected (``valid=False``): empty text, more than ``MAX_SCAN_LENGTH`` characters,
   or control characters other than GS. A trailing CR, LF or Tab (the scanner's end-of-scan key) is
   stripped first, and so are surrounding spaces.
1. An AIM symbology identifier, sent by the scanner as a ``]`` prefix or given as ``symbology``:
   ``]E0``, ``]E3``, ``]E4`` and ``]I1`` mean a GTIN (EAN/UPC or ITF-14), so the rest must be one with a
   valid check digit or the scan is rejected. ``]C1``, ``]d2``, ``]Q3``, ``]e0`` and ``]J1`` mean a GS1
   element string with FNC1, so the rest is read as one (step 2's rules). Any other identifier (``]C0``
   plain Code 128, ``]Q1`` plain QR ...) is recorded and stripped, and the rule goes on at step 2.
2. A GS character anywhere (a scanner sends FNC1 as GS, leading or between fields), or the form with the
   AIs in parentheses, means a GS1 element string. It is read by the GS1 syntax first: a
   variable-length field runs to the next GS or the end. When that fails, the fields may end anywhere,
   because scanners drop some separators; the scan then carries a warning, and is ambiguous when more
   than one split validates. When nothing validates, the scan is rejected.
3. The shape of a Blend barcode value, ``<ENTITY_TYPE>-<uuid>-<8 hex>``, means a Blend barcode
   (``blend_entity_type`` holds the type in lower case). It is resolved through Blend, never by its UUID.
4. A digit string of a GTIN length (8, 12, 13 or 14) with a valid check digit is a GTIN, even when it
   also splits into valid GS1 fields: ``712345678904`` is a UPC-A, not AI 712. Eight digits valid both as
   EAN-8 and as UPC-E are ambiguous, with one reading each. The GS1 splits that carry a GTIN or a lot,
   and the whole text as a batch number, become fallbacks. No warning is shown, because most 12- and
   13-digit numbers also split into some GS1 fields and the warning would appear on nearly every scan.
5. Text that splits into valid GS1 fields, where at least one split holds a field that a check digit or
   a real date confirms, is a GS1 element string: ``17190700`` is expiry 2019-07-31. One split is taken;
   several make the scan ambiguous, each split a reading. The whole text as a batch number becomes a
   fallback.
6. Digits that look like a GTIN but fail its check are rejected with the fix: a GTIN length with a wrong
   check digit, or 11 digits (a UPC-A whose check digit the scanner did not transmit; the completed
   UPC-A goes into ``candidates``). So is text that starts with AI 01 and a GTIN-14 with a wrong check
   digit, followed by nothing or by valid GS1 fields (``0100712345678905``): step 5 cannot read it,
   because every split must start with that (01), and a misread GTIN is the likely cause. A batch
   number of exactly that shape can therefore not be scanned.
7. Anything else is plain text, looked up as a batch number. When it splits into GS1 fields in exactly
   one way, only into free-text fields such as (10) (``10D9T`` -> lot ``D9T``), that reading becomes a
   fallback. Text that starts with AI 01 and a GTIN-14 with a wrong check digit, followed by text that
   is not GS1 fields, carries a warning that names the wrong and the expected check digit.

For an ambiguous scan, the top-level fields contain the values on which every reading that carries the
field agrees. The lot index decides between the readings by which of them matches a lot.

``Scan.text`` is the scanned text without the end-of-scan suffix, the AIM identifier and a leading GS
(the identifier is in ``Scan.symbology``), so a plain-text scan can be looked up as a batch number as is.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from station.codes import gs1, gtin, ndc
from station.codes.blend_value import blend_entity_type, is_known_entity_type
from station.codes.scan import Reading, Scan, ScanKind
from station.codes.visible import show_invisible
from station.i18n import tr

log = logging.getLogger(__name__)

MAX_SCAN_LENGTH = 200

# AIM identifiers (ISO/IEC 15424) of the symbologies that carry a GTIN or a GS1 element string.
GTIN_SYMBOLOGIES = frozenset({"]E0", "]E3", "]E4", "]I1"})
GS1_SYMBOLOGIES = frozenset({"]C1", "]d2", "]Q3", "]e0", "]J1"})

_AIM_IDENTIFIER = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
_TERMINATORS = "\r\n\t"
_DIGITS = re.compile(r"^[0-9]+$")
# AI 01 and its GTIN-14 at the start of a GS1 element string, with or without the parentheses.
_GTIN_ELEMENT = re.compile(r"^(?:01|\(01\))(?P<gtin>[0-9]{14})")


def parse_scan(text: str, *, symbology: str | None = None) -> Scan:
    """Parse scanned text into a ``Scan`` by the ordered rule in this module's docstring. Never raises.

    ``symbology`` is the AIM identifier (``]E0``, ``]d2`` ...) when the decoder reported it apart from
    the text, as camera decoders do. A keyboard-wedge scanner sends it as a prefix of ``text`` instead.
    """
    try:
        return _parse(text, symbology)
    except Exception:  # noqa: BLE001 - the contract is to never raise; the value may identify a patient
        log.exception("parsing a scan of %d characters failed", len(text) if isinstance(text, str) else -1)
        raw = text if isinstance(text, str) else repr(text)
        return Scan(
            raw=raw,
            text=raw,
            kind=ScanKind.TEXT,
            valid=False,
            reason=tr("The code could not be read because of an internal error: scan again or type the code."),
        )


def _parse(raw: str, symbology: str | None) -> Scan:
    text = raw.rstrip(_TERMINATORS).strip(" ")
    rejected = _reject_unreadable(raw, text)
    if rejected is not None:
        return rejected

    # Step 1: an AIM symbology identifier, given apart or still in front of the text. The keyboard wedge
    # does both: it reports the identifier and leaves it in the text.
    if symbology is not None and not symbology.startswith("]"):
        symbology = "]" + symbology
    if _AIM_IDENTIFIER.match(text) and (symbology is None or text.startswith(symbology)):
        symbology, text = text[:3], text[3:]
    if symbology in GTIN_SYMBOLOGIES:
        return _parse_gtin_symbology(raw, text, symbology)
    if symbology in GS1_SYMBOLOGIES:
        return _parse_gs1_with_fnc1(raw, text, symbology)

    # Step 2: a GS separator, or the parentheses form.
    if gs1.GS in text:
        return _parse_gs1_with_fnc1(raw, text, symbology)
    if gs1.looks_like_hri(text):
        return _parse_hri(raw, text, symbology)

    # Step 3: a Blend barcode value.
    entity_type = blend_entity_type(text)
    if entity_type is not None:
        warnings: tuple[str, ...] = ()
        if not is_known_entity_type(entity_type):
            warnings = (
                tr("The Blend barcode type {type} is not known to this station; it is checked with Blend.").format(
                    type=entity_type
                ),
            )
        return Scan(
            raw=raw, text=text, kind=ScanKind.BLEND, symbology=symbology, blend_entity_type=entity_type,
            warnings=warnings,
        )

    digits = bool(_DIGITS.match(text))

    # Step 4: a GTIN with a valid check digit.
    if digits and len(text) in gtin.GTIN_LENGTHS:
        found = _parse_bare_gtin(raw, text, symbology)
        if found is not None:
            return found

    # Step 5: valid GS1 fields, one of them confirmed by a check digit or a date.
    search = gs1.split_element_strings(text, strict=False)
    if any(element.verified for split in search.splits for element in split):
        scan = _scan_from_splits(raw, text, symbology, search)
        return replace(scan, fallbacks=(_batch_reading(text),))

    # Step 6: digits that look like a GTIN but fail its check.
    if digits and len(text) in gtin.GTIN_LENGTHS:
        return _reject_check_digit(raw, text, symbology)
    if digits and len(text) == 11:
        return _reject_missing_upc_check_digit(raw, text, symbology)
    wrong_gtin = _wrong_gtin_element(text)
    if wrong_gtin is not None:
        gtin14, rest = wrong_gtin
        if not rest or gs1.split_element_strings(rest, strict=False).total > 0:
            return _invalid(raw, text, symbology, _wrong_gtin_reason(text, gtin14))

    # Step 7: plain text, looked up as a batch number.
    fallbacks: tuple[Reading, ...] = ()
    if search.total == 1:
        reading = _reading_from_elements(search.splits[0])
        if reading.gtin14 or reading.lot:
            fallbacks = (reading,)
    text_warnings: tuple[str, ...] = ()
    if wrong_gtin is not None:
        gtin14 = wrong_gtin[0]
        text_warnings = (
            tr("{code} starts like a GS1 code, but its GTIN (01) {gtin} has the wrong check digit {found} "
               "(expected {expected}), so it is looked up as a batch number.").format(
                code=show_invisible(text), gtin=gtin14, found=gtin14[-1], expected=gtin.expected_check_digit(gtin14)
            ),
        )
    return Scan(raw=raw, text=text, kind=ScanKind.TEXT, symbology=symbology, fallbacks=fallbacks,
                warnings=text_warnings)


# -- step 0 -----------------------------------------------------------------------------------------


def _reject_unreadable(raw: str, text: str) -> Scan | None:
    if not text:
        return _invalid(raw, text, None, tr("Nothing was read: the scan is empty. Scan the code again."))
    if len(text) > MAX_SCAN_LENGTH:
        return _invalid(
            raw,
            text[:MAX_SCAN_LENGTH],
            None,
            tr("The scan is {length} characters long, more than the {limit} a product code can have: "
               "scan one code at a time.").format(length=len(text), limit=MAX_SCAN_LENGTH),
        )
    for position, char in enumerate(text):
        if char != gs1.GS and (ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0):
            return _invalid(
                raw,
                text,
                None,
                tr("The scan contains the control character U+{code:04X} at position {position}: check the "
                   "scanner's prefix and suffix settings, then scan again.").format(
                    code=ord(char), position=position + 1
                ),
            )
    return None


def _invalid(raw: str, text: str, symbology: str | None, reason: str, **fields: Any) -> Scan:
    return Scan(raw=raw, text=text, kind=ScanKind.TEXT, symbology=symbology, valid=False, reason=reason, **fields)


# -- steps 1 and 4: GTINs ---------------------------------------------------------------------------


def _gtin_fields(gtin14: str, *, ean8: bool = False) -> dict[str, Any]:
    """Return the Scan fields of a valid GTIN-14: its other forms and, for a drug GTIN, its NDC."""
    forms = gtin.gtin_forms(gtin14, ean8=ean8)
    fields: dict[str, Any] = {
        "gtin14": forms.gtin14,
        "upc_a": forms.upc_a,
        "upc_e": forms.upc_e,
        "ean13": forms.ean13,
        "ean8": forms.ean8,
        "upc_inventory": forms.upc_inventory,
        "packaging_indicator": forms.packaging_indicator,
    }
    ndc10 = ndc.ndc10_from_gtin14(gtin14)
    if ndc10 is not None:
        fields["ndc10"] = ndc10
        fields["ndc11_candidates"] = ndc.ndc11_candidates(ndc10)
        fields["candidates"] = ndc.base_unit_candidates(gtin14)
    return fields


def _gtin_reading(description: str, gtin14: str, *, ean8: bool = False) -> Reading:
    fields = {key: value for key, value in gtin.gtin_forms(gtin14, ean8=ean8).__dict__.items() if value}
    return Reading(description=description, kind=ScanKind.GTIN, gtin14=gtin14, fields=fields)


def _parse_gtin_symbology(raw: str, body: str, symbology: str) -> Scan:
    """Read the data after ]E0, ]E3, ]E4 or ]I1: it must be a GTIN, so anything else is rejected."""
    candidates: dict[str, str] = {}
    if symbology == "]E3" and _DIGITS.match(body) and len(body) in (15, 18):
        body, candidates["add_on"] = body[:13], body[13:]
    allowed = {"]E0": (8, 12, 13), "]E3": (8, 12, 13), "]E4": (8,), "]I1": (14,)}[symbology]
    if not body:
        return _invalid(
            raw,
            body,
            symbology,
            tr("The scanner reported a product code ({symbology}) but sent no digits after it: scan again or "
               "type the code.").format(symbology=symbology),
        )
    if not _DIGITS.match(body) or len(body) not in allowed:
        return _invalid(
            raw,
            body,
            symbology,
            tr("The scanner reported a product code ({symbology}) but sent {text}, which is not {lengths} digits: "
               "scan again or type the code.").format(
                symbology=symbology, text=show_invisible(body), lengths=" or ".join(str(n) for n in allowed)
            ),
        )
    if len(body) == 8 and symbology in ("]E0", "]E3"):
        # A UPC-E sent unexpanded: EAN-8 has its own identifier, ]E4.
        upc_a = gtin.upc_e_to_upc_a(body)
        if upc_a is None:
            return _reject_check_digit(raw, body, symbology)
        fields = _gtin_fields(upc_a.zfill(14))
        fields["upc_e"] = body
        return Scan(raw=raw, text=body, kind=ScanKind.GTIN, symbology=symbology, **fields)
    if not gtin.has_valid_check_digit(body):
        return _reject_check_digit(raw, body, symbology)
    fields = _gtin_fields(body.zfill(14), ean8=len(body) == 8)
    fields["candidates"] = {**fields.get("candidates", {}), **candidates}
    return Scan(raw=raw, text=body, kind=ScanKind.GTIN, symbology=symbology, **fields)


def _parse_bare_gtin(raw: str, text: str, symbology: str | None) -> Scan | None:
    """Read digits of a GTIN length without an identifier, or return None when no check digit fits."""
    fallbacks = (*_gs1_fallbacks(text), _batch_reading(text))
    if len(text) == 8:
        upc_a = gtin.upc_e_to_upc_a(text)
        is_ean8 = gtin.is_valid_ean8(text)
        if upc_a is not None and is_ean8:
            readings = (
                _gtin_reading(tr("EAN-8 {code}").format(code=text), text.zfill(14), ean8=True),
                _gtin_reading(tr("UPC-E {code} (UPC-A {upc_a})").format(code=text, upc_a=upc_a), upc_a.zfill(14)),
            )
            return Scan(
                raw=raw, text=text, kind=ScanKind.GTIN, symbology=symbology, ambiguous=True, readings=readings,
                warnings=(tr("{code} is valid both as an EAN-8 and as a UPC-E.").format(code=text),),
                fallbacks=fallbacks,
            )
        if upc_a is not None:
            fields = _gtin_fields(upc_a.zfill(14))
            fields["upc_e"] = text
            return Scan(raw=raw, text=text, kind=ScanKind.GTIN, symbology=symbology, fallbacks=fallbacks, **fields)
        if is_ean8:
            fields = _gtin_fields(text.zfill(14), ean8=True)
            return Scan(raw=raw, text=text, kind=ScanKind.GTIN, symbology=symbology, fallbacks=fallbacks, **fields)
        return None
    if not gtin.has_valid_check_digit(text):
        return None
    fields = _gtin_fields(text.zfill(14))
    return Scan(raw=raw, text=text, kind=ScanKind.GTIN, symbology=symbology, fallbacks=fallbacks, **fields)


def _gs1_fallbacks(text: str) -> tuple[Reading, ...]:
    """Return the GS1 readings of ``text`` that carry a GTIN or a lot, to try when the GTIN matches nothing."""
    search = gs1.split_element_strings(text, strict=False)
    readings = (_reading_from_elements(split) for split in search.splits)
    return tuple(reading for reading in readings if reading.gtin14 or reading.lot)


def _batch_reading(text: str) -> Reading:
    return Reading(description=tr("batch number {text}").format(text=text), kind=ScanKind.TEXT, lot=text)


# -- step 6 -----------------------------------------------------------------------------------------


def _reject_check_digit(raw: str, text: str, symbology: str | None) -> Scan:
    if len(text) == 8 and text[0] in "01":
        expected = tr("{ean8} as an EAN-8, {upc_e} as a UPC-E").format(
            ean8=gtin.expected_check_digit(text), upc_e=_upc_e_check_digit(text)
        )
    else:
        expected = gtin.expected_check_digit(text)
    reason = tr("Check digit of {code} is wrong (expected {expected}): rescan or type the code.").format(
        code=text, expected=expected
    )
    return _invalid(raw, text, symbology, reason)


def _upc_e_check_digit(text: str) -> str:
    for digit in "0123456789":
        if gtin.upc_e_to_upc_a(text[:7] + digit) is not None:
            return digit
    return "?"


def _wrong_gtin_element(text: str) -> tuple[str, str] | None:
    """Return the GTIN-14 after a leading AI 01 and the text after it, when that GTIN's check digit is wrong.

    Accepts the plain form (``0100712345678905``) and the parentheses form (``(01)00712345678905``).
    """
    match = _GTIN_ELEMENT.match(text)
    if match is None or gtin.has_valid_check_digit(match.group("gtin")):
        return None
    return match.group("gtin"), text[match.end():]


def _wrong_gtin_reason(text: str, gtin14: str) -> str:
    return tr("The GTIN (01) {gtin} in {code} has the wrong check digit {found} (expected {expected}): rescan or "
              "type the code.").format(gtin=gtin14, code=show_invisible(text), found=gtin14[-1],
                                       expected=gtin.expected_check_digit(gtin14))


def _reject_missing_upc_check_digit(raw: str, text: str, symbology: str | None) -> Scan:
    upc_a = text + gtin.check_digit(text)
    candidates = {
        "upc_a": upc_a,
        "gtin14": upc_a.zfill(14),
        "upc_inventory": gtin.upc_inventory_form(upc_a),
    }
    reason = tr(
        "11 digits: UPC-A check digit not transmitted. {code} is probably the UPC-A {upc_a}; set the scanner "
        "to transmit the UPC-A check digit, or type the full code."
    ).format(code=text, upc_a=upc_a)
    return _invalid(raw, text, symbology, reason, candidates=candidates)


# -- steps 2 and 5: GS1 element strings -------------------------------------------------------------


def _parse_gs1_with_fnc1(raw: str, text: str, symbology: str | None) -> Scan:
    """Read a GS1 element string that came with FNC1 evidence: by the GS1 syntax first, then leniently."""
    body = text.lstrip(gs1.GS)
    if not body:
        return _invalid(
            raw,
            text,
            symbology,
            tr("The scan {scan} has no data after the GS1 prefix: scan the code again. If this repeats, check "
               "the scanner's prefix and suffix settings.").format(scan=show_invisible((symbology or "") + text)),
        )
    if gs1.looks_like_hri(body):
        return _parse_hri(raw, body, symbology)
    strict = gs1.split_element_strings(body, strict=True)
    if strict.total == 1:
        return _scan_from_splits(raw, body, symbology, strict)
    lenient = gs1.split_element_strings(body, strict=False)
    if lenient.total == 0:
        return _invalid(raw, body, symbology, _invalid_gs1_reason(body))
    scan = _scan_from_splits(raw, body, symbology, lenient)
    warning = tr("The GS1 code does not follow the GS1 syntax; a separator (GS) was probably lost.")
    return replace(scan, warnings=(warning, *scan.warnings))


def _parse_hri(raw: str, text: str, symbology: str | None) -> Scan:
    elements = gs1.parse_hri(text)
    if elements is None:
        return _invalid(raw, text, symbology, _invalid_gs1_reason(text))
    return _scan_from_splits(raw, text, symbology, gs1.SplitResult(splits=(elements,), total=1))


def _invalid_gs1_reason(text: str) -> str:
    """Return why a GS1 element string that no split reads is rejected, naming the GTIN check digit if wrong."""
    wrong_gtin = _wrong_gtin_element(text)
    if wrong_gtin is not None:
        return _wrong_gtin_reason(text, wrong_gtin[0])
    return tr("The GS1 code {text} has a field that is not valid (unknown AI, wrong length, check digit or "
              "date): scan again or type the code.").format(text=show_invisible(text))


def _element_fields(elements: Sequence[gs1.Element]) -> dict[str, Any]:
    """Return the Scan fields that a list of GS1 elements fills."""
    ais = {element.ai: element.value for element in elements}
    dates = {element.ai: element.date for element in elements}
    fields: dict[str, Any] = {"ais": ais}
    if "01" in ais:
        fields.update(_gtin_fields(ais["01"]))
    fields["lot"] = ais.get("10")
    fields["expiry"] = dates.get("17")
    fields["best_before"] = dates.get("15")
    fields["serial"] = ais.get("21")
    count = ais.get("30", ais.get("37"))
    fields["count"] = int(count) if count is not None else None
    return fields


def _reading_from_elements(elements: Sequence[gs1.Element]) -> Reading:
    fields = _element_fields(elements)
    return Reading(
        description=" ".join(element.as_hri() for element in elements),
        kind=ScanKind.GS1,
        gtin14=fields.get("gtin14"),
        lot=fields["lot"],
        expiry=fields["expiry"],
        serial=fields["serial"],
        fields=dict(fields["ais"]),
    )


def _scan_from_splits(raw: str, text: str, symbology: str | None, search: gs1.SplitResult) -> Scan:
    if search.total == 1:
        return Scan(raw=raw, text=text, kind=ScanKind.GS1, symbology=symbology, **_element_fields(search.splits[0]))

    readings = tuple(_reading_from_elements(split) for split in search.splits)
    agreed = _agreed_fields([_element_fields(split) for split in search.splits])
    warnings = [tr("The code can be read {count} ways as GS1 fields.").format(count=search.total)]
    if search.total > len(readings):
        warnings.append(tr("Only the first {shown} readings are listed.").format(shown=len(readings)))
    return Scan(
        raw=raw,
        text=text,
        kind=ScanKind.GS1,
        symbology=symbology,
        ambiguous=True,
        readings=readings,
        warnings=tuple(warnings),
        **agreed,
    )


def _agreed_fields(all_fields: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Keep each field on whose value every reading that carries it agrees; drop ``ais`` and ``candidates``."""
    agreed: dict[str, Any] = {}
    conflicting: set[str] = set()
    for fields in all_fields:
        for name, value in fields.items():
            if name in ("ais", "candidates") or value is None or value == ():
                continue
            if name in agreed and agreed[name] != value:
                conflicting.add(name)
            agreed.setdefault(name, value)
    for name in conflicting:
        del agreed[name]
    if "gtin14" in agreed:
        agreed.update({k: v for k, v in _gtin_fields(agreed["gtin14"]).items() if k not in conflicting})
    elif conflicting & {"gtin14"}:
        for name in ("upc_a", "upc_e", "ean13", "ean8", "upc_inventory", "packaging_indicator", "ndc10"):
            agreed.pop(name, None)
    agreed.pop("candidates", None)
    return agreed

