"""The station's append-only ledger: every scan and every adjustment, in a SQLite file (WAL mode).

Nothing is ever updated or deleted: triggers raise on UPDATE and DELETE of every table. An adjustment
is one row in ``adjustments`` plus one row in ``adjustment_events`` per state change. Its current state
is that of its latest event (the ``adjustment_current`` view). The file may be shared by several
processes (the window and a ``scan-station adjust`` run): SQLite serializes the writes, and the
service's file lock makes sure that only one process sends adjustments at a time.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import platform
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from station.blend.models import Lot
from station.codes.scan import Scan
from station.ledger.models import (
    IN_DOUBT_STATES,
    OPEN_STATES,
    Adjustment,
    AdjustmentState,
    JournalEntry,
    SerialSighting,
)

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1

_TABLES = ("meta", "scans", "adjustments", "adjustment_events", "acknowledgements")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS scans (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    scanned_at TEXT NOT NULL,          -- UTC, ISO 8601
    local_day TEXT NOT NULL,           -- the station's local date, YYYY-MM-DD
    station TEXT NOT NULL,
    operator TEXT,
    text TEXT NOT NULL,                -- placeholder instead of a value that may identify a patient
    redacted INTEGER NOT NULL,
    kind TEXT NOT NULL,
    symbology TEXT,
    fields TEXT NOT NULL,              -- JSON object of the parsed fields
    gtin14 TEXT,
    serial TEXT,
    outcome TEXT NOT NULL,
    lot_ids TEXT NOT NULL,             -- JSON array
    message TEXT
);
CREATE INDEX IF NOT EXISTS scans_by_serial ON scans (gtin14, serial) WHERE serial IS NOT NULL;
CREATE TABLE IF NOT EXISTS adjustments (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    lot_id TEXT NOT NULL,
    delta INTEGER NOT NULL CHECK (delta <> 0),
    seen_quantity INTEGER,
    seen_updated_at TEXT,
    scan_id TEXT,
    operator TEXT,
    station TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS adjustments_by_lot ON adjustments (lot_id, seq);
CREATE TABLE IF NOT EXISTS adjustment_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    adjustment_id TEXT NOT NULL REFERENCES adjustments (id),
    state TEXT NOT NULL
        CHECK (state IN ('pending', 'sent', 'applied', 'rejected', 'unknown', 'needs_review')),
    at TEXT NOT NULL,
    reason TEXT,
    quantity INTEGER,                  -- sent: the base read before sending; applied: the lot after
    updated_at TEXT,
    operator TEXT,                     -- the operator who settled a review by hand
    notify INTEGER NOT NULL DEFAULT 0  -- rejected outside the operator's own request
);
CREATE INDEX IF NOT EXISTS events_by_adjustment ON adjustment_events (adjustment_id, seq);
CREATE TABLE IF NOT EXISTS acknowledgements (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    adjustment_id TEXT NOT NULL REFERENCES adjustments (id),
    at TEXT NOT NULL,
    operator TEXT
);
CREATE VIEW IF NOT EXISTS adjustment_current AS
SELECT a.*,
       e.state AS state, e.at AS state_at, e.reason AS reason, e.operator AS resolved_by,
       e.notify AS notify,
       (SELECT s.quantity FROM adjustment_events s
         WHERE s.adjustment_id = a.id AND s.state = 'sent' ORDER BY s.seq DESC LIMIT 1) AS sent_quantity,
       (SELECT s.updated_at FROM adjustment_events s
         WHERE s.adjustment_id = a.id AND s.state = 'sent' ORDER BY s.seq DESC LIMIT 1) AS sent_updated_at,
       (SELECT s.at FROM adjustment_events s
         WHERE s.adjustment_id = a.id AND s.state = 'sent' ORDER BY s.seq DESC LIMIT 1) AS sent_at,
       CASE WHEN e.state = 'applied' THEN e.quantity END AS quantity_after,
       CASE WHEN e.state = 'applied' THEN e.updated_at END AS updated_at_after,
       EXISTS (SELECT 1 FROM acknowledgements k WHERE k.adjustment_id = a.id) AS acknowledged
  FROM adjustments a
  JOIN adjustment_events e
    ON e.seq = (SELECT MAX(x.seq) FROM adjustment_events x WHERE x.adjustment_id = a.id);
"""


def _append_only_triggers() -> str:
    statements = []
    for table in _TABLES:
        for action in ("UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: {action} on {table} is not allowed'); END;"
            )
    return "\n".join(statements)


class LedgerError(Exception):
    """The ledger file cannot be used (wrong schema version, not a ledger)."""


def _iso(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _parse(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def _scan_fields(scan: Scan) -> dict[str, Any]:
    """Return the parsed fields to store for a scan, without the raw text (stored in its own column)."""
    if scan.may_identify_patient:
        return {"kind": scan.kind.value, "blend_entity_type": scan.blend_entity_type}
    data = scan.to_json()
    for key in ("raw", "text"):
        data.pop(key, None)
    return {key: value for key, value in data.items() if value not in (None, "", [], {}, ())}


class Ledger:
    """The append-only journal of scans and adjustments. Thread-safe: one connection behind a lock."""

    def __init__(
        self,
        path: Path,
        *,
        station_id: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.station_id = station_id or platform.node() or "station"
        self._clock = clock
        self._lock = threading.RLock()
        # Autocommit mode: every write below opens its own BEGIN IMMEDIATE transaction.
        self._db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        # FULL makes every commit durable across a power cut too, not only across a crash of the process.
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA foreign_keys=ON")
        try:
            self._create_schema()
        except BaseException:
            self._db.close()
            raise

    # -- set-up ---------------------------------------------------------------------------------------

    def _create_schema(self) -> None:
        with self._transaction() as db:
            for statement in (_SCHEMA + _append_only_triggers()).split(";\n"):
                if statement.strip():
                    db.execute(statement)
            row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is None:
                db.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            elif int(row["value"]) != SCHEMA_VERSION:
                raise LedgerError(
                    f"ledger {self.path} has schema version {row['value']}, this station reads version "
                    f"{SCHEMA_VERSION}: update the station"
                )

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self._clock(), dt.UTC)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- scans ----------------------------------------------------------------------------------------

    def record_scan(
        self,
        scan: Scan,
        *,
        operator: str | None,
        outcome: str,
        lot_ids: Sequence[str] = (),
        message: str | None = None,
    ) -> str:
        """Append a scan and what it resolved to, and return its id.

        ``outcome`` is a short word such as ``found``, ``ambiguous``, ``not_found``, ``rejected`` or
        ``invalid``. A scan that may identify a patient is stored as ``Scan.loggable_text`` and keeps
        only its kind among the parsed fields.
        """
        if not outcome:
            raise ValueError("outcome must not be empty")
        scan_id = str(uuid.uuid4())
        now = self._now()
        with self._transaction() as db:
            db.execute(
                "INSERT INTO scans (id, scanned_at, local_day, station, operator, text, redacted, kind, "
                "symbology, fields, gtin14, serial, outcome, lot_ids, message) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    scan_id, _iso(now), now.astimezone().date().isoformat(), self.station_id, operator,
                    scan.loggable_text, int(scan.may_identify_patient), scan.kind.value, scan.symbology,
                    json.dumps(_scan_fields(scan), default=str), scan.gtin14,
                    None if scan.may_identify_patient else scan.serial,
                    outcome, json.dumps(list(lot_ids)), message,
                ),
            )
        return scan_id

    def seen_serial(self, gtin14: str, serial: str, *, before_day: dt.date) -> SerialSighting | None:
        """Return the first scan of this GTIN and serial number made on a day before ``before_day`` (the
        station's local date), or None. A hit means the package was scanned before, or its label copied."""
        with self._lock:
            row = self._db.execute(
                "SELECT id, scanned_at, station, operator FROM scans "
                "WHERE gtin14 = ? AND serial = ? AND local_day < ? ORDER BY seq LIMIT 1",
                (gtin14, serial, before_day.isoformat()),
            ).fetchone()
        if row is None:
            return None
        scanned_at = _parse(row["scanned_at"])
        assert scanned_at is not None
        return SerialSighting(scan_id=row["id"], scanned_at=scanned_at, station=row["station"],
                              operator=row["operator"])

    # -- adjustments ----------------------------------------------------------------------------------

    def create_adjustment(
        self,
        lot_id: str,
        delta: int,
        *,
        scan_id: str | None = None,
        operator: str | None = None,
        known_lot: Lot | None = None,
    ) -> Adjustment:
        """Append a new adjustment in state ``pending`` and return it."""
        if not lot_id:
            raise ValueError("lot_id must not be empty")
        if isinstance(delta, bool) or not isinstance(delta, int) or delta == 0:
            raise ValueError(f"invalid delta {delta!r}: expected a non-zero whole number")
        adjustment_id = str(uuid.uuid4())
        now = _iso(self._now())
        with self._transaction() as db:
            db.execute(
                "INSERT INTO adjustments (id, lot_id, delta, seen_quantity, seen_updated_at, scan_id, "
                "operator, station, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    adjustment_id, lot_id, delta,
                    known_lot.current_quantity if known_lot else None,
                    _iso(known_lot.updated_at) if known_lot else None,
                    scan_id, operator, self.station_id, now,
                ),
            )
            db.execute(
                "INSERT INTO adjustment_events (adjustment_id, state, at) VALUES (?, 'pending', ?)",
                (adjustment_id, now),
            )
        return self.adjustment(adjustment_id)

    def append_event(
        self,
        adjustment_id: str,
        state: AdjustmentState,
        *,
        reason: str | None = None,
        quantity: int | None = None,
        updated_at: dt.datetime | None = None,
        operator: str | None = None,
        notify: bool = False,
    ) -> Adjustment:
        """Append a state change of an adjustment and return its new current state.

        For ``sent`` the quantity and updated_at are the base read just before sending; for ``applied``
        they are the lot after the change.
        """
        with self._transaction() as db:
            db.execute(
                "INSERT INTO adjustment_events (adjustment_id, state, at, reason, quantity, updated_at, "
                "operator, notify) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (adjustment_id, AdjustmentState(state).value, _iso(self._now()), reason, quantity,
                 _iso(updated_at), operator, int(notify)),
            )
        return self.adjustment(adjustment_id)

    def acknowledge(self, adjustment_id: str, *, operator: str | None) -> None:
        """Record that an operator has seen a rejection, so it leaves the attention list."""
        with self._transaction() as db:
            db.execute("INSERT INTO acknowledgements (adjustment_id, at, operator) VALUES (?, ?, ?)",
                       (adjustment_id, _iso(self._now()), operator))

    def adjustment(self, adjustment_id: str) -> Adjustment:
        """Return the current state of one adjustment; raise KeyError when the id is unknown."""
        rows = self._query_adjustments("WHERE id = ?", (adjustment_id,))
        if not rows:
            raise KeyError(f"no adjustment with id {adjustment_id!r} in the ledger")
        return rows[0]

    def adjustments(self, states: Sequence[AdjustmentState] | None = None,
                    lot_id: str | None = None) -> list[Adjustment]:
        """Return adjustments in the order they were made, optionally only those in ``states`` or of a lot."""
        clauses: list[str] = []
        params: list[Any] = []
        if states is not None:
            clauses.append(f"state IN ({', '.join('?' for _ in states)})")
            params.extend(AdjustmentState(s).value for s in states)
        if lot_id is not None:
            clauses.append("lot_id = ?")
            params.append(lot_id)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        return self._query_adjustments(where, tuple(params))

    def open_adjustments(self) -> list[Adjustment]:
        """Return every adjustment not yet applied or rejected, in the order they were made."""
        return self.adjustments(OPEN_STATES)

    def count_waiting(self) -> int:
        """Return how many adjustments are pending, sent or unknown: the outbox."""
        states = (AdjustmentState.PENDING, *IN_DOUBT_STATES)
        with self._lock:
            row = self._db.execute(
                f"SELECT COUNT(*) FROM adjustment_current WHERE state IN ({', '.join('?' for _ in states)})",
                tuple(s.value for s in states),
            ).fetchone()
        return int(row[0])

    def _query_adjustments(self, where: str, params: tuple[Any, ...]) -> list[Adjustment]:
        with self._lock:
            rows = self._db.execute(f"SELECT * FROM adjustment_current {where} ORDER BY seq", params).fetchall()
        return [self._adjustment_from_row(row) for row in rows]

    @staticmethod
    def _adjustment_from_row(row: sqlite3.Row) -> Adjustment:
        created_at = _parse(row["created_at"])
        state_at = _parse(row["state_at"])
        assert created_at is not None and state_at is not None
        return Adjustment(
            id=row["id"],
            seq=row["seq"],
            lot_id=row["lot_id"],
            delta=row["delta"],
            state=AdjustmentState(row["state"]),
            reason=row["reason"],
            created_at=created_at,
            state_at=state_at,
            station=row["station"],
            operator=row["operator"],
            scan_id=row["scan_id"],
            seen_quantity=row["seen_quantity"],
            seen_updated_at=_parse(row["seen_updated_at"]),
            sent_quantity=row["sent_quantity"],
            sent_updated_at=_parse(row["sent_updated_at"]),
            sent_at=_parse(row["sent_at"]),
            quantity_after=row["quantity_after"],
            updated_at_after=_parse(row["updated_at_after"]),
            resolved_by=row["resolved_by"],
            notify=bool(row["notify"]),
            acknowledged=bool(row["acknowledged"]),
        )

    # -- journal --------------------------------------------------------------------------------------

    def journal(self, limit: int | None = None) -> list[JournalEntry]:
        """Return scans and adjustments, newest first; ``limit`` keeps only the newest entries."""
        if limit is not None and limit < 0:
            raise ValueError(f"invalid limit {limit}: expected 0 or more")
        sql_limit = -1 if limit is None else limit
        with self._lock:
            scan_rows = self._db.execute(
                "SELECT * FROM scans ORDER BY seq DESC LIMIT ?", (sql_limit,)).fetchall()
        adjustments = self._query_adjustments(
            "WHERE seq IN (SELECT seq FROM adjustments ORDER BY seq DESC LIMIT ?)", (sql_limit,))
        entries = [self._scan_entry(row) for row in scan_rows]
        entries.extend(self._adjustment_entry(adjustment) for adjustment in adjustments)
        entries.sort(key=lambda entry: entry.at, reverse=True)
        return entries if limit is None else entries[:limit]

    @staticmethod
    def _scan_entry(row: sqlite3.Row) -> JournalEntry:
        scanned_at = _parse(row["scanned_at"])
        assert scanned_at is not None
        return JournalEntry(
            type="scan", id=row["id"], at=scanned_at, station=row["station"], operator=row["operator"],
            text=row["text"], kind=row["kind"], symbology=row["symbology"], fields=json.loads(row["fields"]),
            outcome=row["outcome"], lot_ids=tuple(json.loads(row["lot_ids"])), message=row["message"],
        )

    @staticmethod
    def _adjustment_entry(adjustment: Adjustment) -> JournalEntry:
        return JournalEntry(
            type="adjustment", id=adjustment.id, at=adjustment.created_at, station=adjustment.station,
            operator=adjustment.operator, lot_id=adjustment.lot_id, delta=adjustment.delta,
            state=adjustment.state, reason=adjustment.reason, state_at=adjustment.state_at,
            scan_id=adjustment.scan_id, quantity_after=adjustment.quantity_after,
            resolved_by=adjustment.resolved_by,
        )
