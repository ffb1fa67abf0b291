"""Scan Station core: everything that runs without Qt (codes, Blend client, ledger, sandbox, CLI)."""

from importlib import metadata

try:
    __version__ = metadata.version("scan-station")
except metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

APP_NAME = "Scan Station"
APP_ID = "scan-station"
