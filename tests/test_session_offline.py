"""The station through an outage: cached lots with their age, queued changes, replay when Blend is back."""

from __future__ import annotations

import datetime as dt
import time

from station.blend.client import BlendClient
from station.inventory.index import Outcome
from station.sandbox import seed
from station.sandbox.server import SandboxServer
from station.session import StationSession


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_outage_serves_cache_and_replays_queue(tmp_path):
    server = SandboxServer(db_path=tmp_path / "sandbox.sqlite3", port=0).start()
    port = server.port
    client = BlendClient(server.url, connect_timeout=1.0, read_timeout=3.0)
    client.login(seed.DEMO_EMAIL, seed.DEMO_PASSWORD)
    session = StationSession(client, tmp_path / "station", source_label="Blend")
    try:
        online = session.handle_scan("712345678904")
        assert online.resolution.outcome is Outcome.FOUND
        assert online.resolution.from_cache_age is None
        lot = online.resolution.lot

        server.stop()
        offline = session.handle_scan("712345678904")
        assert offline.resolution.outcome is Outcome.FOUND
        assert offline.resolution.lot.id == seed.LOT_MUPIROCIN_ID
        assert offline.resolution.from_cache_age is not None
        assert offline.resolution.from_cache_age >= 0
        assert session.inventory.source().online is False

        states = [session.adjust(lot, -1).state.value for _ in range(3)]
        assert states == ["pending", "pending", "pending"]
        assert session.outbox_count() == 3

        server = SandboxServer(db_path=tmp_path / "sandbox.sqlite3", port=port).start()
        started = time.monotonic()
        def drained() -> bool:
            session.sync()
            return session.outbox_count() == 0

        assert wait_for(drained, timeout=5.0)
        assert time.monotonic() - started < 5.0
        assert server.get_lot_quantity(seed.LOT_MUPIROCIN_ID) == 80 - 3
        applied = [entry for entry in session.ledger.journal() if entry.type == "adjustment"]
        assert [entry.state.value for entry in applied] == ["applied"] * 3
    finally:
        session.close()
        server.stop()


def test_blend_barcode_of_patient_is_not_a_lot(sandbox, tmp_path, caplog):
    caplog.set_level("DEBUG")
    client = BlendClient(sandbox.url)
    client.login(seed.DEMO_EMAIL, seed.DEMO_PASSWORD)
    session = StationSession(client, tmp_path / "station", source_label="Blend")
    try:
        result = session.handle_scan(seed.BARCODE_PATIENT)
        assert result.resolution.outcome is Outcome.NOT_INVENTORY
        assert "not an inventory lot" in result.resolution.message
        scans = [entry for entry in session.ledger.journal() if entry.type == "scan"]
        assert seed.BARCODE_PATIENT not in (scans[-1].text or "")
        assert seed.BARCODE_PATIENT not in caplog.text
        assert seed.PATIENT_ID not in caplog.text

        lot_result = session.handle_scan(seed.BARCODE_INVENTORY_MUPIROCIN)
        assert lot_result.resolution.outcome is Outcome.FOUND
        assert lot_result.resolution.lot.id == seed.LOT_MUPIROCIN_ID
    finally:
        session.close()


def test_serial_seen_on_earlier_day_warns(sandbox, tmp_path):
    client = BlendClient(sandbox.url)
    client.login(seed.DEMO_EMAIL, seed.DEMO_PASSWORD)
    session = StationSession(client, tmp_path / "station", source_label="Blend")
    code = "(01)00712345678904(10)1234567890(21)SN-0001"
    try:
        first = session.handle_scan(code)
        assert not any("already scanned" in warning for warning in first.warnings)

        same_day = session.handle_scan(code)
        assert not any("already scanned" in warning for warning in same_day.warnings)

        today = session.today()
        session.today = lambda: today + dt.timedelta(days=1)
        second = session.handle_scan(code)
        assert any("already scanned" in warning and "SN-0001" in warning for warning in second.warnings)
    finally:
        session.close()
