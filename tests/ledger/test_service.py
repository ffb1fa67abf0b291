"""AdjustmentService against the sandbox over real HTTP: outcomes, the outbox, settlement and crashes."""

from __future__ import annotations

import threading
import time
import uuid

import httpx
import pytest

from station.ledger import AdjustmentService, AdjustmentState, Ledger
from station.sandbox.seed import DEMO_EMAIL, DEMO_PASSWORD, LOT_EMPTY_ID, LOT_LONG_DATED_ID, LOT_MUPIROCIN_ID
from station.sandbox.server import SandboxServer

MUPIROCIN_START = 80  # the seeded quantity of LOT_MUPIROCIN_ID
SETTLE_DELAY = 15.0


class FakeClock:
    """A wall clock for both ledger and service that starts at the real time and moves only when advanced."""

    def __init__(self) -> None:
        self.now = time.time()
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class PatchFaults(httpx.HTTPTransport):
    """The real HTTP transport, which switches a sandbox fault on for the next quantity PATCHes only.

    The sandbox applies a fault to every request, so without this a dropped response would also hit the
    GET that reads the base before the PATCH.
    """

    def __init__(self, sandbox: SandboxServer) -> None:
        super().__init__()
        self.sandbox = sandbox
        self.queued: list[str] = []  # fault specs, one per coming PATCH

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "PATCH" or not self.queued:
            return super().handle_request(request)
        self.sandbox.set_faults(self.queued.pop(0))
        try:
            return super().handle_request(request)
        finally:
            self.sandbox.set_faults(None)


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def patch_faults(sandbox):
    return PatchFaults(sandbox)


@pytest.fixture
def client(sandbox, patch_faults):
    from station.blend.client import BlendClient

    blend = BlendClient(sandbox.url, transport=patch_faults)
    blend.login(DEMO_EMAIL, DEMO_PASSWORD)
    yield blend
    blend.close()


@pytest.fixture
def ledger(tmp_path, clock):
    opened = Ledger(tmp_path / "ledger.sqlite3", station_id="counter-1", clock=clock)
    yield opened
    opened.close()


@pytest.fixture
def service(ledger, client, clock):
    adjuster = AdjustmentService(ledger, client, clock=clock, sleep=clock.sleep, settle_delay=SETTLE_DELAY,
                                 lock_timeout=5.0)
    yield adjuster
    adjuster.stop()


def _restart(stopped: SandboxServer) -> SandboxServer:
    """Start a new sandbox on the stopped one's database file and port."""
    return SandboxServer(db_path=stopped.db_path, port=stopped.port).start()


def _record_sent(ledger: Ledger, client, lot_id: str, delta: int):
    """Leave the ledger as a station killed right after recording ``sent`` would leave it."""
    adjustment = ledger.create_adjustment(lot_id, delta, operator="amy")
    base = client.get_lot(lot_id)
    ledger.append_event(adjustment.id, AdjustmentState.SENT, quantity=base.current_quantity,
                        updated_at=base.updated_at)
    return adjustment


# -- direct outcomes ---------------------------------------------------------------------------------


def test_adjust_applied(service, sandbox, ledger):
    result = service.adjust(LOT_MUPIROCIN_ID, -2, operator="amy")

    assert result.state is AdjustmentState.APPLIED
    assert result.lot is not None
    assert result.lot.id == LOT_MUPIROCIN_ID
    assert result.lot.current_quantity == MUPIROCIN_START - 2
    assert sandbox.get_lot_quantity(LOT_MUPIROCIN_ID) == MUPIROCIN_START - 2
    stored = ledger.adjustment(result.adjustment_id)
    assert stored.sent_quantity == MUPIROCIN_START
    assert stored.quantity_after == MUPIROCIN_START - 2
    assert stored.operator == "amy"
    assert service.outbox_count() == 0


def test_adjust_below_zero_rejected(service, sandbox):
    result = service.adjust(LOT_EMPTY_ID, -1, operator="amy")

    assert result.state is AdjustmentState.REJECTED
    assert result.lot is None
    assert "below zero" in (result.reason or "")
    assert sandbox.get_lot_quantity(LOT_EMPTY_ID) == 0
    assert service.attention() == []  # the operator saw this one in the result


def test_adjust_unknown_lot_rejected(service):
    lot_id = str(uuid.uuid4())
    result = service.adjust(lot_id, 3, operator="amy")

    assert result.state is AdjustmentState.REJECTED
    assert result.lot_not_found is True
    assert (result.reason or "").startswith(f"Lot {lot_id} was not found in the inventory (")
    assert ".)" not in (result.reason or "")


def test_adjust_zero_delta_invalid(service, ledger):
    with pytest.raises(ValueError, match="non-zero"):
        service.adjust(LOT_MUPIROCIN_ID, 0)
    assert ledger.adjustments() == []


def test_known_lot_is_recorded(service, client, ledger):
    shown = client.get_lot(LOT_MUPIROCIN_ID)
    result = service.adjust(LOT_MUPIROCIN_ID, 1, known_lot=shown, scan_id=None)

    stored = ledger.adjustment(result.adjustment_id)
    assert stored.seen_quantity == MUPIROCIN_START
    assert stored.seen_updated_at == shown.updated_at


# -- responses lost-----------------------------------------------------------------------------------


def test_drop_after_settled_applied_once(service, sandbox, clock, ledger, patch_faults):
    patch_faults.queued.append("drop-after=1")
    result = service.adjust(LOT_MUPIROCIN_ID, -1)

    assert result.state is AdjustmentState.UNKNOWN
    assert sandbox.get_lot_quantity(LOT_MUPIROCIN_ID) == MUPIROCIN_START - 1

    early = service.sync()
    assert early.applied == []
    assert early.waiting == 1
    assert ledger.adjustment(result.adjustment_id).state is AdjustmentState.UNKNOWN

    clock.advance(SETTLE_DELAY + 1)
    report = service.sync()
    assert report.applied == [result.adjustment_id]
    assert report.resent == []
    assert report.done
    assert sandbox.get_lot_quantity(LOT_MUPIROCIN_ID) == MUPIROCIN_START - 1
    assert ledger.adjustment(result.adjustment_id).state is AdjustmentState.APPLIED


def test_drop_before_settled_and_resent(service, sandbox, clock, ledger, patch_faults):
    patch_faults.queued.append("drop-before=1")
    result = service.adjust(LOT_MUPIROCIN_ID, -1)

    assert result.state is AdjustmentState.UNKNOWN  # the station cannot tell the two drops apart
    assert sandbox.get_lot_quantity(LOT_MUPIROCIN_ID) == MUPIROCIN_START

    clock.advance(SETTLE_DELAY + 1)
    report = service.sync()
    assert report.applied == [result.adjustment_id]
    assert sandbox.get_lot_quantity(LOT_MUPIROCIN_ID) == MUPIROCIN_START - 1
    assert ledger.adjustment(result.adjustment_id).state is AdjustmentState.APPLIED


def test_server_error_not_applied_twice(service, sandbox, clock, patch_faults):
    patch_faults.queued.append("error=1")
    result = service.adjust(LOT_MUPIROCIN_ID, 4)

    assert result.state is AdjustmentState.UNKNOWN  # a 5xx may come from a gateway after the change
    clock.advance(SETTLE_DELAY + 1)
    assert service.sync().done
    assert sandbox.get_lot_quantity(LOT_MUPIROCIN_ID) == MUPIROCIN_START + 4


def test_server_error_reason_names_status(service, ledger, patch_faults):
    patch_faults.queued.append("error=1")
    result = service.adjust(LOT_MUPIROCIN_ID, 4)

    assert result.state is AdjustmentState.UNKNOWN
    assert result.reason == (
        "Sent, but the inventory service answered with a server error (HTTP 500: Injected server error: the "
        "request was not applied), so the lot will be checked."
    )
    assert ledger.adjustment(result.adjustment_id).reason == result.reason


def test_server_error_on_read_not_unreachable(service, sandbox):
    sandbox.set_faults("error=1")
    try:
        result = service.adjust(LOT_MUPIROCIN_ID, -1)
    finally:
        sandbox.set_faults(None)

    assert result.state is AdjustmentState.PENDING
    assert (result.reason or "").startswith(
        f"Blend answered with a server error (HTTP 500) while loading lot {LOT_MUPIROCIN_ID}")
    assert "cannot be reached" not in (result.reason or "")
    assert sandbox.get_lot_quantity(LOT_MUPIROCIN_ID) == MUPIROCIN_START


def test_dropped_patch_reason_punctuation(service, patch_faults):
    patch_faults.queued.append("drop-after=1")
    result = service.adjust(LOT_MUPIROCIN_ID, -1)
    reason = result.reason or ""

    assert result.state is AdjustmentState.UNKNOWN
    assert reason.startswith("Sent, but no response came back (The connection to Blend broke while changing lot ")
    assert reason.endswith("Blend may still have applied the request), so the lot will be checked.")
    assert ".)" not in reason


def test_rate_limit_waits_retry_after(service, sandbox, clock, patch_faults):
    patch_faults.queued.extend(["rate-limit=1"] * 3)
    result = service.adjust(LOT_MUPIROCIN_ID, -1)

    assert result.state is AdjustmentState.APPLIED
    assert clock.sleeps == [1.0, 1.0, 1.0]
    assert sandbox.get_lot_quantity(LOT_MUPIROCIN_ID) == MUPIROCIN_START - 1


def test_rate_limit_budget_leaves_queued(service, sandbox, clock, patch_faults):
    patch_faults.queued.extend(["rate-limit=1"] * 50)
    result = service.adjust(LOT_MUPIROCIN_ID, -1)
    patch_faults.queued.clear()

    assert result.state is AdjustmentState.PENDING
    assert "slow down" in (result.reason or "")
    assert sum(clock.sleeps) <= service.rate_limit_budget
    assert sandbox.get_lot_quantity(LOT_MUPIROCIN_ID) == MUPIROCIN_START

    assert service.sync().applied == [result.adjustment_id]
    assert sandbox.get_lot_quantity(LOT_MUPIROCIN_ID) == MUPIROCIN_START - 1


# -- order within a lot ------------------------------------------------------------------------------


def test_later_adjustment_waits_behind_unknown(service, sandbox, clock, ledger, patch_faults):
    patch_faults.queued.append("drop-after=1")
    first = service.adjust(LOT_MUPIROCIN_ID, -1)
    second = service.adjust(LOT_MUPIROCIN_ID, -2)
    other_lot = service.adjust(LOT_LONG_DATED_ID, 1)

    assert first.state is AdjustmentState.UNKNOWN
    assert second.state is AdjustmentState.PENDING
    assert "earlier adjustment" in (second.reason or "")
    assert other_lot.state is AdjustmentState.APPLIED
    assert sandbox.get_lot_quantity(LOT_MUPIROCIN_ID) == MUPIROCIN_START - 1
    assert service.outbox_count() == 2

    clock.advance(SETTLE_DELAY + 1)
    report = service.sync()
    assert report.applied == [first.adjustment_id, second.adjustment_id]
    assert sandbox.get_lot_quantity(LOT_MUPIROCIN_ID) == MUPIROCIN_START - 3
    assert ledger.adjustment(second.adjustment_id).sent_quantity == MUPIROCIN_START - 1


def test_concurrent_adjustments_all_applied(service, sandbox):
    results = []

    def adjust_once() -> None:
        results.append(service.adjust(LOT_MUPIROCIN_ID, -1))

    threads = [threading.Thread(target=adjust_once) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert [result.state for result in results] == [AdjustmentState.APPLIED] * 8
    assert sandbox.get_lot_quantity(LOT_MUPIROCIN_ID) == MUPIROCIN_START - 8


# -- offline outbox ----------------------------------------------------------------------------------


def test_outbox_replays_after_outage(service, sandbox):
    changes = {}
    sandbox.stop()
    try:
        for delta in (-1, -2, 5):
            result = service.adjust(LOT_MUPIROCIN_ID, delta)
            assert result.state is AdjustmentState.PENDING
            changes[result.adjustment_id] = delta
        rejected = service.adjust(LOT_EMPTY_ID, -1)
        assert rejected.state is AdjustmentState.PENDING
        assert service.outbox_count() == 4
        assert service.sync().unreachable
        assert service.outbox_count() == 4
    finally:
        restarted = _restart(sandbox)
    try:
        service.start(interval=0.2)
        deadline = time.monotonic() + 5.0
        while service.outbox_count() and time.monotonic() < deadline:
            time.sleep(0.05)

        assert service.outbox_count() == 0
        assert restarted.get_lot_quantity(LOT_MUPIROCIN_ID) == MUPIROCIN_START - 1 - 2 + 5
        attention = service.attention()
        assert [item.id for item in attention] == [rejected.adjustment_id]
        assert "below zero" in (attention[0].reason or "")

        service.acknowledge(rejected.adjustment_id, operator="amy")
        assert service.attention() == []
    finally:
        service.stop()
        restarted.stop()


# -- crashes -----------------------------------------------------------------------------------------


def test_crash_after_pending_recorded(service, sandbox, ledger):
    adjustment = ledger.create_adjustment(LOT_MUPIROCIN_ID, -3, operator="amy")

    report = service.sync()

    assert report.applied == [adjustment.id]
    assert sandbox.get_lot_quantity(LOT_MUPIROCIN_ID) == MUPIROCIN_START - 3


def test_crash_after_sent_not_applied(service, sandbox, ledger, client, clock):
    adjustment = _record_sent(ledger, client, LOT_MUPIROCIN_ID, -3)

    assert service.sync().waiting == 1  # still inside the settle delay: the request might be in flight
    assert sandbox.get_lot_quantity(LOT_MUPIROCIN_ID) == MUPIROCIN_START

    clock.advance(SETTLE_DELAY + 1)
    report = service.sync()
    assert report.resent == [adjustment.id]
    assert report.applied == [adjustment.id]
    assert sandbox.get_lot_quantity(LOT_MUPIROCIN_ID) == MUPIROCIN_START - 3


def test_crash_after_sent_applied(service, sandbox, ledger, client, clock):
    adjustment = _record_sent(ledger, client, LOT_MUPIROCIN_ID, -3)
    client.adjust_quantity(LOT_MUPIROCIN_ID, -3)  # the request reached the server; the response was lost

    clock.advance(SETTLE_DELAY + 1)
    report = service.sync()

    assert report.applied == [adjustment.id]
    assert report.resent == []
    assert sandbox.get_lot_quantity(LOT_MUPIROCIN_ID) == MUPIROCIN_START - 3
    assert ledger.adjustment(adjustment.id).quantity_after == MUPIROCIN_START - 3


# -- review by an operator ---------------------------------------------------------------------------


def test_interleaved_change_needs_review(service, sandbox, ledger, client, clock):
    adjustment = _record_sent(ledger, client, LOT_MUPIROCIN_ID, -1)
    client.adjust_quantity(LOT_MUPIROCIN_ID, -5)  # another station's change; ours never arrived
    later = service.adjust(LOT_MUPIROCIN_ID, -2)

    clock.advance(SETTLE_DELAY + 1)
    report = service.sync()

    assert report.needs_review == [adjustment.id]
    assert report.reviews_open == 1
    assert not report.done
    assert [item.id for item in service.needs_review()] == [adjustment.id]
    assert ledger.adjustment(later.adjustment_id).state is AdjustmentState.PENDING  # waits behind the review
    assert sandbox.get_lot_quantity(LOT_MUPIROCIN_ID) == MUPIROCIN_START - 5

    service.resolve_review(adjustment.id, applied=False, operator="ben")
    report = service.sync()
    assert report.applied == [adjustment.id, later.adjustment_id]
    assert sandbox.get_lot_quantity(LOT_MUPIROCIN_ID) == MUPIROCIN_START - 5 - 1 - 2
    events = ledger.adjustment(adjustment.id)
    assert events.state is AdjustmentState.APPLIED


def test_review_marked_applied(service, sandbox, ledger, client, clock):
    adjustment = _record_sent(ledger, client, LOT_MUPIROCIN_ID, -1)
    client.adjust_quantity(LOT_MUPIROCIN_ID, -5)
    clock.advance(SETTLE_DELAY + 1)
    service.sync()

    service.resolve_review(adjustment.id, applied=True, operator="ben")

    resolved = ledger.adjustment(adjustment.id)
    assert resolved.state is AdjustmentState.APPLIED
    assert resolved.resolved_by == "ben"
    assert service.sync().done
    assert sandbox.get_lot_quantity(LOT_MUPIROCIN_ID) == MUPIROCIN_START - 5


def test_resolve_review_wrong_state(service):
    result = service.adjust(LOT_MUPIROCIN_ID, 1)
    with pytest.raises(ValueError, match="not needs_review"):
        service.resolve_review(result.adjustment_id, applied=True, operator="ben")
    with pytest.raises(KeyError):
        service.resolve_review(str(uuid.uuid4()), applied=True, operator="ben")


def test_on_change_called(ledger, client, clock):
    calls = []
    adjuster = AdjustmentService(ledger, client, clock=clock, sleep=clock.sleep,
                                 on_change=lambda: calls.append(adjuster.outbox_count()))
    adjuster.adjust(LOT_MUPIROCIN_ID, 1)
    assert calls == [0]


def test_send_lock_held_elsewhere_queues(ledger, client, clock, sandbox):
    from filelock import FileLock

    other_process = FileLock(str(ledger.path) + ".send.lock", thread_local=False)
    other_process.acquire()
    try:
        adjuster = AdjustmentService(ledger, client, clock=clock, sleep=clock.sleep, lock_timeout=0.2)
        result = adjuster.adjust(LOT_MUPIROCIN_ID, -1)
        assert result.state is AdjustmentState.PENDING
        assert "Another station program" in (result.reason or "")
        assert adjuster.sync().unreachable
        assert sandbox.get_lot_quantity(LOT_MUPIROCIN_ID) == MUPIROCIN_START
    finally:
        other_process.release()

    assert adjuster.sync().applied == [result.adjustment_id]
    assert sandbox.get_lot_quantity(LOT_MUPIROCIN_ID) == MUPIROCIN_START - 1
