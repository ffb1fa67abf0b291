"""Collect the licence files of everything the bundle carries into packaging/licenses/.

For each Python distribution that scan-station depends on at run time (the closure of its Requires-Dist,
without extras), the script copies the licence files listed in the installed metadata to
``licenses/<name>-<version>/``. Components that are not Python distributions get their own folder: the
Python runtime, the PyInstaller bootloader, Qt (LGPL-3.0, whose wheels carry no licence text), and zbar
(LGPL-2.1, from the system on Linux and from Homebrew on macOS). THIRD-PARTY-NOTICES.md lists each
component with its version, licence and files. The installers copy the whole folder.

Usage: ``python packaging/collect_licenses.py [--output DIR]``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

PACKAGING = Path(__file__).resolve().parent
ROOT = PACKAGING.parent
LICENSE_TEXTS = PACKAGING / "license-texts"
PROJECT = "scan-station"

LICENSE_NAME = re.compile(r"(LICEN[CS]E|COPYING|NOTICE|COPYRIGHT|AUTHORS)", re.IGNORECASE)
# Qt is licensed to PySide6 users under LGPL-3.0, which builds on GPL-3.0, so both texts ship.
QT_DISTRIBUTIONS = {"pyside6", "pyside6-essentials", "pyside6-addons", "shiboken6"}


@dataclass
class Component:
    name: str
    version: str
    license: str
    files: list[str] = field(default_factory=list)
    note: str = ""


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_distributions(root: str) -> list[metadata.Distribution]:
    """Return the installed distributions that ``root`` needs at run time, ``root`` included."""
    seen: dict[str, metadata.Distribution] = {}
    pending = [root]
    while pending:
        name = normalize(pending.pop())
        if name in seen:
            continue
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            print(f"warning: {name} is required but not installed; its licence is not collected", file=sys.stderr)
            continue
        seen[name] = distribution
        for line in distribution.requires or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(requirement.name)
    return sorted(seen.values(), key=lambda item: normalize(item.metadata["Name"]))


def license_of(distribution: metadata.Distribution) -> str:
    fields = distribution.metadata
    expression = fields.get("License-Expression")
    if expression:
        return expression
    text = (fields.get("License") or "").strip()
    if text and "\n" not in text and len(text) < 120:
        return text
    classifiers = [
        value.split(" :: ")[-1] for value in fields.get_all("Classifier") or [] if value.startswith("License ::")
    ]
    return ", ".join(classifiers) or "see the licence files"


def copy_distribution_files(distribution: metadata.Distribution, target: Path) -> list[str]:
    copied = []
    for entry in distribution.files or []:
        if not LICENSE_NAME.search(entry.name):
            continue
        source = Path(str(distribution.locate_file(entry)))
        if not source.is_file():
            continue
        # Keep the path inside the dist-info so that same-named files (numpy has many) do not collide.
        relative = Path(*[part for part in entry.parts if not part.endswith(".dist-info")])
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        copied.append(relative.as_posix())
    return copied


def copy_texts(target: Path, *names: str) -> list[str]:
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copyfile(LICENSE_TEXTS / name, target / name)
    return list(names)


def python_component(output: Path) -> Component:
    target = output / "python"
    target.mkdir(parents=True, exist_ok=True)
    candidates = [
        Path(sys.base_prefix) / "LICENSE.txt",  # Windows and python.org installers
        Path(sys.base_prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "LICENSE.txt",
    ]
    files = []
    for candidate in candidates:
        if candidate.is_file():
            shutil.copyfile(candidate, target / "LICENSE.txt")
            files.append("LICENSE.txt")
            break
    else:
        print("warning: the Python LICENSE.txt was not found under sys.base_prefix", file=sys.stderr)
    return Component("Python", sys.version.split()[0], "PSF-2.0", files)


def zbar_component(output: Path) -> Component:
    target = output / "zbar"
    files = copy_texts(target, "LGPL-2.1.txt")
    note = ""
    version = ""
    if sys.platform.startswith("linux"):
        version = command_output(["dpkg-query", "-W", "-f", "${Version}", "libzbar0"])
        copyright_file = Path("/usr/share/doc/libzbar0/copyright")
        if copyright_file.is_file():
            shutil.copyfile(copyright_file, target / "copyright")
            files.append("copyright")
        note = "copied from the system's libzbar0"
    elif sys.platform == "darwin":
        note = "copied from Homebrew's zbar"
        version = command_output(["brew", "list", "--versions", "zbar"]).removeprefix("zbar ")
        prefix = brew_prefix("zbar")
        if prefix:
            for source in sorted(prefix.glob("*")):
                if source.is_file() and LICENSE_NAME.search(source.name):
                    shutil.copyfile(source, target / source.name)
                    files.append(source.name)
    else:
        note = "libzbar-64.dll and libiconv.dll (LGPL-2.1) from the pyzbar wheel"
    return Component("zbar", version or "unknown", "LGPL-2.1-or-later", files, note)


def command_output(command: list[str]) -> str:
    """Return the stripped stdout of ``command``, or "" when it is missing or fails."""
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"warning: `{' '.join(command)}` failed: {exc}", file=sys.stderr)
        return ""
    return result.stdout.strip()


def brew_prefix(formula: str) -> Path | None:
    prefix = command_output(["brew", "--prefix", formula])
    return Path(prefix) if prefix else None


def write_notices(output: Path, components: list[Component]) -> None:
    lines = [
        "# Third-party notices",
        "",
        f"Scan Station {metadata.version(PROJECT)} bundles the components below. Each folder beside this file",
        "holds the licence files of one component, copied from the installed package at build time.",
        "",
        "Qt (through PySide6) and zbar are used under the GNU LGPL: they are loaded as separate shared",
        "libraries from the install folder, and you may replace them with your own builds of the same versions.",
        "OpenCV's wheel contains FFmpeg (LGPL-2.1), listed in opencv-python-headless/LICENSE-3RD-PARTY.txt.",
        "",
        "| Component | Version | Licence | Files | Note |",
        "|---|---|---|---|---|",
    ]
    for component in components:
        files = ", ".join(component.files) or "none found"
        lines.append(f"| {component.name} | {component.version} | {component.license} | {files} | {component.note} |")
    (output / "THIRD-PARTY-NOTICES.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def collect(output: Path) -> list[Component]:
    if output.exists():
        shutil.rmtree(output)
    output.mkdir(parents=True)
    components = [python_component(output)]

    for distribution in runtime_distributions(PROJECT):
        name = distribution.metadata["Name"]
        if normalize(name) == PROJECT:
            continue
        folder = normalize(name)
        files = copy_distribution_files(distribution, output / folder)
        note = ""
        if normalize(name) in QT_DISTRIBUTIONS:
            files += copy_texts(output / folder, "LGPL-3.0.txt", "GPL-3.0.txt")
            note = "Qt and PySide6 under LGPL-3.0"
        if not files:
            print(f"warning: {name} lists no licence file in its metadata", file=sys.stderr)
        components.append(
            Component(name, distribution.version, license_of(distribution), [f"{folder}/{f}" for f in files], note)
        )

    pyinstaller = metadata.distribution("pyinstaller")
    files = copy_distribution_files(pyinstaller, output / "pyinstaller")
    components.append(
        Component(
            "PyInstaller bootloader",
            pyinstaller.version,
            "GPL-2.0-or-later with the PyInstaller bootloader exception",
            [f"pyinstaller/{f}" for f in files],
        )
    )
    components.append(zbar_component(output))
    write_notices(output, components)
    return components


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=PACKAGING / "licenses",
                        help="folder to (re)create with the licence files (default: packaging/licenses)")
    args = parser.parse_args(argv)
    components = collect(args.output)
    print(f"collected licences of {len(components)} components into {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
