"""The station's settings: declared once with types and defaults, stored as JSON in the data folder.

A missing file gives the defaults. A corrupt or invalid file is logged, kept beside as ``.corrupt`` for
support, and replaced by the defaults, so a bad edit never stops the station from starting. Secrets never
go here: the refresh token lives in the OS keychain.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from station import paths

log = logging.getLogger(__name__)

SETTINGS_VERSION = 1


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    version: int = SETTINGS_VERSION
    station_name: str = Field("", description="shown in the header, e.g. 'Receiving dock'")
    # Scanner (keyboard wedge)
    keyboard_layout: Literal["us", "fr", "de", "uk", "it"] = Field(
        "us", description="the host's keyboard layout, for a scanner that types US key positions")
    max_key_gap_ms: int = Field(35, ge=5, le=500, description="maximum gap between two keys of a scanner burst")
    min_scan_length: int = Field(4, ge=1, le=64, description="shortest text taken as a scan")
    scan_prefix: str = Field("", max_length=16, description="text the scanner sends before each code")
    idle_end_ms: int | None = Field(None, ge=20, le=2000,
                                    description="end a scan after this silence, for scanners without Enter/Tab")
    gs_substitute: str | None = Field(None, max_length=3,
                                      description="key or character the scanner sends for GS, e.g. F8 or ~")
    debounce_ms: int = Field(1500, ge=0, le=10000, description="drop the same code again within this time")
    # Feedback
    sounds: bool = True
    # Camera
    camera_index: int | None = Field(None, ge=0, le=16)

    def wedge_config(self):
        """Build the WedgeConfig that these settings describe."""
        from station.codes.wedge import WedgeConfig

        return WedgeConfig(
            max_gap=self.max_key_gap_ms / 1000,
            min_length=self.min_scan_length,
            prefix=self.scan_prefix,
            idle_end=self.idle_end_ms / 1000 if self.idle_end_ms else None,
            gs_substitute=self.gs_substitute or None,
            debounce=self.debounce_ms / 1000,
            layout=self.keyboard_layout,
        )


def load_settings(data_dir: Path) -> Settings:
    path = paths.settings_path(data_dir)
    if not path.exists():
        return Settings()
    try:
        settings = Settings.model_validate(json.loads(path.read_text(encoding="utf-8")))
        settings.wedge_config()  # rejects combinations the wedge cannot work with
        return settings
    except (OSError, ValueError, ValidationError) as exc:
        backup = path.with_suffix(".corrupt")
        log.error("settings file %s is invalid and was replaced by the defaults (kept as %s): %s", path, backup, exc)
        try:
            os.replace(path, backup)
        except OSError:
            log.warning("could not keep the invalid settings file as %s", backup)
        return Settings()


def save_settings(data_dir: Path, settings: Settings) -> None:
    path = paths.settings_path(data_dir)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(settings.model_dump_json(indent=2), encoding="utf-8")
    os.replace(tmp, path)
