"""Sandbox user accounts: salted PBKDF2 password hashes and sign-in checks."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import uuid

from station.sandbox.db import format_zulu, utc_now

# Low on purpose: the sandbox stores demo accounts only, and every test signs in several times.
_ITERATIONS = 20_000


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, _ITERATIONS)
    return f"pbkdf2_sha256${_ITERATIONS}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        _, iterations, salt, digest = stored.split("$")
        candidate = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), int(iterations))
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)


def upsert_user(conn: sqlite3.Connection, email: str, password: str, *, user_id: str | None = None,
                first_name: str | None = None, last_name: str | None = None, role: str = "admin") -> str:
    """Create the account, or set the password of an existing one with this e-mail; return the user id."""
    now = format_zulu(utc_now())
    row = conn.execute("SELECT id FROM users WHERE email = ?", (email,)).fetchone()
    if row:
        conn.execute("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
                     (hash_password(password), now, row["id"]))
        return str(row["id"])
    new_id = user_id or str(uuid.uuid4())
    if first_name is None:
        first_name = email.split("@")[0].split(".")[0].capitalize()
    conn.execute("INSERT INTO users (id, email, password_hash, first_name, last_name, role, is_active, "
                 "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
                 (new_id, email, hash_password(password), first_name, last_name, role, now, now))
    return new_id


def authenticate(conn: sqlite3.Connection, email: str, password: str) -> sqlite3.Row | None:
    """Return the active user row whose e-mail and password match, else None."""
    row = conn.execute("SELECT * FROM users WHERE email = ?", (email.strip(),)).fetchone()
    if row is None or not row["is_active"] or not check_password(password, row["password_hash"]):
        return None
    return row
