"""Concurrent quantity changes on one lot are atomic in the sandbox and safe through one shared client."""

from __future__ import annotations

import threading

import pytest

from station.blend.client import BlendClient
from station.blend.errors import Rejected
from station.sandbox import seed

LOT = seed.LOT_EXPIRING_SOON_ID  # starts at 12


def test_twenty_threads_never_go_below_zero(sandbox):
    start_quantity = sandbox.get_lot_quantity(LOT)
    assert start_quantity == 12
    applied: list[int] = []
    rejected: list[Rejected] = []
    failures: list[BaseException] = []
    barrier = threading.Barrier(20)

    with BlendClient(sandbox.url) as blend:
        blend.login(seed.DEMO_EMAIL, seed.DEMO_PASSWORD)

        def take_one() -> None:
            barrier.wait(timeout=30)
            try:
                applied.append(blend.adjust_quantity(LOT, -1).current_quantity)
            except Rejected as exc:
                rejected.append(exc)
            except BaseException as exc:  # noqa: BLE001 - reported by the asserts below
                failures.append(exc)

        threads = [threading.Thread(target=take_one) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        final = blend.get_lot(LOT).current_quantity

    assert failures == []
    assert len(applied) == start_quantity
    assert sorted(applied) == list(range(start_quantity))  # each change saw a distinct quantity
    assert len(rejected) == 20 - start_quantity
    assert all("would go below zero" in str(exc) for exc in rejected)
    assert final == 0
    assert sandbox.get_lot_quantity(LOT) == 0


@pytest.mark.parametrize("threads_count", [8])
def test_concurrent_mixed_changes_sum_exactly(sandbox, threads_count):
    with BlendClient(sandbox.url) as blend:
        blend.login(seed.DEMO_EMAIL, seed.DEMO_PASSWORD)
        changes = [+5, -3] * threads_count

        def apply(change: int) -> None:
            blend.adjust_quantity(seed.LOT_LONG_DATED_ID, change)

        threads = [threading.Thread(target=apply, args=(change,)) for change in changes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert sandbox.get_lot_quantity(seed.LOT_LONG_DATED_ID) == 1150 + sum(changes)
