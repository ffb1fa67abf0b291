"""Measure the ledger: the cost of ``record_scan`` and the replay of 1,000 queued adjustments.

Run: ``.venv/bin/python benchmarks/bench_ledger.py [--scans N] [--adjustments N]``. The replay goes
to a sandbox served on 127.0.0.1 in this process, without faults. Each adjustment costs one GET (the
base for settlement) and one PATCH. The results go under "Ledger" in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from station.blend.client import BlendClient
from station.codes import parse_scan
from station.ledger import AdjustmentService, Ledger
from station.sandbox.seed import DEMO_EMAIL, DEMO_PASSWORD
from station.sandbox.server import SandboxServer

SCAN_TEXTS = ("0100712345678904211234ABC\x1d10LOT5", "712345678904", "A24B117", "0409-4903-11")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    return (f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def bench_record_scan(folder: Path, count: int) -> None:
    ledger = Ledger(folder / "scans.sqlite3", station_id="bench")
    scans = [parse_scan(text) for text in SCAN_TEXTS]
    timings = []
    for number in range(count):
        started = time.perf_counter()
        ledger.record_scan(scans[number % len(scans)], operator="bench", outcome="found", lot_ids=["lot-1"])
        timings.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    ledger.journal(limit=100)
    journal_ms = (time.perf_counter() - started) * 1000
    ledger.close()
    print(f"record_scan x{count}: median {statistics.median(timings):.2f} ms, "
          f"p95 {percentile(timings, 0.95):.2f} ms, max {max(timings):.2f} ms")
    print(f"journal(limit=100) over {count} scans: {journal_ms:.1f} ms")


def bench_replay(folder: Path, count: int) -> None:
    server = SandboxServer(folder / "sandbox.sqlite3").start()
    try:
        login = httpx.post(f"{server.url}/api/v1/auth/login", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD},
                           timeout=10)
        login.raise_for_status()
        created = httpx.post(f"{server.url}/api/v1/products/inventory", timeout=10,
                             headers={"Authorization": f"Bearer {login.json()['access_token']}"},
                             json={"batch_number": "BENCH", "current_quantity": 1_000_000})
        created.raise_for_status()
        lot_id = created.json()["id"]

        ledger = Ledger(folder / "replay.sqlite3", station_id="bench")
        started = time.perf_counter()
        for number in range(count):
            ledger.create_adjustment(lot_id, -1 if number % 2 else 2, operator="bench")
        queue_seconds = time.perf_counter() - started

        with BlendClient(server.url) as client:
            client.login(DEMO_EMAIL, DEMO_PASSWORD)
            service = AdjustmentService(ledger, client)
            started = time.perf_counter()
            report = service.sync()
            replay_seconds = time.perf_counter() - started
            final = client.get_lot(lot_id).current_quantity
        ledger.close()
    finally:
        server.stop()

    expected = 1_000_000 + sum(-1 if number % 2 else 2 for number in range(count))
    if len(report.applied) != count or final != expected:
        sys.exit(f"replay wrong: {len(report.applied)} applied of {count}, quantity {final} != {expected}")
    print(f"queue {count} adjustments (ledger writes only): {queue_seconds:.2f} s, "
          f"{queue_seconds / count * 1000:.2f} ms each")
    print(f"replay {count} queued adjustments: {replay_seconds:.2f} s, {replay_seconds / count * 1000:.1f} ms each, "
          f"{count / replay_seconds:.0f} per second")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=2000, help="number of scans to record")
    parser.add_argument("--adjustments", type=int, default=1000, help="number of queued adjustments to replay")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as folder:
        bench_record_scan(Path(folder), args.scans)
        bench_replay(Path(folder), args.adjustments)


if __name__ == "__main__":
    main()
