"""Property tests: element strings built from random fields parse back to the same fields, and no text
makes parse_scan raise."""

from __future__ import annotations

import calendar
import datetime as dt
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from station.codes import Scan, ScanKind, parse_scan
from station.codes.gtin import check_digit

GS = "\x1d"

# GS1 AI encodable character set 82 (GS1 General Specifications, figure 7.11-1).
CHARSET_82 = string.ascii_letters + string.digits + "!\"%&'()*+,-./:;<=>?_"

this_year = dt.date.today().year


@st.composite
def gtin14s(draw) -> str:
    payload = draw(st.text(alphabet=string.digits, min_size=13, max_size=13))
    return payload + check_digit(payload)


@st.composite
def expiries(draw) -> tuple[str, dt.date]:
    """Return a YYMMDD field and its date; day 00 stands for the month's last day."""
    # Two-digit years are read within 49 years back and 50 years ahead of the current year.
    year = draw(st.integers(min_value=this_year - 49, max_value=this_year + 50))
    month = draw(st.integers(min_value=1, max_value=12))
    last_day = calendar.monthrange(year, month)[1]
    day = draw(st.integers(min_value=0, max_value=last_day))
    field = f"{year % 100:02d}{month:02d}{day:02d}"
    return field, dt.date(year, month, day or last_day)


lots = st.text(alphabet=CHARSET_82, min_size=1, max_size=20)
serials = st.text(alphabet=CHARSET_82, min_size=1, max_size=20)


def assert_fields(scan: Scan, gtin14: str, expiry: dt.date, lot: str, serial: str) -> None:
    assert scan.valid, scan.reason
    assert not scan.ambiguous
    assert scan.kind is ScanKind.GS1
    assert scan.gtin14 == gtin14
    assert scan.expiry == expiry
    assert scan.lot == lot
    assert scan.serial == serial


@given(gtin14s(), expiries(), lots, serials)
def test_round_trip_with_gs_separators(gtin14, expiry, lot, serial):
    expiry_field, expiry_date = expiry
    text = f"01{gtin14}17{expiry_field}10{lot}{GS}21{serial}"

    assert_fields(parse_scan(text), gtin14, expiry_date, lot, serial)


@given(gtin14s(), expiries(), lots, serials)
def test_round_trip_serial_first(gtin14, expiry, lot, serial):
    expiry_field, expiry_date = expiry
    text = f"{GS}21{serial}{GS}01{gtin14}17{expiry_field}10{lot}"

    assert_fields(parse_scan(text), gtin14, expiry_date, lot, serial)


@given(st.sampled_from(["]C1", "]d2", "]Q3", "]e0", "]J1"]), gtin14s(), expiries(), lots, serials)
def test_round_trip_with_aim_identifier(identifier, gtin14, expiry, lot, serial):
    expiry_field, expiry_date = expiry
    text = f"{identifier}01{gtin14}17{expiry_field}10{lot}{GS}21{serial}"

    scan = parse_scan(text)

    assert_fields(scan, gtin14, expiry_date, lot, serial)
    assert scan.symbology == identifier


# A "(" inside a field could start a false AI in the parentheses form, so these lots leave it out.
hri_lots = st.text(alphabet=CHARSET_82.replace("(", ""), min_size=1, max_size=20)


@given(gtin14s(), expiries(), hri_lots, hri_lots)
def test_round_trip_parentheses_form(gtin14, expiry, lot, serial):
    expiry_field, expiry_date = expiry
    text = f"(01){gtin14}(17){expiry_field}(10){lot}(21){serial}"

    assert_fields(parse_scan(text), gtin14, expiry_date, lot, serial)


@given(gtin14s())
def test_round_trip_bare_gtin14(gtin14):
    scan = parse_scan(gtin14)

    assert scan.kind is ScanKind.GTIN
    assert scan.gtin14 == gtin14
    assert scan.packaging_indicator == gtin14[0]


@given(st.text(max_size=300))
@settings(max_examples=300)
def test_arbitrary_text_never_raises(text):
    scan = parse_scan(text)

    assert isinstance(scan, Scan)
    assert scan.raw == text
    assert scan.valid or scan.reason


@given(st.text(alphabet=string.digits + GS + "()]CdEQ", max_size=80), st.none() | st.text(max_size=4))
@settings(max_examples=300)
def test_code_like_text_never_raises(text, symbology):
    scan = parse_scan(text, symbology=symbology)

    assert isinstance(scan, Scan)
    assert scan.valid or scan.reason
    if scan.valid and scan.gtin14 is not None:
        assert check_digit(scan.gtin14[:-1]) == scan.gtin14[-1]
