"""Every shared scan case that reaches the parser as text, checked field by field through parse_scan."""

from __future__ import annotations

import json

import pytest

from station.codes import ScanKind, parse_scan
from tests.conftest import CASES_FILE

ALL_CASES = json.loads(CASES_FILE.read_text(encoding="utf-8"))

# Cases whose input reaches the parser unchanged (the wedge only strips the end-of-scan suffix). Cases
# with a keyboard layout option go through the layout translation first; test_parse_command covers them.
PARSER_CASES = [
    case for case in ALL_CASES
    if case["kind"] == "api" or (case["kind"] == "hid_string" and not case.get("options", {}).get("keyboard_layout"))
]

# Expected keys that are compared with the same key of Scan.to_json().
SAME_NAME_FIELDS = {
    "gtin14", "upc_a", "upc_e", "upc_inventory", "lot", "expiry", "serial", "count", "ndc10",
    "ndc11_candidates", "symbology", "packaging_indicator", "ai_8200", "text", "valid", "ambiguous",
}
# Expected keys that only explain the case and have no field of their own.
EXPLANATORY_FIELDS = {"terminator", "ndc11"}


def wedge_text(case: dict) -> str:
    """Strip the end-of-scan suffix (CR, LF or Tab) as the keyboard wedge does."""
    return case["input"].rstrip("\r\n\t")


def test_case_file_has_parser_cases():
    assert len(PARSER_CASES) >= 10
    assert "C19" not in {case["id"] for case in PARSER_CASES}


@pytest.mark.parametrize("case", PARSER_CASES, ids=[case["id"] for case in PARSER_CASES])
def test_scan_case(case):
    scan = parse_scan(wedge_text(case))
    result = scan.to_json()
    expected = case["expected"]

    for key, value in expected.items():
        if key in SAME_NAME_FIELDS:
            assert result[key] == value, f"{key}: {result[key]!r} != {value!r}"
        elif key.startswith("candidate_"):
            assert result.get(key) == value, key
        elif key.startswith("base_unit_"):
            assert scan.candidates.get(key) == value, key
        elif key == "reason":
            assert value in (scan.reason or "")
        elif key == "intended":
            intended = [
                reading for reading in scan.readings
                if reading.lot == value.get("lot")
                and (reading.expiry.isoformat() if reading.expiry else None) == value.get("expiry")
                and reading.gtin14 == value.get("gtin14")
            ]
            assert len(intended) == 1, [reading.description for reading in scan.readings]
        elif key == "gs1":
            assert value is False
            assert scan.kind is ScanKind.TEXT
        elif key == "lookup_batch_number":
            assert scan.text == value
            assert scan.valid
            assert scan.fallbacks, "the GS1 reading must remain as a fallback"
        elif key not in EXPLANATORY_FIELDS:
            pytest.fail(f"the test does not check the expected key {key!r}")

    if expected.get("valid") is False:
        assert scan.reason
    else:
        assert scan.valid, scan.reason


def test_case_c12_fallback_is_lot_d9t():
    scan = parse_scan("10D9T")

    assert [reading.lot for reading in scan.fallbacks] == ["D9T"]
    assert scan.fallbacks[0].kind is ScanKind.GS1


def test_case_c08_lists_every_split():
    scan = parse_scan("1021072911172405310100693570007182")

    assert scan.ambiguous
    assert len(scan.readings) == 23
    assert len({reading.description for reading in scan.readings}) == 23
    assert scan.lot is None  # the readings disagree on the lot


def test_case_c28_tab_suffix_stripped_by_parser():
    scan = parse_scan("712345678904\t")

    assert scan.text == "712345678904"
    assert scan.upc_a == "712345678904"
