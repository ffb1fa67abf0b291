"""Fixtures shared by every test: offscreen Qt, an in-memory keyring, data folders in tmp_path, and a
sandbox Blend API served over real HTTP on 127.0.0.1."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SHARED = Path(__file__).resolve().parents[2] / "shared"
if not SHARED.is_dir():  # CI lays shared/ beside the clone
    SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CASES_FILE = SHARED / "cases" / "scan-cases.json"
PEER_SAMPLES = SHARED / "peer-samples"


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path, monkeypatch):
    """Point the station's data folder at tmp_path and replace the OS keychain with memory."""
    import keyring
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.store: dict[tuple[str, str], str] = {}

        def get_password(self, service, username):
            return self.store.get((service, username))

        def set_password(self, service, username, password):
            self.store[(service, username)] = password

        def delete_password(self, service, username):
            self.store.pop((service, username), None)

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    monkeypatch.setenv("SCAN_STATION_DATA_DIR", str(tmp_path / "station-data"))
    for name in ("BLEND_API_URL", "BLEND_EMAIL", "BLEND_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def sandbox(tmp_path):
    """A freshly seeded sandbox Blend API on a free loopback port; ``sandbox.url`` is the API root."""
    from station.sandbox.server import SandboxServer

    server = SandboxServer(db_path=tmp_path / "sandbox.sqlite3")
    server.start()
    yield server
    server.stop()
