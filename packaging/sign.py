"""Sign the bundle and installers, and notarise the macOS DMG, with credentials from the environment.

    python packaging/sign.py windows FILE...   # signtool: WINDOWS_CERT_PFX, WINDOWS_CERT_PASSWORD
    python packaging/sign.py macos-app APP     # codesign: MACOS_SIGN_IDENTITY
    python packaging/sign.py macos-dmg DMG     # codesign, then notarytool with APPLE_ID, APPLE_TEAM_ID,
                                               # APPLE_APP_PASSWORD, then stapler

When a step's variables are not set, the step is skipped with a warning on stderr and the exit code is
0, so unsigned test builds still work. A signing tool that runs and fails exits non-zero.
WINDOWS_CERT_PFX is either the path of a .pfx file or its content in base64 (the form a CI secret stores).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PACKAGING = Path(__file__).resolve().parent
ENTITLEMENTS = PACKAGING / "macos" / "entitlements.plist"
DEFAULT_TIMESTAMP_URL = "http://timestamp.digicert.com"


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr, flush=True)


def run(command: list[str], secret: str | None = None) -> None:
    shown = " ".join("***" if secret and part == secret else part for part in command)
    print(f"+ {shown}", flush=True)
    subprocess.run(command, check=True)


# ---------------------------------------------------------------------------------------------------------
# Windows


def find_signtool() -> str:
    found = shutil.which("signtool")
    if found:
        return found
    # The Windows SDK installs signtool under Windows Kits and does not put it on PATH.
    candidates = sorted(glob.glob(r"C:\Program Files (x86)\Windows Kits\10\bin\*\x64\signtool.exe"))
    if not candidates:
        raise SystemExit("error: signtool.exe not found: install the Windows SDK or put signtool on PATH")
    return candidates[-1]


def sign_windows(files: list[Path]) -> None:
    certificate = os.environ.get("WINDOWS_CERT_PFX")
    password = os.environ.get("WINDOWS_CERT_PASSWORD")
    if not certificate or not password:
        warn("WINDOWS_CERT_PFX or WINDOWS_CERT_PASSWORD is not set, so these files stay unsigned: "
             + ", ".join(str(path) for path in files))
        return
    signtool = find_signtool()
    timestamp_url = os.environ.get("WINDOWS_TIMESTAMP_URL", DEFAULT_TIMESTAMP_URL)
    with tempfile.TemporaryDirectory(prefix="scan-station-sign-") as folder:
        pfx = pfx_file(certificate, Path(folder))
        run([signtool, "sign", "/f", str(pfx), "/p", password, "/fd", "SHA256", "/tr", timestamp_url,
             "/td", "SHA256", *[str(path) for path in files]], secret=password)
    run([signtool, "verify", "/pa", *[str(path) for path in files]])


def pfx_file(certificate: str, folder: Path) -> Path:
    """Return the .pfx path: ``certificate`` itself if it names a file, else its base64 content decoded."""
    if Path(certificate).is_file():
        return Path(certificate)
    try:
        content = base64.b64decode(certificate, validate=True)
    except binascii.Error as exc:
        raise SystemExit("error: WINDOWS_CERT_PFX is neither an existing file nor valid base64") from exc
    path = folder / "certificate.pfx"
    path.write_bytes(content)
    return path


# ---------------------------------------------------------------------------------------------------------
# macOS


def sign_macos_app(app: Path) -> None:
    identity = os.environ.get("MACOS_SIGN_IDENTITY")
    if not identity:
        warn(f"MACOS_SIGN_IDENTITY is not set, so {app} stays unsigned and Gatekeeper will block it")
        return
    # Sign from the inside out: every nested library and executable first, then the bundle itself,
    # because signing the bundle seals the signatures of what it contains.
    nested = sorted(
        (path for path in app.rglob("*") if path.is_file() and not path.is_symlink() and is_mach_o(path)),
        key=lambda path: len(path.parts),
        reverse=True,
    )
    options = ["--force", "--timestamp", "--options", "runtime", "--entitlements", str(ENTITLEMENTS),
               "--sign", identity]
    for path in nested:
        run(["codesign", *options, str(path)])
    run(["codesign", *options, str(app)])
    run(["codesign", "--verify", "--deep", "--strict", "--verbose=2", str(app)])


def is_mach_o(path: Path) -> bool:
    """Tell whether ``path`` is a Mach-O binary (thin or universal) by its magic number."""
    with open(path, "rb") as binary:
        magic = binary.read(4)
    return magic in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"\xbe\xba\xfe\xca")


def sign_and_notarize_dmg(dmg: Path) -> None:
    identity = os.environ.get("MACOS_SIGN_IDENTITY")
    if not identity:
        warn(f"MACOS_SIGN_IDENTITY is not set, so {dmg} stays unsigned and is not notarised")
        return
    run(["codesign", "--force", "--timestamp", "--sign", identity, str(dmg)])

    apple_id = os.environ.get("APPLE_ID")
    team_id = os.environ.get("APPLE_TEAM_ID")
    app_password = os.environ.get("APPLE_APP_PASSWORD")
    if not (apple_id and team_id and app_password):
        warn(f"APPLE_ID, APPLE_TEAM_ID or APPLE_APP_PASSWORD is not set, so {dmg} is signed but not notarised")
        return
    run(["xcrun", "notarytool", "submit", str(dmg), "--apple-id", apple_id, "--team-id", team_id,
         "--password", app_password, "--wait"], secret=app_password)
    run(["xcrun", "stapler", "staple", str(dmg)])
    run(["xcrun", "stapler", "validate", str(dmg)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Sign Scan Station builds with credentials from the environment.")
    subparsers = parser.add_subparsers(dest="target", required=True)
    windows = subparsers.add_parser("windows", help="sign .exe files with signtool")
    windows.add_argument("files", nargs="+", type=Path)
    app = subparsers.add_parser("macos-app", help="sign a .app and everything inside it with codesign")
    app.add_argument("app", type=Path)
    dmg = subparsers.add_parser("macos-dmg", help="sign a .dmg, notarise it and staple the ticket")
    dmg.add_argument("dmg", type=Path)
    args = parser.parse_args(argv)

    try:
        if args.target == "windows":
            sign_windows(args.files)
        elif args.target == "macos-app":
            sign_macos_app(args.app)
        else:
            sign_and_notarize_dmg(args.dmg)
    except subprocess.CalledProcessError as exc:
        print(f"error: signing step failed with exit code {exc.returncode}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
