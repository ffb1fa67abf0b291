"""The normalizers the lot index applies to a lot's ``upc`` field, and the NDC forms of drug GTINs."""

from __future__ import annotations

import pytest

from station.codes import gtin14_from_inventory_upc, ndc10_digits_from_inventory_upc, parse_scan
from station.codes.ndc import base_unit_upc_a, ndc11_candidates


@pytest.mark.parametrize(
    "stored",
    ["7-12345-67890-4", "712345678904", "0712345678904", "00712345678904", " 7 12345 67890 4 ", "7.12345.67890.4"],
)
def test_inventory_upc_forms_give_one_gtin(stored):
    assert gtin14_from_inventory_upc(stored) == "00712345678904"


def test_inventory_upc_matches_scanned_upc():
    assert gtin14_from_inventory_upc("7-12345-67890-4") == parse_scan("712345678904").gtin14
    assert gtin14_from_inventory_upc("0-78000-00386-4") == parse_scan("07838604").gtin14


def test_inventory_upc_e_expanded():
    assert gtin14_from_inventory_upc("07838604") == "00078000003864"


def test_inventory_ean8():
    assert gtin14_from_inventory_upc("9638-5074") == "00000096385074"


@pytest.mark.parametrize(
    "stored",
    [None, "", "7-12345-67890-5", "7-12345-67890", "72527273070", "N/A", "0409-4903-11", "１２３４５６７８９０１２"],
)
def test_inventory_upc_not_a_gtin(stored):
    assert gtin14_from_inventory_upc(stored) is None


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("0409-4903-11", ("0409490311",)),  # 4-4-2
        ("04094-903-11", ("0409490311",)),  # 5-3-2
        ("04094-9031-1", ("0409490311",)),  # 5-4-1
        ("00409-4903-11", ("0409490311",)),  # 5-4-2, padded labeler
        ("NDC 0409-4903-11", ("0409490311",)),
        ("0409490311", ("0409490311",)),
        ("00409490311", ("0409490311",)),
        ("00409-0903-01", ("0409090301", "0040990301", "0040909031")),
    ],
)
def test_inventory_ndc_recognized(stored, expected):
    assert ndc10_digits_from_inventory_upc(stored) == expected


@pytest.mark.parametrize("stored", [None, "", "3-04094-90311-8", "712345678904", "0409-4903", "12345-678-9012"])
def test_inventory_value_not_an_ndc(stored):
    assert ndc10_digits_from_inventory_upc(stored) is None


def test_inventory_ndc_matches_drug_gtin():
    scan = parse_scan("0110304094903115101724847.1\x1d1721033121118165795226")

    assert scan.ndc10 in ndc10_digits_from_inventory_upc("0409-4903-11")
    assert scan.ndc10 in ndc10_digits_from_inventory_upc("00409-4903-11")


def test_ndc11_candidates_cover_each_configuration():
    assert ndc11_candidates("0409490311") == ("00409-4903-11", "04094-0903-11", "04094-9031-01")


def test_base_unit_upc_a_gets_own_check_digit():
    assert base_unit_upc_a("10304094903115") == "304094903118"
    assert base_unit_upc_a("00304094903118") is None  # already the base unit
    assert base_unit_upc_a("91304094903113") is None  # indicator 9: variable measure


def test_non_drug_gtin_has_no_ndc():
    scan = parse_scan("00712345678904")

    assert scan.ndc10 is None
    assert scan.ndc11_candidates == ()
    assert "base_unit_upc_a" not in scan.candidates
