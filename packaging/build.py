"""Build the one-folder bundle, run its self-test, and optionally wrap it in this platform's installer.

    python packaging/build.py              # dist/scan-station/ (Linux, Windows) or dist/Scan Station.app
    python packaging/build.py --installer  # then Setup .exe (Windows), .dmg (macOS) or .tar.gz (Linux)

Steps: render the icons, collect the licence files, run PyInstaller on packaging/scan-station.spec, start
the bundle's ``--self-test`` headless from an empty folder, and with ``--installer`` sign and package it
(packaging/sign.py signs only when its environment variables are set). Exits non-zero at the first
failed step.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from pathlib import Path

PACKAGING = Path(__file__).resolve().parent
ROOT = PACKAGING.parent
DEFAULT_DIST = ROOT / "dist"
DEFAULT_WORK = ROOT / "build" / "pyinstaller"
SPEC = PACKAGING / "scan-station.spec"
SELF_TEST_TIMEOUT_SECONDS = 300


def project_version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as pyproject_file:
        return tomllib.load(pyproject_file)["project"]["version"]


def run(command: list[str], **options) -> None:
    print("+ " + " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], check=True, **options)


def bundle_folder(dist: Path) -> Path:
    """Return the folder the installer packs: the .app on macOS, else the one-folder bundle."""
    if sys.platform == "darwin":
        return dist / "Scan Station.app"
    return dist / "scan-station"


def bundle_executable(dist: Path) -> Path:
    """Return the bundled program that prints to a console: on Windows the ``-cli`` twin of the GUI exe."""
    if sys.platform.startswith("win"):
        return dist / "scan-station" / "scan-station-cli.exe"
    if sys.platform == "darwin":
        return bundle_folder(dist) / "Contents" / "MacOS" / "scan-station"
    return dist / "scan-station" / "scan-station"


def build_bundle(dist: Path, work: Path, clean: bool) -> None:
    run([sys.executable, PACKAGING / "make_icons.py"])
    run([sys.executable, PACKAGING / "collect_licenses.py"])
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--distpath", dist, "--workpath", work, SPEC]
    if clean:
        command.insert(3, "--clean")
    run(command, cwd=ROOT)


def self_test_bundle(dist: Path) -> int:
    """Run the bundle's ``--self-test`` from an empty folder with a fresh data folder; return its exit code.

    The working folder and data folder are temporary, and PYTHONPATH and the resources override are
    removed, so the bundle can only pass with what it carries.
    """
    executable = bundle_executable(dist)
    if not executable.is_file():
        print(f"error: bundle executable not found: {executable}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="scan-station-bundle-test-") as folder:
        environment = {
            key: value
            for key, value in os.environ.items()
            if key not in ("PYTHONPATH", "PYTHONHOME", "SCAN_STATION_RESOURCES")
        }
        environment["QT_QPA_PLATFORM"] = "offscreen"
        environment["SCAN_STATION_DATA_DIR"] = str(Path(folder) / "data")
        print(f"+ {executable} --self-test", flush=True)
        completed = subprocess.run(
            [str(executable), "--self-test"],
            cwd=folder,
            env=environment,
            timeout=SELF_TEST_TIMEOUT_SECONDS,
        )
    return completed.returncode


def make_installer(dist: Path, version: str) -> Path:
    sign = [sys.executable, PACKAGING / "sign.py"]
    if sys.platform.startswith("win"):
        bundle = dist / "scan-station"
        run([*sign, "windows", bundle / "scan-station.exe", bundle / "scan-station-cli.exe"])
        iscc = shutil.which("iscc") or r"C:\Program Files (x86)\Inno Setup 6\ISCC.exe"
        run([iscc, f"/DAppVersion={version}", f"/DSourceDir={bundle}", f"/DOutputDir={dist}",
             PACKAGING / "windows" / "scan-station.iss"])
        installer = dist / f"ScanStation-{version}-Setup.exe"
        run([*sign, "windows", installer])
        return installer
    if sys.platform == "darwin":
        app = bundle_folder(dist)
        dmg = dist / f"ScanStation-{version}.dmg"
        run([*sign, "macos-app", app])
        run(["bash", PACKAGING / "macos" / "make-dmg.sh", app, dmg])
        run([*sign, "macos-dmg", dmg])
        return dmg
    archive = dist / f"scan-station-{version}-linux-x86_64.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(bundle_folder(dist), arcname=f"scan-station-{version}")
    return archive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the Scan Station bundle and run its self-test.")
    parser.add_argument("--installer", action="store_true",
                        help="after the self-test, sign and package the bundle for this platform")
    parser.add_argument("--skip-build", action="store_true",
                        help="reuse the bundle in dist/ and only run the later steps")
    parser.add_argument("--skip-self-test", action="store_true", help="do not start the built bundle")
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's cache before building")
    parser.add_argument("--dist-dir", type=Path, default=DEFAULT_DIST,
                        help="folder for the bundle and the installer (default: dist/)")
    parser.add_argument("--work-dir", type=Path, default=DEFAULT_WORK,
                        help="folder for PyInstaller's intermediate files (default: build/pyinstaller/)")
    args = parser.parse_args(argv)

    version = project_version()
    dist = args.dist_dir.resolve()
    try:
        if not args.skip_build:
            build_bundle(dist, args.work_dir.resolve(), args.clean)
        if not args.skip_self_test:
            exit_code = self_test_bundle(dist)
            if exit_code != 0:
                print(f"error: the bundle's self-test failed with exit code {exit_code}", file=sys.stderr)
                return 1
        if args.installer:
            print(f"installer: {make_installer(dist, version)}")
    except subprocess.CalledProcessError as exc:
        print(f"error: step failed with exit code {exc.returncode}: {exc.cmd}", file=sys.stderr)
        return 1
    print(f"bundle: {bundle_folder(dist)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
