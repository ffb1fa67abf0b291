"""Build the PyInstaller bundle with packaging/build.py and run the frozen program (slow: about a minute
on 2 cores when PyInstaller's cache is warm). Selected only with ``pytest -m packaging``."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from station import __version__
from station.selftest import CHECKS

ROOT = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT_SECONDS = 900

pytestmark = [pytest.mark.packaging, pytest.mark.timeout(BUILD_TIMEOUT_SECONDS + 60)]


@pytest.fixture(scope="module")
def built_bundle(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """Build once into a temporary dist folder; the build also runs the bundle's --self-test."""
    dist = tmp_path_factory.mktemp("dist")
    completed = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build.py"), "--dist-dir", str(dist)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_SECONDS,
    )
    return dist, completed


def bundle_program(dist: Path) -> Path:
    if sys.platform.startswith("win"):
        return dist / "scan-station" / "scan-station-cli.exe"
    if sys.platform == "darwin":
        return dist / "Scan Station.app" / "Contents" / "MacOS" / "scan-station"
    return dist / "scan-station" / "scan-station"


def internal_folder(dist: Path) -> Path:
    if sys.platform == "darwin":
        return dist / "Scan Station.app" / "Contents" / "Frameworks"
    return dist / "scan-station" / "_internal"


def test_bundle_builds_and_self_test_passes(built_bundle):
    _dist, completed = built_bundle
    output = completed.stdout

    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    assert "self-test (frozen bundle," in output
    assert "FAIL " not in output
    for name, _check in CHECKS:
        assert f"PASS {name}: " in output
    assert f"All {len(CHECKS)} checks passed." in output


def test_bundle_carries_zbar_licences_and_resources(built_bundle):
    dist, completed = built_bundle
    assert completed.returncode == 0
    internal = internal_folder(dist)

    if not sys.platform.startswith("win"):
        assert sorted(internal.glob("libzbar.*")) != []
    assert (internal / "licenses" / "THIRD-PARTY-NOTICES.md").is_file()
    assert (internal / "licenses" / "pyside6-essentials" / "LGPL-3.0.txt").is_file()
    assert (internal / "licenses" / "zbar" / "LGPL-2.1.txt").is_file()
    assert (internal / "resources" / "samples" / "selftest.png").is_file()
    assert not list(internal.rglob("*Qt6WebEngine*"))
    assert not (internal / "tkinter").exists()


def test_bundle_reports_package_version(built_bundle, tmp_path):
    dist, completed = built_bundle
    assert completed.returncode == 0
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}

    version = subprocess.run(
        [str(bundle_program(dist)), "--version"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"scan-station {__version__}"
    assert __version__ != "0.0.0"


def test_bundle_demo_window_loads_inventory(built_bundle, tmp_path):
    dist, completed = built_bundle
    assert completed.returncode == 0
    data_dir = tmp_path / "data"
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    environment["QT_QPA_PLATFORM"] = "offscreen"
    environment["SCAN_STATION_DATA_DIR"] = str(data_dir)
    log_file = data_dir / "logs" / "scan-station.log"

    # NOTE: the wait matches the log line station.inventory.service writes after the first inventory load.
    window = subprocess.Popen(
        [str(bundle_program(dist)), "--demo"],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        log_text = ""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and window.poll() is None:
            log_text = log_file.read_text(encoding="utf-8") if log_file.exists() else ""
            if "inventory loaded" in log_text:
                break
            time.sleep(0.5)
        still_running = window.poll() is None
    finally:
        window.terminate()
        window.wait(timeout=60)

    assert still_running, log_text[-4000:]
    assert "Sandbox serving http://127.0.0.1:" in log_text
    assert "inventory loaded" in log_text
