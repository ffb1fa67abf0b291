"""SQLite storage of the sandbox: schema, connections, and the JSON shapes Blend sends.

Every request opens its own connection (sqlite3 connections must not cross threads, and FastAPI runs
plain ``def`` endpoints in a thread pool). Writes go through ``SandboxStore.write``, which holds a
process-wide lock and an ``IMMEDIATE`` transaction, so a read-check-update such as the quantity PATCH is
atomic. The file uses WAL, so readers do not block on a writer.

Timestamps are stored as text in the form Blend sends them: ``2025-03-15T12:00:00Z`` for
``created_at``/``updated_at`` (with microseconds once the sandbox changes a row, so that every change
gives a new value), naive microseconds for ``received_date`` and barcode times, and ``T00:00:00`` for
``expiration_date``.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PRODUCT_KINDS = ("prescription", "non_prescription", "order_material")

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    first_name TEXT,
    last_name TEXT,
    role TEXT NOT NULL DEFAULT 'admin',
    is_active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS products (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('prescription', 'non_prescription', 'order_material')),
    name TEXT NOT NULL,
    customer TEXT,
    customer_id TEXT,
    fields TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS lots (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    batch_number TEXT,
    cost_per_unit REAL,
    current_quantity INTEGER NOT NULL CHECK (current_quantity >= 0),
    initial_quantity INTEGER,
    expiration_date TEXT,
    received_date TEXT,
    is_active INTEGER NOT NULL DEFAULT 1,
    manufacturer TEXT,
    mpn TEXT,
    notes TEXT,
    unit_type TEXT,
    upc TEXT,
    type TEXT
);
CREATE TABLE IF NOT EXISTS associations (
    lot_id TEXT NOT NULL REFERENCES lots(id),
    product_id TEXT NOT NULL REFERENCES products(id),
    units_per_product INTEGER NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (lot_id, product_id)
);
CREATE TABLE IF NOT EXISTS barcodes (
    id TEXT PRIMARY KEY,
    barcode_value TEXT NOT NULL UNIQUE,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    is_active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS barcodes_entity ON barcodes (entity_type, entity_id);
"""

LOT_COLUMNS = ("id", "created_at", "updated_at", "batch_number", "cost_per_unit", "current_quantity",
               "initial_quantity", "expiration_date", "received_date", "is_active", "manufacturer", "mpn",
               "notes", "unit_type", "upc", "type")


def format_zulu(moment: dt.datetime, *, fraction: bool = False) -> str:
    """Format an aware or UTC-naive datetime as ``2025-03-15T12:00:00Z`` (with microseconds if asked)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if fraction else "%Y-%m-%dT%H:%M:%SZ")


def format_naive(moment: dt.datetime) -> str:
    """Format as naive UTC ISO with microseconds, e.g. ``2025-01-01T18:21:45.371623``."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")


def format_expiry(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class SandboxStore:
    """The sandbox database file: schema creation, connections and the write lock."""

    def __init__(self, db_path: Path):
        self.db_path = Path(db_path)
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self._write_lock = threading.Lock()
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.db_path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys=ON")
        try:
            yield conn
        finally:
            conn.close()

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """Yield a connection inside an IMMEDIATE transaction that commits on success, else rolls back."""
        with self._write_lock, self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def is_empty(self) -> bool:
        with self.read() as conn:
            return conn.execute("SELECT COUNT(*) FROM lots").fetchone()[0] == 0 and \
                conn.execute("SELECT COUNT(*) FROM products").fetchone()[0] == 0

    def get_meta(self, key: str) -> str | None:
        with self.read() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.write() as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


# --- JSON shapes -------------------------------------------------------------------------------------


def user_json(row: sqlite3.Row) -> dict[str, Any]:
    return {"id": row["id"], "created_at": row["created_at"], "updated_at": row["updated_at"],
            "email": row["email"], "first_name": row["first_name"], "last_name": row["last_name"],
            "is_active": bool(row["is_active"]), "role": row["role"]}


def product_json(row: sqlite3.Row) -> dict[str, Any]:
    body: dict[str, Any] = {"id": row["id"], "created_at": row["created_at"], "updated_at": row["updated_at"],
                            "name": row["name"]}
    body.update(json.loads(row["fields"]))
    return body


def associations_json(conn: sqlite3.Connection, lot_id: str) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {kind: [] for kind in PRODUCT_KINDS}
    rows = conn.execute(
        "SELECT p.kind, p.customer, p.customer_id, p.name, p.id AS product_id, a.units_per_product "
        "FROM associations a JOIN products p ON p.id = a.product_id WHERE a.lot_id = ? "
        "ORDER BY a.position, p.name", (lot_id,)).fetchall()
    for row in rows:
        groups[row["kind"]].append({"customer": row["customer"], "customer_id": row["customer_id"],
                                    "name": row["name"], "product_id": row["product_id"],
                                    "units_per_product": row["units_per_product"]})
    return groups


def lot_fields_json(row: sqlite3.Row) -> dict[str, Any]:
    body = {column: row[column] for column in LOT_COLUMNS}
    body["is_active"] = bool(row["is_active"])
    return body


def lot_json(conn: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    """Return a lot as the lot-level endpoints send it: every field plus ``associations``."""
    body = lot_fields_json(row)
    body["associations"] = associations_json(conn, row["id"])
    return body


def fetch_lot(conn: sqlite3.Connection, lot_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM lots WHERE id = ?", (lot_id,)).fetchone()


def fetch_product(conn: sqlite3.Connection, product_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM products WHERE id = ?", (product_id,)).fetchone()


def insert_lot(conn: sqlite3.Connection, values: dict[str, Any]) -> None:
    columns = [column for column in LOT_COLUMNS if column in values]
    conn.execute(f"INSERT INTO lots ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                 [values[column] for column in columns])


def insert_association(conn: sqlite3.Connection, lot_id: str, product_id: str, units_per_product: int) -> None:
    position = conn.execute("SELECT COUNT(*) FROM associations WHERE lot_id = ?", (lot_id,)).fetchone()[0]
    conn.execute("INSERT OR REPLACE INTO associations (lot_id, product_id, units_per_product, position) "
                 "VALUES (?, ?, ?, ?)", (lot_id, product_id, units_per_product, position))


def insert_product(conn: sqlite3.Connection, product_id: str, kind: str, name: str, customer: tuple[str, str],
                   fields: dict[str, Any], created_at: str) -> None:
    conn.execute("INSERT INTO products (id, kind, name, customer, customer_id, fields, created_at, updated_at) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (product_id, kind, name, customer[0], customer[1], json.dumps(fields), created_at, created_at))


def insert_barcode(conn: sqlite3.Connection, barcode_id: str, value: str, entity_type: str, entity_id: str,
                   created_at: str, expires_at: str | None, is_active: bool = True) -> None:
    conn.execute("INSERT INTO barcodes (id, barcode_value, entity_type, entity_id, created_at, expires_at, "
                 "is_active) VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (barcode_id, value, entity_type, entity_id, created_at, expires_at, int(is_active)))
