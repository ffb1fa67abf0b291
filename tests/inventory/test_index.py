"""Resolution rules of the lot index, on lots built in the test and scans from the real parser."""



import pytest

from station.blend.models import Lot
from station.codes import parse_scan
from station.codes.scan import Reading, Scan, ScanKind
from station.inventory.index import LotIndex, Outcome, base_unit_gtin14


def make_lot(lot_id, upc, batch, expiry, quantity=10, active=True):
    return Lot.model_validate(
        {
            "id": lot_id,
            "upc": upc,
            "batch_number": batch,
            "expiration_date": f"{expiry}T00:00:00" if expiry else None,
            "current_quantity": quantity,
            "initial_quantity": 100,
            "is_active": active,
            "unit_type": "mg",
        }
    )


@pytest.fixture
def index():
    return LotIndex(
        [
            make_lot("late", "7-12345-67890-4", "B-LATE", "2028-01-01"),
            make_lot("early", "7-12345-67890-4", "1234567890", "2027-03-01"),
            make_lot("ndc", "0409-4903-11", "1724847.1", "2021-03-31"),
            make_lot("text", "0-11111-11111-7", "10D9T", "2027-01-01"),
            make_lot("d9t", "0-22222-22222-4", "D9T", "2027-01-01"),
            make_lot("c08", "6-93570-00718-2", "21072911", "2024-05-31"),
        ]
    )


def test_upc_forms_resolve_to_same_lots(index):
    for code in ("712345678904", "0712345678904", "00712345678904", "]E00712345678904"):
        result = index.resolve(parse_scan(code))
        assert result.outcome is Outcome.SEVERAL, code
        assert [lot.id for lot in result.lots] == ["early", "late"], code


def test_gs1_with_batch_picks_that_lot(index):
    result = index.resolve(parse_scan("\x1d0100712345678904" + "10b-late\x1d17280101"))
    assert result.outcome is Outcome.FOUND
    assert result.lot.id == "late"
    assert result.warnings == []


def test_gs1_expiry_mismatch_warns(index):
    result = index.resolve(parse_scan("(01)00712345678904(17)290101(10)1234567890"))
    assert result.lot.id == "early"
    assert any("2029-01-01" in warning and "2027-03-01" in warning for warning in result.warnings)


def test_gs1_unknown_batch_lists_gtin_lots(index):
    result = index.resolve(parse_scan("(01)00712345678904(10)NOPE"))
    assert result.outcome is Outcome.BATCH_NOT_FOUND
    assert [lot.id for lot in result.lots] == ["early", "late"]
    assert "NOPE" in result.message


def test_drug_gtin_matches_ndc_stored_in_upc(index):
    case_code = "0110304094903115101724847.1\x1d1721033121118165795226"
    result = index.resolve(parse_scan(case_code))
    assert result.outcome is Outcome.FOUND
    assert result.lot.id == "ndc"


def test_plain_text_is_batch_first(index):
    result = index.resolve(parse_scan("10D9T"))
    assert result.outcome is Outcome.FOUND
    assert result.lot.id == "text"
    assert result.reading is None


def test_plain_text_falls_back_to_gs1_reading():
    only_d9t = LotIndex([make_lot("d9t", "0-22222-22222-4", "D9T", "2027-01-01")])
    result = only_d9t.resolve(parse_scan("10D9T"))
    assert result.outcome is Outcome.FOUND
    assert result.lot.id == "d9t"
    assert result.reading is not None
    assert "10D9T" in result.warnings[0]


def test_invalid_scan_is_not_looked_up(index):
    result = index.resolve(parse_scan("72527273070"))
    assert result.outcome is Outcome.INVALID
    assert result.lots == []
    assert result.message


def test_ambiguous_scan_takes_only_matching_reading(index):
    result = index.resolve(parse_scan("1021072911172405310100693570007182"))
    assert result.outcome is Outcome.FOUND
    assert result.lot.id == "c08"
    assert result.reading is not None
    assert result.reading.lot == "21072911"
    assert "only" in result.warnings[0]


def test_ambiguous_scan_with_two_matches_asks():
    scan = Scan(
        raw="x", text="x", kind=ScanKind.GTIN, ambiguous=True,
        readings=(
            Reading("EAN-8 A", ScanKind.GTIN, gtin14="00712345678904"),
            Reading("UPC-E B", ScanKind.GTIN, gtin14="00693570007182"),
        ),
    )
    both = LotIndex([make_lot("a", "7-12345-67890-4", "A", None), make_lot("b", "6-93570-00718-2", "B", None)])
    result = both.resolve(scan)
    assert result.outcome is Outcome.CHOOSE_READING
    assert [reading.description for reading in result.readings] == ["EAN-8 A", "UPC-E B"]
    assert result.lots == []


def test_inactive_and_undated_lots_sort_last():
    lots = LotIndex(
        [
            make_lot("inactive", "7-12345-67890-4", "I", "2026-01-01", active=False),
            make_lot("undated", "7-12345-67890-4", "U", None),
            make_lot("dated", "7-12345-67890-4", "D", "2030-01-01"),
        ]
    )
    assert [lot.id for lot in lots.lots_for_gtin("00712345678904")] == ["dated", "undated", "inactive"]


def test_batch_compared_without_spaces_and_case():
    lots = LotIndex([make_lot("x", "7-12345-67890-4", "  Ab12 ", "2027-01-01")])
    assert [lot.id for lot in lots.lots_for_batch("aB12")] == ["x"]


def test_base_unit_gtin_recomputes_check_digit():
    assert base_unit_gtin14("10304094903115") == "00304094903118"
    assert base_unit_gtin14("00304094903118") is None


def test_odd_upc_values_do_not_break_index():
    lots = LotIndex([make_lot("odd", "not a upc", "B1", None), make_lot("ok", "7-12345-67890-4", "B2", None)])
    assert [lot.id for lot in lots.lots_for_gtin("00712345678904")] == ["ok"]


def test_typed_inventory_forms_resolve(index):
    upc = index.resolve(parse_scan("7-12345-67890-4"))
    assert upc.outcome is Outcome.SEVERAL
    assert [lot.id for lot in upc.lots] == ["early", "late"]
    ndc = index.resolve(parse_scan("0409-4903-11"))
    assert ndc.outcome is Outcome.FOUND
    assert ndc.lot.id == "ndc"


def test_with_lot_replaces_only_that_lot(index):
    old = index.by_id["early"]
    moved = old.model_copy(update={"upc": "0-78000-00386-4", "batch_number": "NEW", "current_quantity": 3})
    updated = index.with_lot(moved)
    assert [lot.id for lot in updated.lots_for_gtin("00712345678904")] == ["late"]
    assert [lot.id for lot in updated.lots_for_gtin("00078000003864")] == ["early"]
    assert updated.lots_for_batch("1234567890") == []
    assert updated.by_id["early"].current_quantity == 3
    assert len(updated) == len(index)
    assert [lot.id for lot in index.lots_for_gtin("00712345678904")] == ["early", "late"]
    added = index.with_lot(make_lot("fresh", "6-93570-00718-2", "X1", None))
    assert len(added) == len(index) + 1
    assert {lot.id for lot in added.lots_for_gtin("00693570007182")} == {"c08", "fresh"}


def test_expired_empty_inactive_lots_warn():
    import datetime as dt

    from station.inventory.index import lot_warnings

    lot = make_lot("x", "7-12345-67890-4", "B", "2026-11-14", quantity=0, active=False)
    warnings = lot_warnings(lot, today=dt.date(2026, 12, 4))
    assert warnings == [
        "Expired 20 days ago: do not dispense from this lot.",
        "This lot is empty.",
        "This lot is marked inactive in Blend.",
    ]
    assert lot_warnings(make_lot("y", None, "B", "2027-01-01"), today=dt.date(2026, 12, 4)) == []


def test_expired_lot_scan_warns(index):
    result = index.resolve(parse_scan("10D9T"))
    assert result.warnings == []
    expired = index.resolve(parse_scan("(01)00693570007182(10)21072911"))
    assert expired.outcome is Outcome.FOUND
    assert any("do not dispense" in warning for warning in expired.warnings)
