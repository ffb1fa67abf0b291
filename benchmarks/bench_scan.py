"""Measure a scan from text to lot: parsing alone, and ``StationSession.handle_scan`` end to end against the
sandbox on 127.0.0.1 (parse, index lookup, read-back of the lot, ledger write).

Run: ``.venv/bin/python benchmarks/bench_scan.py [--rounds N]``. Results go under "Scan to lot" in
docs/benchmarks.md. The sandbox is not Blend: add Blend's round trip to the read-back step.
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

from station.blend.client import BlendClient
from station.codes import parse_scan
from station.sandbox.seed import DEMO_EMAIL, DEMO_PASSWORD
from station.sandbox.server import SandboxServer
from station.session import StationSession

CODES = {
    "UPC-A": "712345678904",
    "GS1 DataMatrix": "]d20100842135001022172703091" + "0SG24M077",
    "batch number": "10D9T",
    "ambiguous GS1": "1021072911172405310100693570007182",
}


def summarize(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"median {statistics.median(ordered):.2f} ms, p95 {p95:.2f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="scans per code (default 200)")
    args = parser.parse_args()
    print(f"machine: {platform.system()} {platform.release()}, {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")

    for name, code in CODES.items():
        samples = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            parse_scan(code)
            samples.append((time.perf_counter() - start) * 1000)
        print(f"parse {name}: {summarize(samples)}")

    folder = Path(tempfile.mkdtemp(prefix="bench-scan-"))
    server = SandboxServer(db_path=folder / "sandbox.sqlite3").start()
    client = BlendClient(server.url)
    client.login(DEMO_EMAIL, DEMO_PASSWORD)
    session = StationSession(client, folder / "station", source_label="sandbox")
    session.inventory.refresh()
    try:
        for name, code in CODES.items():
            samples = []
            for _ in range(args.rounds):
                start = time.perf_counter()
                result = session.handle_scan(code)
                samples.append((time.perf_counter() - start) * 1000)
            print(f"handle_scan {name} -> {result.resolution.outcome.value}: {summarize(samples)}")
    finally:
        session.close()
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
