"""Locations of the station's own files (cache, journal, settings, logs)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from station import APP_ID

DATA_DIR_ENV = "SCAN_STATION_DATA_DIR"


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the data folder: ``explicit``, else ``$SCAN_STATION_DATA_DIR``, else the platform's user data
    folder. The folder is created when missing."""
    chosen = explicit or os.environ.get(DATA_DIR_ENV) or platformdirs.user_data_dir(APP_ID, appauthor=False)
    path = Path(chosen).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def ledger_path(folder: Path) -> Path:
    return folder / "ledger.sqlite3"


def lot_cache_path(folder: Path) -> Path:
    return folder / "lot-cache.json"


def settings_path(folder: Path) -> Path:
    return folder / "settings.json"


def log_dir(folder: Path) -> Path:
    path = folder / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path
