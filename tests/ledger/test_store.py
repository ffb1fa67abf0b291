"""The ledger file: append-only triggers, scans, serial sightings and the journal."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from station.codes import parse_scan
from station.ledger import AdjustmentState, Ledger, LedgerError
from station.sandbox.seed import BARCODE_PATIENT, LOT_MUPIROCIN_ID

GS1_WITH_SERIAL = "0100712345678904211234ABC\x1d10LOT5"


class FakeClock:
    """A settable wall clock, in seconds since the epoch."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start.timestamp()

    def __call__(self) -> float:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta).total_seconds()


@pytest.fixture
def ledger(tmp_path):
    opened = Ledger(tmp_path / "ledger.sqlite3", station_id="counter-1")
    yield opened
    opened.close()


def test_file_uses_wal(ledger):
    with sqlite3.connect(ledger.path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize("statement", [
    "UPDATE scans SET outcome = 'found'",
    "DELETE FROM scans",
    "UPDATE adjustments SET delta = 5",
    "DELETE FROM adjustments",
    "UPDATE adjustment_events SET state = 'applied'",
    "DELETE FROM adjustment_events",
    "DELETE FROM acknowledgements",
    "UPDATE meta SET value = '0'",
])
def test_rows_cannot_be_rewritten(ledger, statement):
    scan_id = ledger.record_scan(parse_scan(GS1_WITH_SERIAL), operator="amy", outcome="not_found")
    adjustment = ledger.create_adjustment(LOT_MUPIROCIN_ID, -1, scan_id=scan_id, operator="amy")
    ledger.acknowledge(adjustment.id, operator="amy")
    raw = sqlite3.connect(ledger.path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute(statement)
    finally:
        raw.close()
    assert ledger.adjustment(adjustment.id).delta == -1
    assert ledger.adjustment(adjustment.id).state is AdjustmentState.PENDING
    assert len(ledger.journal()) == 2


def test_state_is_latest_event(ledger):
    adjustment = ledger.create_adjustment(LOT_MUPIROCIN_ID, 4, operator="amy")
    ledger.append_event(adjustment.id, AdjustmentState.SENT, quantity=80,
                        updated_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
    current = ledger.append_event(adjustment.id, AdjustmentState.APPLIED, quantity=84,
                                  updated_at=dt.datetime(2026, 1, 3, tzinfo=dt.UTC))
    assert current.state is AdjustmentState.APPLIED
    assert current.sent_quantity == 80
    assert current.quantity_after == 84
    assert current.sent_updated_at == dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
    assert ledger.count_waiting() == 0


def test_zero_delta_is_rejected(ledger):
    with pytest.raises(ValueError, match="non-zero"):
        ledger.create_adjustment(LOT_MUPIROCIN_ID, 0)
    assert ledger.adjustments() == []


def test_patient_scan_is_redacted(ledger):
    ledger.record_scan(parse_scan(BARCODE_PATIENT), operator="amy", outcome="rejected",
                       message="not an inventory code")
    raw = sqlite3.connect(ledger.path)
    try:
        dump = "\n".join(raw.iterdump())
    finally:
        raw.close()
    assert BARCODE_PATIENT not in dump
    assert "a1000000-0000-4000-8000-000000000001" not in dump
    entry = ledger.journal()[0]
    assert entry.text == "<patient barcode>"
    assert entry.fields == {"kind": "blend", "blend_entity_type": "patient"}


def test_scan_keeps_text_and_fields(ledger):
    scan_id = ledger.record_scan(parse_scan(GS1_WITH_SERIAL), operator="amy", outcome="found",
                                 lot_ids=[LOT_MUPIROCIN_ID])
    entry = ledger.journal()[0]
    assert entry.id == scan_id
    assert entry.type == "scan"
    assert entry.text == GS1_WITH_SERIAL
    assert entry.fields["gtin14"] == "00712345678904"
    assert entry.fields["serial"] == "1234ABC"
    assert entry.lot_ids == (LOT_MUPIROCIN_ID,)
    assert entry.station == "counter-1"
    assert entry.to_json()["lot_ids"] == [LOT_MUPIROCIN_ID]


def test_serial_seen_on_earlier_day(tmp_path):
    clock = FakeClock(dt.datetime(2026, 3, 2, 12, 0).astimezone())
    ledger = Ledger(tmp_path / "ledger.sqlite3", station_id="dock", clock=clock)
    try:
        scan = parse_scan(GS1_WITH_SERIAL)
        first_id = ledger.record_scan(scan, operator="amy", outcome="found")
        today = dt.date(2026, 3, 2)
        assert ledger.seen_serial("00712345678904", "1234ABC", before_day=today) is None

        clock.advance(days=1)
        ledger.record_scan(scan, operator="ben", outcome="found")
        sighting = ledger.seen_serial("00712345678904", "1234ABC", before_day=today + dt.timedelta(days=1))
        assert sighting is not None
        assert sighting.scan_id == first_id
        assert sighting.station == "dock"
        assert sighting.operator == "amy"
        assert sighting.scanned_at.astimezone().date() == today
        assert ledger.seen_serial("00712345678904", "OTHER", before_day=today + dt.timedelta(days=1)) is None
    finally:
        ledger.close()


def test_journal_newest_first_with_limit(tmp_path):
    clock = FakeClock(dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC))
    ledger = Ledger(tmp_path / "ledger.sqlite3", clock=clock)
    try:
        scan_id = ledger.record_scan(parse_scan(GS1_WITH_SERIAL), operator="amy", outcome="found")
        clock.advance(seconds=1)
        adjustment = ledger.create_adjustment(LOT_MUPIROCIN_ID, -2, scan_id=scan_id, operator="amy")
        clock.advance(seconds=1)
        ledger.record_scan(parse_scan("A24B117"), operator="amy", outcome="not_found")

        entries = ledger.journal()
        assert [entry.type for entry in entries] == ["scan", "adjustment", "scan"]
        assert entries[1].id == adjustment.id
        assert entries[1].scan_id == scan_id
        assert entries[1].to_json()["state"] == "pending"
        assert [entry.type for entry in ledger.journal(limit=2)] == ["scan", "adjustment"]
        assert ledger.journal(limit=0) == []
    finally:
        ledger.close()


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "ledger.sqlite3"
    Ledger(path).close()
    raw = sqlite3.connect(path)
    raw.execute("DROP TRIGGER meta_no_update")
    raw.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    raw.commit()
    raw.close()
    with pytest.raises(LedgerError, match="schema version 99"):
        Ledger(path)
