"""A station process for the chaos test: signs in, settles what a killed run left, and adjusts lots.

It runs until the ledger contains ``--count`` adjustments and nothing waits, then exits 0. The test kills
it with SIGKILL at random moments and starts it again on the same data folder, so the progress lives
only in the ledger. Every ``--reject-every``-th adjustment removes far more than any lot holds, so
the server must reject it.
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import time
from pathlib import Path

from station.blend.client import BlendClient
from station.blend.errors import BlendError
from station.ledger import AdjustmentService, Ledger
from station.paths import ledger_path

HUGE_REMOVAL = -1_000_000


def sign_in(api: str, email: str, password: str) -> BlendClient:
    """Sign in, trying again while the faulty sandbox drops or refuses the request."""
    while True:
        client = BlendClient(api, read_timeout=5.0)
        try:
            client.login(email, password)
            return client
        except BlendError as exc:
            client.close()
            logging.info("sign-in failed, trying again: %s", exc)
            time.sleep(0.2)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--api", required=True)
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--data-dir", required=True, type=Path)
    parser.add_argument("--lots", required=True, help="comma-separated lot ids")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--reject-every", type=int, default=40)
    parser.add_argument("--settle-delay", type=float, default=1.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

    lots = args.lots.split(",")
    rng = random.Random()
    client = sign_in(args.api, args.email, args.password)
    ledger = Ledger(ledger_path(args.data_dir), station_id="chaos")
    service = AdjustmentService(ledger, client, settle_delay=args.settle_delay, lock_timeout=30.0)

    service.sync()  # settle what the killed run left in flight before adding to it
    while True:
        made = len(ledger.adjustments())
        if made >= args.count:
            break
        number = made + 1
        delta = HUGE_REMOVAL if number % args.reject_every == 0 else rng.choice([-7, -5, -3, -2, -1, 1, 2, 4, 9])
        service.adjust(rng.choice(lots), delta, operator="chaos")
        if number % 10 == 0:
            service.sync()

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        report = service.sync()
        if report.done:
            return 0
        if report.reviews_open:
            print(f"adjustments need review: {[a.id for a in service.needs_review()]}", file=sys.stderr)
            return 4
        time.sleep(0.2)
    return 3


if __name__ == "__main__":
    sys.exit(main())
