"""Chaos: 200+ adjustments against a faulty sandbox while the station process is killed at random."""

from __future__ import annotations

import logging
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from station.blend.client import BlendClient
from station.ledger import AdjustmentService, AdjustmentState, Ledger
from station.paths import ledger_path
from station.sandbox.seed import DEMO_EMAIL, DEMO_PASSWORD
from station.sandbox.server import SandboxServer

DRIVER = Path(__file__).with_name("chaos_driver.py")
ADJUSTMENTS = 200
REJECT_EVERY = 40
START_QUANTITY = 100_000
FAULTS = "drop-before=0.05,drop-after=0.05,error=0.05,rate-limit=0.03,latency=5"
RUN_BUDGET = 150.0  # seconds of killing and restarting before the driver is left to finish
APPLIED_LINE = re.compile(r"Lot (\S+) quantity (-?\d+) ([+-]\d+) -> (-?\d+)")


class AppliedChanges(logging.Handler):
    """Collects the quantity changes that the sandbox logs as it applies them, per lot."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.deltas: dict[str, Counter[int]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        match = APPLIED_LINE.match(record.getMessage())
        if match:
            self.deltas.setdefault(match.group(1), Counter())[int(match.group(3))] += 1


def _create_lot(api: str, token: str, batch: str) -> str:
    response = httpx.post(f"{api}/api/v1/products/inventory", headers={"Authorization": f"Bearer {token}"},
                          json={"batch_number": batch, "current_quantity": START_QUANTITY, "unit_type": "each"},
                          timeout=10)
    response.raise_for_status()
    return response.json()["id"]


@pytest.fixture
def applied_changes():
    handler = AppliedChanges()
    logger = logging.getLogger("station.sandbox.app")
    previous_level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(previous_level)


@pytest.mark.chaos
@pytest.mark.timeout(400)
def test_chaos_kills_and_faults(tmp_path, applied_changes):
    data_dir = tmp_path / "station"
    server = SandboxServer(tmp_path / "sandbox.sqlite3").start()
    try:
        signed_in = httpx.post(f"{server.url}/api/v1/auth/login", timeout=10,
                               json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
        signed_in.raise_for_status()
        token = signed_in.json()["access_token"]
        lots = [_create_lot(server.url, token, f"CHAOS-{number}") for number in range(3)]

        server.set_faults(FAULTS)
        command = [sys.executable, str(DRIVER), "--api", server.url, "--email", DEMO_EMAIL,
                   "--password", DEMO_PASSWORD, "--data-dir", str(data_dir), "--lots", ",".join(lots),
                   "--count", str(ADJUSTMENTS), "--reject-every", str(REJECT_EVERY)]
        rng = random.Random()
        kills = 0
        finished = False
        started = time.monotonic()
        while time.monotonic() - started < RUN_BUDGET:
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                       env={**os.environ, "PYTHONUNBUFFERED": "1"})
            try:
                process.wait(timeout=rng.uniform(0.3, 3.0))
            except subprocess.TimeoutExpired:
                process.send_signal(signal.SIGKILL)
                process.wait()
                process.stderr.close()
                kills += 1
                continue
            stderr = process.stderr.read().decode(errors="replace")
            process.stderr.close()
            assert process.returncode == 0, f"driver exited {process.returncode}: {stderr[-2000:]}"
            finished = True
            break
        if not finished:  # let the last run finish the count without being killed
            result = subprocess.run(command, capture_output=True, text=True, timeout=180)
            assert result.returncode == 0, f"driver exited {result.returncode}: {result.stderr[-2000:]}"
        assert kills >= 5, f"only {kills} kills: the run did not exercise crashes"

        # Faults off: settle anything the last run left, the way a restarted station would.
        server.set_faults(None)
        ledger = Ledger(ledger_path(data_dir))
        with BlendClient(server.url) as client:
            client.login(DEMO_EMAIL, DEMO_PASSWORD)
            service = AdjustmentService(ledger, client, settle_delay=1.0)
            deadline = time.monotonic() + 30
            report = service.sync()
            while not report.done and time.monotonic() < deadline:
                time.sleep(0.3)
                report = service.sync()
            assert report.reviews_open == 0, [(a.id, a.reason) for a in service.needs_review()]
            assert report.waiting == 0

            adjustments = ledger.adjustments()
            final = {lot_id: client.get_lot(lot_id).current_quantity for lot_id in lots}
        ledger.close()
    finally:
        server.stop()

    assert len(adjustments) >= ADJUSTMENTS
    with sqlite3.connect(ledger_path(data_dir)) as raw:
        in_doubt = raw.execute("SELECT COUNT(DISTINCT adjustment_id) FROM adjustment_events "
                               "WHERE state = 'unknown'").fetchone()[0]
        sends = raw.execute("SELECT COUNT(*) FROM adjustment_events WHERE state = 'sent'").fetchone()[0]
    raw.close()
    # The faults must have left responses missing, or the run proved nothing about settlement.
    print(f"chaos: {len(adjustments)} adjustments, {in_doubt} in doubt, {sends} sends, {kills} kills")
    assert in_doubt >= 5, f"{in_doubt} adjustments in doubt, {sends} sends, {kills} kills"
    states = Counter(adjustment.state for adjustment in adjustments)
    assert set(states) <= {AdjustmentState.APPLIED, AdjustmentState.REJECTED}, states

    rejected = [adjustment for adjustment in adjustments if adjustment.state is AdjustmentState.REJECTED]
    assert all(adjustment.reason for adjustment in rejected)
    huge = [adjustment for adjustment in adjustments if adjustment.delta <= -START_QUANTITY]
    assert len(huge) >= ADJUSTMENTS // REJECT_EVERY
    assert all(adjustment.state is AdjustmentState.REJECTED for adjustment in huge)
    assert all("below zero" in (adjustment.reason or "") for adjustment in huge)

    for lot_id in lots:
        applied = [adjustment.delta for adjustment in adjustments
                   if adjustment.lot_id == lot_id and adjustment.state is AdjustmentState.APPLIED]
        assert final[lot_id] == START_QUANTITY + sum(applied), f"lot {lot_id}"
        # Exactly once: the server applied the same multiset of changes that the ledger calls applied.
        assert applied_changes.deltas.get(lot_id, Counter()) == Counter(applied), f"lot {lot_id}"
