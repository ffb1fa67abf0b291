"""The ordered rule of station.codes.parser, one step at a time: each step wins over the later ones."""

from __future__ import annotations

import datetime as dt

import pytest

from station.codes import ScanKind, parse_scan
from station.codes.gtin import check_digit

# 1012345678904 is a valid EAN-13 that also splits into GS1 fields: (10)12345678904.
EAN13_ALSO_LOT = "101234567890" + check_digit("101234567890")
BLEND_USER = "USER-3da03bd9-26cd-487c-9619-d4e1b0c26f24-7172173f"


def test_ean13_fixture_is_valid_ean13():
    assert EAN13_ALSO_LOT == "1012345678904"


# -- step 0: unreadable input ------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\r\n", "\t"])
def test_step0_empty_rejected(text):
    scan = parse_scan(text)

    assert not scan.valid
    assert "empty" in scan.reason


def test_step0_control_character_beats_gtin():
    scan = parse_scan("71234\x045678904")

    assert not scan.valid
    assert scan.gtin14 is None
    assert "U+0004" in scan.reason


def test_step0_too_long_beats_gs1():
    text = "0100693570007182" + "\x1d10" + "A" * 200

    scan = parse_scan(text)

    assert not scan.valid
    assert "more than the 200" in scan.reason


def test_step0_strips_terminator_and_spaces():
    scan = parse_scan(" 712345678904\r\n")

    assert scan.valid
    assert scan.text == "712345678904"
    assert scan.raw == " 712345678904\r\n"


# -- step 1: AIM symbology identifiers ----------------------------------------------------------------


def test_step1_gtin_identifier_beats_gs1_reading():
    scan = parse_scan("]E0" + EAN13_ALSO_LOT)

    assert scan.kind is ScanKind.GTIN
    assert scan.symbology == "]E0"
    assert scan.gtin14 == "0" + EAN13_ALSO_LOT
    assert scan.fallbacks == ()


def test_step1_gtin_identifier_with_bad_check_rejected():
    scan = parse_scan("]E0" + EAN13_ALSO_LOT[:-1] + "0")

    assert not scan.valid
    assert scan.reason == "Check digit of 1012345678900 is wrong (expected 4): rescan or type the code."


def test_step1_gtin_identifier_with_letters_rejected():
    scan = parse_scan("]E0ABC")

    assert not scan.valid
    assert "ABC" in scan.reason


def test_step1_ean8_identifier_resolves_upc_e_ambiguity():
    scan = parse_scan("]E412345670")

    assert not scan.ambiguous
    assert scan.ean8 == "12345670"
    assert scan.gtin14 == "00000012345670"
    assert scan.upc_a is None


def test_step1_e0_with_eight_digits_is_upc_e():
    scan = parse_scan("]E007838604")

    assert not scan.ambiguous
    assert scan.upc_e == "07838604"
    assert scan.upc_a == "078000003864"


def test_step1_e3_add_on_kept_apart():
    scan = parse_scan("]E3" + "0712345678904" + "12")

    assert scan.gtin14 == "00712345678904"
    assert scan.candidates["add_on"] == "12"


def test_step1_itf14_identifier():
    scan = parse_scan("]I110304094903115")

    assert scan.gtin14 == "10304094903115"
    assert scan.packaging_indicator == "1"


def test_step1_gs1_identifier_beats_gtin_shape():
    scan = parse_scan("]C1712345678904")

    assert scan.kind is ScanKind.GS1
    assert scan.gtin14 is None
    assert scan.ais == {"712": "345678904"}


@pytest.mark.parametrize("identifier", ["]C1", "]d2", "]Q3", "]e0", "]J1"])
def test_step1_each_gs1_identifier(identifier):
    scan = parse_scan(identifier + "0100693570007182172405311021072911")

    assert scan.symbology == identifier
    assert scan.kind is ScanKind.GS1
    assert (scan.gtin14, scan.expiry, scan.lot) == ("00693570007182", dt.date(2024, 5, 31), "21072911")
    assert not scan.ambiguous


def test_step1_symbology_argument_used():
    scan = parse_scan("0100693570007182172405311021072911", symbology="]d2")

    assert scan.symbology == "]d2"
    assert scan.lot == "21072911"
    assert scan.fallbacks == ()


def test_step1_other_identifier_stripped_and_rule_goes_on():
    scan = parse_scan("]C0" + BLEND_USER)

    assert scan.symbology == "]C0"
    assert scan.kind is ScanKind.BLEND
    assert scan.text == BLEND_USER


def test_step1_gs1_identifier_falls_back_to_lenient_split():
    # The GS after the lot was lost: the GS1 syntax reads the lot to the end, which is too long.
    scan = parse_scan("]d2" + "1021072911172405310100693570007182")

    assert scan.ambiguous
    assert any("separator" in warning for warning in scan.warnings)
    assert any(reading.lot == "21072911" and reading.gtin14 == "00693570007182" for reading in scan.readings)


def test_step1_identifier_without_data_rejected():
    gs1_scan = parse_scan("]C1")
    gtin_scan = parse_scan("]E0")

    assert not gs1_scan.valid
    assert gs1_scan.reason.startswith("The scan ]C1 has no data after the GS1 prefix")
    assert not gtin_scan.valid
    assert gtin_scan.reason.startswith("The scanner reported a product code (]E0) but sent no digits")


# -- step 2: GS separators and the parentheses form --------------------------------------------------


def test_step2_leading_gs_beats_gtin_shape():
    scan = parse_scan("\x1d712345678904")

    assert scan.kind is ScanKind.GS1
    assert scan.ais == {"712": "345678904"}
    assert scan.text == "712345678904"


def test_step2_inner_gs_reads_by_gs1_syntax():
    # Without the GS rule the lenient search would also allow (10)21 + (00)... or a shorter lot.
    scan = parse_scan("0100693570007182102107\x1d17240531")

    assert not scan.ambiguous
    assert scan.lot == "2107"
    assert scan.expiry == dt.date(2024, 5, 31)


def test_step2_gs_with_invalid_fields_rejected_not_text():
    scan = parse_scan("\x1dUSER")

    assert not scan.valid
    assert scan.kind is ScanKind.TEXT
    assert "USER" in scan.reason


def test_step2_parentheses_form():
    scan = parse_scan("(01)00693570007182 (17)240500 (10)AB-12")

    assert scan.kind is ScanKind.GS1
    assert scan.gtin14 == "00693570007182"
    assert scan.expiry == dt.date(2024, 5, 31)
    assert scan.lot == "AB-12"


def test_step2_parentheses_form_with_bad_gtin_rejected():
    scan = parse_scan("(01)00693570007183(10)AB12")

    assert not scan.valid
    assert "(01)00693570007183" in scan.reason


@pytest.mark.parametrize("text", ["\x1d0100712345678905\x1d10ABC", "(01)00712345678905(10)ABC"])
def test_step2_wrong_gtin_element_named(text):
    scan = parse_scan(text)

    assert not scan.valid
    assert "wrong check digit 5 (expected 4)" in scan.reason
    assert "00712345678905" in scan.reason


def test_step2_only_gs_rejected():
    scan = parse_scan("\x1d\x1d")

    assert not scan.valid
    assert scan.reason.startswith("The scan <GS><GS> has no data after the GS1 prefix")
    assert "  " not in scan.reason


# -- step 3: Blend barcode values ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "entity",
    ["USER", "ORDER", "PATIENT", "PRESCRIPTION", "PRESCRIPTION_PRODUCT", "NON_PRESCRIPTION_PRODUCT",
     "ORDER_MATERIAL", "INVENTORY"],
)
def test_step3_blend_value_types(entity):
    value = BLEND_USER.replace("USER", entity, 1)

    scan = parse_scan(value)

    assert scan.kind is ScanKind.BLEND
    assert scan.blend_entity_type == entity.lower()
    assert scan.warnings == ()
    assert scan.lot is None
    assert scan.fallbacks == ()


def test_step3_unknown_blend_type_warns():
    scan = parse_scan(BLEND_USER.replace("USER", "SUPPLIER", 1))

    assert scan.kind is ScanKind.BLEND
    assert scan.blend_entity_type == "supplier"
    assert "supplier" in scan.warnings[0]


def test_step3_blend_value_hidden_in_logs():
    scan = parse_scan(BLEND_USER.replace("USER", "PATIENT", 1))

    assert scan.may_identify_patient
    assert "3da03bd9" not in scan.loggable_text


@pytest.mark.parametrize(
    "text",
    [
        "USER-3da03bd9-26cd-487c-9619-d4e1b0c26f24",  # no trailing 8 hex digits
        "USER-3da03bd9-26cd-487c-9619-d4e1b0c26f24-7172173",  # 7 hex digits
        "user-3da03bd9-26cd-487c-9619-d4e1b0c26f24-7172173f",  # lower-case type
    ],
)
def test_step3_near_blend_shapes_are_text(text):
    scan = parse_scan(text)

    assert scan.kind is ScanKind.TEXT
    assert scan.blend_entity_type is None


# -- step 4: GTINs with a valid check digit ----------------------------------------------------------


def test_step4_upc_a_beats_gs1_ai_712():
    scan = parse_scan("712345678904")

    assert scan.kind is ScanKind.GTIN
    assert scan.upc_a == "712345678904"
    assert scan.ais == {}


def test_step4_ean13_beats_gs1_lot_which_becomes_fallback():
    scan = parse_scan(EAN13_ALSO_LOT)

    assert scan.kind is ScanKind.GTIN
    assert scan.gtin14 == "01012345678904"
    assert scan.ean13 == EAN13_ALSO_LOT
    assert scan.upc_a is None
    assert not scan.ambiguous
    assert scan.warnings == ()
    assert [reading.lot for reading in scan.fallbacks] == ["12345678", "12345678904", EAN13_ALSO_LOT]
    assert scan.fallbacks[-1].kind is ScanKind.TEXT


def test_step4_gtin14():
    scan = parse_scan("10304094903115")

    assert scan.kind is ScanKind.GTIN
    assert scan.packaging_indicator == "1"
    assert scan.ndc10 == "0409490311"
    assert scan.candidates["base_unit_upc_a"] == "304094903118"


def test_step4_ean8_and_upc_e_ambiguous():
    scan = parse_scan("12345670")

    assert scan.ambiguous
    assert scan.gtin14 is None
    assert [reading.gtin14 for reading in scan.readings] == ["00000012345670", "00123456000070"]
    assert scan.readings[1].fields["upc_a"] == "123456000070"


def test_step4_upc_e_only():
    scan = parse_scan("07838604")

    assert not scan.ambiguous
    assert scan.upc_e == "07838604"
    assert scan.ean8 is None


def test_step4_ean8_only():
    # 96385074 is a valid EAN-8; its number system 9 has no UPC-E.
    scan = parse_scan("96385074")

    assert not scan.ambiguous
    assert scan.ean8 == "96385074"
    assert scan.gtin14 == "00000096385074"
    assert scan.upc_a is None
    assert scan.upc_inventory is None


# -- step 5: GS1 fields confirmed by a check digit or a date -----------------------------------------


def test_step5_expiry_beats_rejection_of_bad_ean8_check():
    scan = parse_scan("17190700")

    assert scan.kind is ScanKind.GS1
    assert scan.valid
    assert scan.expiry == dt.date(2019, 7, 31)
    assert [reading.lot for reading in scan.fallbacks] == ["17190700"]


def test_step5_single_split_taken():
    scan = parse_scan("0100693570007182")

    assert not scan.ambiguous
    assert scan.gtin14 == "00693570007182"


def test_step5_several_splits_ambiguous():
    scan = parse_scan("01006935700071821021072911")

    assert scan.ambiguous
    assert scan.gtin14 == "00693570007182"
    assert {reading.lot for reading in scan.readings} == {"21072911", "21072"}


def test_step5_day_00_last_day():
    assert parse_scan("17240200").expiry == dt.date(2024, 2, 29)
    assert parse_scan("17250200").expiry == dt.date(2025, 2, 28)


def test_step5_two_digit_year_century_rule():
    # GS1 General Specifications 7.12: a two-digit year lies between 49 years back and 50 years ahead.
    this_year = dt.date.today().year
    for offset in (-49, 0, 50):
        year = this_year + offset
        text = f"17{year % 100:02d}1200"

        assert parse_scan(text).expiry == dt.date(year, 12, 31), text


def test_step5_impossible_date_is_not_gs1():
    scan = parse_scan("17241301")  # month 13; EAN-8 check digit also wrong

    assert not scan.valid
    assert "Check digit of 17241301 is wrong" in scan.reason


# -- step 6: digits that look like a GTIN but fail its check -----------------------------------------


def test_step6_wrong_check_digit_rejected():
    scan = parse_scan("712345678905")

    assert not scan.valid
    assert scan.reason == "Check digit of 712345678905 is wrong (expected 4): rescan or type the code."
    assert scan.gtin14 is None


def test_step6_eleven_digits_rejected_with_candidates():
    scan = parse_scan("01234567891")

    assert not scan.valid
    assert scan.reason.startswith("11 digits: UPC-A check digit not transmitted")
    assert scan.candidates == {
        "upc_a": "012345678912",
        "gtin14": "00012345678912",
        "upc_inventory": "0-12345-67891-2",
    }


@pytest.mark.parametrize("text", ["0100712345678905", "0100712345678905" + "10ABC", "0100712345678905" + "17250131"])
def test_step6_wrong_gtin_element_rejected(text):
    scan = parse_scan(text)

    assert not scan.valid
    assert scan.reason == (
        f"The GTIN (01) 00712345678905 in {text} has the wrong check digit 5 (expected 4): rescan or type the code."
    )
    assert scan.gtin14 is None


# -- step 7: plain text -------------------------------------------------------------------------------


def test_step7_wrong_gtin_element_warned():
    scan = parse_scan("0100712345678905ABC")  # "ABC" is no GS1 field, so it may be a batch number

    assert scan.kind is ScanKind.TEXT
    assert scan.valid
    assert len(scan.warnings) == 1
    assert "GTIN (01) 00712345678905 has the wrong check digit 5 (expected 4)" in scan.warnings[0]


def test_step7_single_split_fallback():
    scan = parse_scan("10D9T")

    assert scan.kind is ScanKind.TEXT
    assert scan.lot is None
    assert scan.fallbacks[0].description == "(10)D9T"


def test_step7_several_splits_no_fallback():
    scan = parse_scan("10ABC21XYZ")  # (10)ABC21XYZ or (10)ABC (21)XYZ

    assert scan.kind is ScanKind.TEXT
    assert scan.fallbacks == ()


def test_step7_plain_batch():
    scan = parse_scan("LOT-A17")

    assert scan.kind is ScanKind.TEXT
    assert scan.valid
    assert scan.text == "LOT-A17"
    assert scan.fallbacks == ()



@pytest.mark.parametrize(
    ("text", "symbology", "gtin14", "lot"),
    [
        ("]d201008421350010221727030910SG24M077", "]d2", "00842135001022", "SG24M077"),
        ("]E00712345678904", "]E0", "00712345678904", None),
        ("]E00712345678904", None, "00712345678904", None),
        ("0100842135001022", "]d2", "00842135001022", None),
    ],
)
def test_aim_identifier_given_twice_is_stripped(text, symbology, gtin14, lot):
    """The wedge reports the AIM identifier and also leaves it in the text: both forms read the same."""
    scan = parse_scan(text, symbology=symbology)
    assert scan.valid, scan.reason
    assert scan.gtin14 == gtin14
    assert scan.lot == lot
    assert scan.symbology == (symbology or text[:3])
