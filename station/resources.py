"""Locate files under ``resources/`` (icons, sounds, style sheets, samples) from source and from a bundle.

From a source checkout the folder sits beside the ``station`` package. In a PyInstaller bundle the spec
copies it to ``resources/`` under ``sys._MEIPASS`` (the ``_internal`` folder of a one-folder bundle, or
``Contents/Resources`` inside a macOS ``.app``). ``$SCAN_STATION_RESOURCES`` overrides both, for tests
and for installs that keep the resources elsewhere.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

RESOURCES_ENV = "SCAN_STATION_RESOURCES"


def resources_root() -> Path:
    """Return the ``resources`` folder that this process uses; the folder may be missing."""
    override = os.environ.get(RESOURCES_ENV)
    if override:
        return Path(override).expanduser()
    bundle_dir = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle_dir:
        return Path(bundle_dir) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """Return the path of ``resources/<parts...>``, such as ``resource_path("icons", "app.svg")``.

    The path is returned whether or not the file exists, so callers can report a missing file by name.
    Raises ValueError for an absolute part or a ``..`` part, because both would leave the folder.
    """
    for part in parts:
        if Path(part).is_absolute() or ".." in Path(part).parts:
            raise ValueError(f"invalid resource path part {part!r}: give a relative path inside resources/")
    return resources_root().joinpath(*parts)
