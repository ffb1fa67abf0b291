"""Records that the ledger returns: adjustments, journal entries, serial sightings and sync reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from station.blend.models import Lot


class AdjustmentState(StrEnum):
    PENDING = "pending"  # recorded, not sent yet, or known not applied and waiting to be sent again
    SENT = "sent"  # the PATCH is being sent; with no later event after a restart it counts as unknown
    APPLIED = "applied"
    REJECTED = "rejected"  # the server refused it or the lot is gone: never applied
    UNKNOWN = "unknown"  # sent, and no response came back: the server may or may not have applied it
    NEEDS_REVIEW = "needs_review"  # the read-back could not settle it: an operator decides


OPEN_STATES = (AdjustmentState.PENDING, AdjustmentState.SENT, AdjustmentState.UNKNOWN,
               AdjustmentState.NEEDS_REVIEW)
IN_DOUBT_STATES = (AdjustmentState.SENT, AdjustmentState.UNKNOWN)


@dataclass(frozen=True)
class Adjustment:
    """The current state of one adjustment, derived from its latest event."""

    id: str
    seq: int  # order in which the adjustments were made on this station
    lot_id: str
    delta: int
    state: AdjustmentState
    reason: str | None
    created_at: dt.datetime
    state_at: dt.datetime  # time of the latest event
    station: str
    operator: str | None
    scan_id: str | None
    # The lot as the caller last saw it when the adjustment was made (None when the caller had no copy).
    seen_quantity: int | None
    seen_updated_at: dt.datetime | None
    # The lot as read back just before the latest send: the base that settlement compares against.
    sent_quantity: int | None = None
    sent_updated_at: dt.datetime | None = None
    sent_at: dt.datetime | None = None
    # The lot after the change, when applied.
    quantity_after: int | None = None
    updated_at_after: dt.datetime | None = None
    resolved_by: str | None = None  # operator who settled a review by hand
    notify: bool = False  # rejected outside the operator's own request, so the window must show it
    acknowledged: bool = False


@dataclass(frozen=True)
class AdjustmentResult:
    """The outcome of ``AdjustmentService.adjust``. ``lot`` is the server's lot when applied."""

    adjustment_id: str
    state: AdjustmentState
    lot: Lot | None = None
    reason: str | None = None
    lot_not_found: bool = False  # rejected because Blend has no lot with this id when it was sent


@dataclass(frozen=True)
class SerialSighting:
    """An earlier scan of the same GTIN and serial number."""

    scan_id: str
    scanned_at: dt.datetime
    station: str
    operator: str | None


@dataclass(frozen=True)
class JournalEntry:
    """One line of the journal: a scan or an adjustment (with its current state)."""

    type: str  # "scan" or "adjustment"
    id: str
    at: dt.datetime  # when the scan or the adjustment was recorded
    station: str
    operator: str | None
    # Scan fields.
    text: str | None = None  # the scanned text, or a placeholder for a value that may identify a patient
    kind: str | None = None
    symbology: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    outcome: str | None = None
    lot_ids: tuple[str, ...] = ()
    message: str | None = None
    # Adjustment fields.
    lot_id: str | None = None
    delta: int | None = None
    state: AdjustmentState | None = None
    reason: str | None = None
    state_at: dt.datetime | None = None
    scan_id: str | None = None
    quantity_after: int | None = None
    resolved_by: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the object printed by ``scan-station journal --json``, with only the fields of its type."""
        data: dict[str, Any] = {
            "type": self.type,
            "id": self.id,
            "at": self.at.isoformat(),
            "station": self.station,
            "operator": self.operator,
        }
        if self.type == "scan":
            data.update(text=self.text, kind=self.kind, symbology=self.symbology, fields=self.fields,
                        outcome=self.outcome, lot_ids=list(self.lot_ids), message=self.message)
        else:
            data.update(lot_id=self.lot_id, delta=self.delta,
                        state=self.state.value if self.state else None, reason=self.reason,
                        state_at=self.state_at.isoformat() if self.state_at else None,
                        scan_id=self.scan_id, quantity_after=self.quantity_after,
                        resolved_by=self.resolved_by)
        return data


@dataclass
class SyncReport:
    """Summary of one ``AdjustmentService.sync`` run. The lists contain adjustment ids in the order handled."""

    applied: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    resent: list[str] = field(default_factory=list)  # settled as not applied and queued to send again
    needs_review: list[str] = field(default_factory=list)  # newly moved to needs_review in this run
    waiting: int = 0  # adjustments still pending, sent or unknown after the run
    reviews_open: int = 0  # adjustments in needs_review after the run, old ones included
    unreachable: str | None = None  # why the run stopped early: the API could not be reached, or sign-in

    @property
    def done(self) -> bool:
        """True when nothing waits and nothing needs review."""
        return self.waiting == 0 and self.reviews_open == 0
