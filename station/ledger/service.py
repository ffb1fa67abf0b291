"""Send adjustments through the ledger: record first, send one at a time per lot, settle what is in doubt.

Every adjustment is recorded as ``pending`` before anything goes over the network. Sending one means:
read the lot (the base for settlement), append ``sent`` with that base, PATCH, then append the outcome:

- 2xx: ``applied``, with the server's lot.
- 400/409/422 (``Rejected``) or 404 (``NotFound``): ``rejected`` with the server's reason.
- 429 (``RateLimited``): back to ``pending``; the service waits ``retry_after`` and sends again.
- The API cannot be reached (``Unavailable`` without ``maybe_applied`` and without a status): back to
  ``pending``. The adjustment stays in the outbox, and the run stops until the API is back.
- No response after sending (``maybe_applied``), a 5xx (a gateway may respond 502 after the backend
  applied the change), a 2xx with a body that cannot be read, or any other error after sending:
  ``unknown``. It is never sent again blindly. After ``settle_delay`` seconds the lot is read back and
  ``station.ledger.settle`` judges it: applied, not applied (back to ``pending`` and sent again), or
  ``needs_review`` for the operator to decide with ``resolve_review``.

Adjustments of one lot go strictly one at a time, in the order they were made: a later one waits while an
earlier one of the same lot is pending, in doubt or in review. A ``sent`` adjustment found after a crash
is in doubt like an ``unknown`` one. A file lock next to the ledger keeps two processes (the window and
a ``scan-station adjust`` run) from sending at the same time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from typing import Protocol

from filelock import FileLock
from filelock import Timeout as FileLockTimeout

from station.blend.errors import (
    BlendError,
    NotFound,
    ProtocolError,
    RateLimited,
    Rejected,
    Unauthorized,
    Unavailable,
)
from station.blend.models import Lot
from station.i18n import tr
from station.ledger.models import (
    IN_DOUBT_STATES,
    OPEN_STATES,
    Adjustment,
    AdjustmentResult,
    AdjustmentState,
    SyncReport,
)
from station.ledger.settle import Verdict, settle
from station.ledger.store import Ledger

log = logging.getLogger(__name__)

# Seconds to wait after a send without a response before reading the lot back. It must exceed the time a
# request can still spend on the server after the station gave up on it (the client's read timeout is
# the usual bound: BlendClient reads for up to 15 s by default), or a late PATCH could land after the
# read-back judged it "not applied".
DEFAULT_SETTLE_DELAY = 20.0
# Seconds one run spends at most waiting on 429 responses before it leaves the rest for the next run.
DEFAULT_RATE_LIMIT_BUDGET = 10.0
# Seconds a 429 without Retry-After makes the service wait.
DEFAULT_RETRY_AFTER = 1.0


class AdjustmentClient(Protocol):
    """The part of ``station.blend.client.BlendClient`` that the service uses."""

    def get_lot(self, lot_id: str) -> Lot: ...

    def adjust_quantity(self, lot_id: str, delta: int) -> Lot: ...


class _Outcome(Enum):
    DONE = "done"  # applied or rejected
    WAITING = "waiting"  # still open: in its grace period, or in review


class _Stop(Exception):
    """The run cannot go on: the API is unreachable, sign-in failed, or the 429 budget is spent."""


class AdjustmentService:
    """Adjusts lot quantities through the ledger and the outbox. Thread-safe; call it from worker threads.

    ``on_change`` is called (from the calling or the sync thread) after a run that changed the state of
    any adjustment, so that the window can refresh its outbox count and lists.
    """

    def __init__(
        self,
        ledger: Ledger,
        client: AdjustmentClient,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        settle_delay: float = DEFAULT_SETTLE_DELAY,
        lock_timeout: float = 10.0,
        rate_limit_budget: float = DEFAULT_RATE_LIMIT_BUDGET,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self.ledger = ledger
        self.client = client
        self._clock = clock
        self._sleep = sleep
        self.settle_delay = settle_delay
        self.lock_timeout = lock_timeout
        self.rate_limit_budget = rate_limit_budget
        self.on_change = on_change
        self._thread_lock = threading.RLock()
        self._file_lock = FileLock(str(ledger.path) + ".send.lock", thread_local=False)
        self._rate_wait_left = rate_limit_budget
        self._lots: dict[str, Lot] = {}  # server lots of adjustments applied in the current run
        self._lots_not_found: set[str] = set()  # adjustments of the current run whose lot id Blend did not find
        self._changed = False
        self._loop_thread: threading.Thread | None = None
        self._loop_stop = threading.Event()
        self._loop_wake = threading.Event()

    # -- public API -----------------------------------------------------------------------------------

    def adjust(
        self,
        lot_id: str,
        delta: int,
        *,
        scan_id: str | None = None,
        operator: str | None = None,
        known_lot: Lot | None = None,
    ) -> AdjustmentResult:
        """Record an adjustment of ``delta`` units to the lot and send it, after any earlier ones of the
        same lot. Never raises for network trouble: the result's state gives the outcome.

        ``applied`` comes with the server's lot, ``rejected`` with the server's reason. ``pending`` means
        queued in the outbox (API unreachable, or waiting behind an earlier adjustment of the lot);
        ``unknown`` means sent without a response, to be settled by a later ``sync``. ``known_lot`` is the
        lot as the caller showed it; it is recorded, but the base for settlement is always read fresh.
        Raises ValueError for an empty lot id or a zero or non-integer delta.
        """
        adjustment = self.ledger.create_adjustment(
            lot_id, delta, scan_id=scan_id, operator=operator, known_lot=known_lot)
        log.info("adjustment %s recorded: lot %s, delta %+d", adjustment.id, lot_id, delta)
        self._changed = True
        stop_reason: str | None = None
        blocked_by: Adjustment | None = None
        with self._sending() as acquired:
            if not acquired:
                stop_reason = tr("Another station program on this computer is sending adjustments; this one "
                                 "waits in the outbox.")
            else:
                for queued in self.ledger.adjustments(OPEN_STATES, lot_id=lot_id):
                    try:
                        outcome = self._advance(queued, notify=queued.id != adjustment.id)
                    except _Stop as stop:
                        stop_reason = str(stop)
                        break
                    if outcome is not _Outcome.DONE:
                        if queued.id != adjustment.id:
                            blocked_by = self.ledger.adjustment(queued.id)
                        break
            lot = self._lots.pop(adjustment.id, None)
            lot_not_found = adjustment.id in self._lots_not_found
            self._lots.clear()
            self._lots_not_found.clear()
        self._notify_change()

        current = self.ledger.adjustment(adjustment.id)
        reason = current.reason
        if current.state is AdjustmentState.PENDING:
            if blocked_by is not None:
                reason = tr("Waiting behind an earlier adjustment of this lot ({delta:+d}, {state}).").format(
                    delta=blocked_by.delta, state=blocked_by.state.value)
            elif stop_reason:
                reason = stop_reason
        return AdjustmentResult(adjustment_id=current.id, state=current.state,
                                lot=lot if current.state is AdjustmentState.APPLIED else None, reason=reason,
                                lot_not_found=lot_not_found and current.state is AdjustmentState.REJECTED)

    def sync(self) -> SyncReport:
        """Settle adjustments in doubt and send the outbox in order. Never raises for network trouble;
        ``SyncReport.unreachable`` gives the reason a run stopped early."""
        report = SyncReport()
        with self._sending() as acquired:
            if not acquired:
                report.unreachable = tr("Another station program on this computer is sending adjustments.")
            else:
                self._sync_locked(report)
            self._lots.clear()
            self._lots_not_found.clear()
        report.waiting = self.ledger.count_waiting()
        report.reviews_open = len(self.needs_review())
        self._notify_change()
        return report

    def outbox_count(self) -> int:
        """Return how many adjustments wait: pending, sent or unknown."""
        return self.ledger.count_waiting()

    def needs_review(self) -> list[Adjustment]:
        """Return the adjustments that an operator must settle with ``resolve_review``, oldest first."""
        return self.ledger.adjustments([AdjustmentState.NEEDS_REVIEW])

    def resolve_review(self, adjustment_id: str, *, applied: bool, operator: str) -> None:
        """Settle an adjustment in review by hand: applied, or not applied (then it is sent again).

        Raises KeyError for an unknown id and ValueError when the adjustment is not in review or no
        operator is named.
        """
        if not operator:
            raise ValueError("operator must be named: the ledger records who settled the review")
        with self._thread_lock:
            current = self.ledger.adjustment(adjustment_id)
            if current.state is not AdjustmentState.NEEDS_REVIEW:
                raise ValueError(f"adjustment {adjustment_id} is {current.state.value}, not needs_review")
            if applied:
                self.ledger.append_event(adjustment_id, AdjustmentState.APPLIED, operator=operator,
                                         reason=tr("Marked as applied by {operator}.").format(operator=operator))
            else:
                self.ledger.append_event(
                    adjustment_id, AdjustmentState.PENDING, operator=operator,
                    reason=tr("Marked as not applied by {operator}; it will be sent again.").format(
                        operator=operator))
        log.info("adjustment %s settled by hand as %s", adjustment_id, "applied" if applied else "not applied")
        self._changed = True
        self._notify_change()
        self._loop_wake.set()

    def attention(self) -> list[Adjustment]:
        """Return adjustments rejected outside the operator's own request (on replay), not yet acknowledged."""
        return [adjustment for adjustment in self.ledger.adjustments([AdjustmentState.REJECTED])
                if adjustment.notify and not adjustment.acknowledged]

    def acknowledge(self, adjustment_id: str, *, operator: str | None) -> None:
        """Take a rejected adjustment off the attention list once the operator has seen it."""
        self.ledger.acknowledge(adjustment_id, operator=operator)
        self._notify_change()

    # -- background sync ------------------------------------------------------------------------------

    def start(self, interval: float = 1.0) -> None:
        """Start a daemon thread that runs ``sync`` every ``interval`` seconds while anything waits."""
        if self._loop_thread is not None:
            return
        self._loop_stop.clear()
        self._loop_thread = threading.Thread(target=self._loop, args=(interval,), name="ledger-sync",
                                             daemon=True)
        self._loop_thread.start()
        log.info("background sync started, every %.1f s", interval)

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the background sync thread, waiting up to ``timeout`` seconds for a run in progress."""
        thread = self._loop_thread
        if thread is None:
            return
        self._loop_stop.set()
        self._loop_wake.set()
        thread.join(timeout)
        self._loop_thread = None
        log.info("background sync stopped")

    def wake(self) -> None:
        """Make the background thread run now instead of at its next tick."""
        self._loop_wake.set()

    def _loop(self, interval: float) -> None:
        last_stop_reason: str | None = None  # logged once until it changes, not on every tick while offline
        while not self._loop_stop.is_set():
            try:
                if self.outbox_count():
                    report = self.sync()
                    if report.unreachable != last_stop_reason:
                        if report.unreachable:
                            log.info("background sync stopped early: %s", report.unreachable)
                        else:
                            log.info("background sync reached the inventory service again")
                        last_stop_reason = report.unreachable
            except Exception:  # noqa: BLE001 - the loop must survive a bug in one run; the next run retries
                log.exception("background sync failed")
            self._loop_wake.wait(interval)
            self._loop_wake.clear()

    # -- internals ------------------------------------------------------------------------------------

    @contextmanager
    def _sending(self) -> Iterator[bool]:
        """Hold the right to send: this process's thread lock, then the file lock shared with other
        processes. Yields False when another process keeps the file lock past ``lock_timeout``."""
        with self._thread_lock:
            try:
                self._file_lock.acquire(timeout=self.lock_timeout)
            except FileLockTimeout:
                log.warning("send lock %s is taken by another process; adjustments stay queued",
                            self._file_lock.lock_file)
                yield False
                return
            try:
                self._rate_wait_left = self.rate_limit_budget
                yield True
            finally:
                self._file_lock.release()

    def _sync_locked(self, report: SyncReport) -> None:
        blocked_lots: set[str] = set()
        for adjustment in self.ledger.open_adjustments():
            if adjustment.lot_id in blocked_lots:
                continue
            before = adjustment.state
            try:
                outcome = self._advance(adjustment, notify=True, report=report)
            except _Stop as stop:
                report.unreachable = str(stop)
                return
            if outcome is not _Outcome.DONE:
                blocked_lots.add(adjustment.lot_id)
            after = self.ledger.adjustment(adjustment.id).state
            if after is AdjustmentState.NEEDS_REVIEW and before is not AdjustmentState.NEEDS_REVIEW:
                report.needs_review.append(adjustment.id)

    def _advance(self, adjustment: Adjustment, *, notify: bool, report: SyncReport | None = None) -> _Outcome:
        """Take one adjustment as far as it can go now. Raises _Stop when the whole run must stop."""
        current = adjustment
        while True:
            if current.state in (AdjustmentState.APPLIED, AdjustmentState.REJECTED):
                return _Outcome.DONE
            if current.state is AdjustmentState.NEEDS_REVIEW:
                return _Outcome.WAITING
            if current.state in IN_DOUBT_STATES:
                waited = self._clock() - current.state_at.timestamp()
                if waited < self.settle_delay:
                    return _Outcome.WAITING
                current = self._settle(current, notify=notify, report=report)
                continue
            current = self._send(current, notify=notify, report=report)
            if current.state is AdjustmentState.PENDING:
                return _Outcome.WAITING

    def _read_lot(self, lot_id: str) -> Lot:
        """GET the lot, waiting out 429 responses within the run's budget. Raises NotFound or _Stop."""
        while True:
            try:
                return self.client.get_lot(lot_id)
            except RateLimited as exc:
                self._wait_rate_limit(exc)
            except Unauthorized as exc:
                raise _Stop(tr("Sign-in failed: {error}").format(error=exc)) from exc
            except Unavailable as exc:
                raise _Stop(_unavailable_reason(exc)) from exc
            except ProtocolError as exc:
                raise _Stop(tr("The inventory service sent an unreadable response: {error}").format(error=exc)) \
                    from exc

    def _wait_rate_limit(self, exc: RateLimited) -> None:
        wait = exc.retry_after if exc.retry_after is not None else DEFAULT_RETRY_AFTER
        if wait > self._rate_wait_left:
            raise _Stop(tr("The inventory service asks to slow down (retry after {seconds:g} s).").format(
                seconds=wait)) from exc
        self._rate_wait_left -= wait
        log.info("rate limited; waiting %.1f s", wait)
        self._sleep(wait)

    def _reject(self, adjustment: Adjustment, reason: str, *, notify: bool,
                report: SyncReport | None) -> Adjustment:
        log.info("adjustment %s of lot %s rejected: %s", adjustment.id, adjustment.lot_id, reason)
        if report is not None:
            report.rejected.append(adjustment.id)
        return self.ledger.append_event(adjustment.id, AdjustmentState.REJECTED, reason=reason, notify=notify)

    def _send(self, adjustment: Adjustment, *, notify: bool, report: SyncReport | None) -> Adjustment:
        """Read the base, record ``sent``, PATCH and record the outcome. Returns the new current state."""
        while True:
            try:
                base = self._read_lot(adjustment.lot_id)
            except NotFound as exc:
                self._lots_not_found.add(adjustment.id)
                reason = tr("Lot {lot_id} was not found in the inventory ({detail}).").format(
                    lot_id=adjustment.lot_id, detail=_not_found_detail(exc))
                return self._reject(adjustment, reason, notify=notify, report=report)

            self.ledger.append_event(adjustment.id, AdjustmentState.SENT, quantity=base.current_quantity,
                                     updated_at=base.updated_at)
            self._changed = True
            try:
                lot = self.client.adjust_quantity(adjustment.lot_id, adjustment.delta)
            except Rejected as exc:
                reason = exc.server_message or str(exc)
                return self._reject(adjustment, reason, notify=notify, report=report)
            except NotFound as exc:
                return self._reject(adjustment, _lot_gone_reason(adjustment.lot_id, exc), notify=notify,
                                    report=report)
            except RateLimited as exc:
                self.ledger.append_event(adjustment.id, AdjustmentState.PENDING,
                                         reason=tr("Rate limited by the inventory service."))
                self._wait_rate_limit(exc)
                continue
            except Unauthorized as exc:
                self.ledger.append_event(adjustment.id, AdjustmentState.PENDING,
                                         reason=tr("Sign-in failed: {error}").format(error=exc))
                raise _Stop(tr("Sign-in failed: {error}").format(error=exc)) from exc
            except Unavailable as exc:
                if exc.status is not None:
                    return self._mark_unknown(adjustment, _server_error_reason(exc))
                if exc.maybe_applied:
                    return self._mark_unknown(adjustment, _no_response_reason(str(exc)))
                self.ledger.append_event(
                    adjustment.id, AdjustmentState.PENDING,
                    reason=tr("Queued: the inventory service cannot be reached ({error}).").format(
                        error=_clause(str(exc))))
                raise _Stop(_unavailable_reason(exc)) from exc
            except (ProtocolError, BlendError) as exc:
                return self._mark_unknown(adjustment, tr(
                    "Sent, but the response could not be read ({error}), so the lot will be checked.").format(
                    error=_clause(str(exc))))
            except BaseException as exc:
                # The request may have reached the server: record the doubt before the error goes on.
                self._mark_unknown(adjustment, _no_response_reason(f"{exc.__class__.__name__}: {exc}"))
                raise

            log.info("adjustment %s applied: lot %s now %s", adjustment.id, adjustment.lot_id,
                     lot.current_quantity)
            self._lots[adjustment.id] = lot
            if report is not None:
                report.applied.append(adjustment.id)
            return self.ledger.append_event(adjustment.id, AdjustmentState.APPLIED,
                                            quantity=lot.current_quantity, updated_at=lot.updated_at)

    def _mark_unknown(self, adjustment: Adjustment, reason: str) -> Adjustment:
        log.warning("adjustment %s of lot %s has an unknown outcome and will be settled from a read-back: %s",
                    adjustment.id, adjustment.lot_id, reason)
        return self.ledger.append_event(adjustment.id, AdjustmentState.UNKNOWN, reason=reason)

    def _settle(self, adjustment: Adjustment, *, notify: bool, report: SyncReport | None) -> Adjustment:
        """Read the lot back and settle an adjustment in doubt. Returns the new current state."""
        try:
            lot = self._read_lot(adjustment.lot_id)
        except NotFound as exc:
            # The lot is gone, so its quantity no longer matters whichever way the change went.
            return self._reject(adjustment, _lot_gone_reason(adjustment.lot_id, exc), notify=True, report=report)

        settlement = settle(delta=adjustment.delta, base_quantity=adjustment.sent_quantity,
                            base_updated_at=adjustment.sent_updated_at, quantity=lot.current_quantity,
                            updated_at=lot.updated_at)
        log.info("adjustment %s of lot %s settled as %s: %s", adjustment.id, adjustment.lot_id,
                 settlement.verdict.value, settlement.explanation)
        self._changed = True
        if settlement.verdict is Verdict.APPLIED:
            self._lots[adjustment.id] = lot
            if report is not None:
                report.applied.append(adjustment.id)
            return self.ledger.append_event(adjustment.id, AdjustmentState.APPLIED, reason=settlement.explanation,
                                            quantity=lot.current_quantity, updated_at=lot.updated_at)
        if settlement.verdict is Verdict.NOT_APPLIED:
            if report is not None:
                report.resent.append(adjustment.id)
            return self.ledger.append_event(adjustment.id, AdjustmentState.PENDING,
                                            reason=settlement.explanation)
        return self.ledger.append_event(adjustment.id, AdjustmentState.NEEDS_REVIEW,
                                        reason=settlement.explanation, notify=notify)

    def _notify_change(self) -> None:
        if not self._changed or self.on_change is None:
            self._changed = False
            return
        self._changed = False
        try:
            self.on_change()
        except Exception:  # noqa: BLE001 - a failing listener must not undo a recorded adjustment
            log.exception("on_change listener failed")


def _clause(text: str) -> str:
    """Return ``text`` without its closing period, to embed it in a sentence of its own."""
    return text.rstrip().rstrip(".")


def _not_found_detail(exc: NotFound) -> str:
    return _clause(exc.server_message or str(exc))


def _lot_gone_reason(lot_id: str, exc: NotFound) -> str:
    return tr("Lot {lot_id} no longer exists in the inventory ({detail}).").format(
        lot_id=lot_id, detail=_not_found_detail(exc))


def _no_response_reason(error: str) -> str:
    return tr("Sent, but no response came back ({error}), so the lot will be checked.").format(error=_clause(error))


def _server_error_reason(exc: Unavailable) -> str:
    if exc.server_message:
        return tr("Sent, but the inventory service answered with a server error (HTTP {status}: {detail}), so the "
                  "lot will be checked.").format(status=exc.status, detail=_clause(exc.server_message))
    return tr("Sent, but the inventory service answered with a server error (HTTP {status}), so the lot will be "
              "checked.").format(status=exc.status)


def _unavailable_reason(exc: Unavailable) -> str:
    """Return why a run stops on ``exc``: Blend could not be reached, or it returned a server error."""
    if exc.status is not None:
        return str(exc)  # the client's message names the server error and its HTTP status
    return tr("The inventory service cannot be reached: {error}").format(error=exc)
