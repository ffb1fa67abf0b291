"""The append-only ledger of scans and adjustments, the offline outbox and the settlement of adjustments
whose response never came."""

from station.ledger.models import (
    Adjustment,
    AdjustmentResult,
    AdjustmentState,
    JournalEntry,
    SerialSighting,
    SyncReport,
)
from station.ledger.service import AdjustmentService
from station.ledger.store import Ledger, LedgerError

__all__ = [
    "Adjustment",
    "AdjustmentResult",
    "AdjustmentService",
    "AdjustmentState",
    "JournalEntry",
    "Ledger",
    "LedgerError",
    "SerialSighting",
    "SyncReport",
]
