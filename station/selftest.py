"""``scan-station --self-test``: check headless that an install or a bundle has every part it needs.

Each check prints one line, ``PASS name: detail`` or ``FAIL name: detail``, and a failed or missing part
is a FAIL line, never a crash. The command exits 0 only when every check passed, else 1.

This is the one core module that probes the Qt layer: the Qt checks import PySide6 inside their
functions, so importing this module stays Qt-free.
"""

from __future__ import annotations

import json
import os
import pkgutil
import sqlite3
import sys
import tempfile
import traceback
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any, TextIO

from station import __version__
from station.i18n import tr
from station.resources import resource_path, resources_root

EXIT_ALL_PASSED = 0
EXIT_SOME_FAILED = 1

# The codes in resources/samples/selftest.png; packaging/make_selftest_image.py writes the image from these.
SAMPLE_IMAGE = ("samples", "selftest.png")
SAMPLE_EAN13 = "9506000134352"
SAMPLE_DATAMATRIX = "(01)09506000134352(17)301231(10)SELFTEST"
SAMPLE_DATAMATRIX_SCANNED = "01095060001343521730123110SELFTEST"

# Packages whose every submodule must import: PyInstaller cannot see modules loaded by name
# (station.cli imports its subcommands with importlib), so a missing hidden import shows up here.
PACKAGES = ("station", "ui")

SVG_SUFFIXES = {".svg", ".svgz"}
RASTER_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".ico", ".icns", ".webp"}
SOUND_SUFFIXES = {".wav"}
STYLE_SUFFIXES = {".qss", ".css"}
JSON_SUFFIXES = {".json"}
TRANSLATION_SUFFIXES = {".qm"}
FONT_SUFFIXES = {".ttf", ".otf"}


class CheckFailed(Exception):
    """A check found a fault; the message is the FAIL line's detail."""


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool
    detail: str

    def line(self) -> str:
        return f"{'PASS' if self.passed else 'FAIL'} {self.name}: {self.detail}"


def run_self_test(out: TextIO | None = None) -> int:
    """Run every check, print one line per check and a summary to ``out`` (default stdout).

    Returns 0 when all checks passed, else 1.
    """
    stream = out if out is not None else sys.stdout
    _use_headless_qt()
    mode = "frozen bundle" if getattr(sys, "frozen", False) else "source"
    _emit(stream, f"scan-station {__version__} self-test ({mode}, Python {sys.version.split()[0]}, {sys.platform})")
    _emit(stream, f"resources: {resources_root()}")

    results = []
    for name, check in CHECKS:
        result = _run_check(name, check)
        results.append(result)
        _emit(stream, result.line())

    failed = [result.name for result in results if not result.passed]
    if failed:
        summary = tr("{failed} of {total} checks failed: {names}").format(
            failed=len(failed), total=len(results), names=", ".join(failed)
        )
        _emit(stream, summary)
        return EXIT_SOME_FAILED
    _emit(stream, tr("All {total} checks passed.").format(total=len(results)))
    return EXIT_ALL_PASSED


def _emit(stream: TextIO, line: str) -> None:
    # Flush each line, so that the lines before a hard crash in a native library are not lost.
    print(line, file=stream, flush=True)


def _use_headless_qt() -> None:
    """Select Qt's offscreen platform unless the caller chose one, so the checks run without a display."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _run_check(name: str, check: Callable[[], str]) -> CheckResult:
    try:
        return CheckResult(name, True, check())
    except CheckFailed as exc:
        return CheckResult(name, False, str(exc))
    except Exception as exc:  # noqa: BLE001 - any fault in a part is that check's FAIL line
        where = traceback.extract_tb(exc.__traceback__)[-1]
        origin = f"{Path(where.filename).name}:{where.lineno}"
        return CheckResult(name, False, f"{exc.__class__.__name__}: {exc} (at {origin})")


# ---------------------------------------------------------------------------------------------------------
# Python modules


def check_modules() -> str:
    """Import every submodule of the station's packages and list the ones that fail."""
    imported = 0
    failures = []
    for package_name in PACKAGES:
        try:
            package = import_module(package_name)
        except Exception as exc:  # noqa: BLE001
            failures.append(f"{package_name} ({exc.__class__.__name__}: {exc})")
            continue
        imported += 1
        for module_name in _submodule_names(package):
            try:
                import_module(module_name)
            except Exception as exc:  # noqa: BLE001 - report every broken module, not only the first
                failures.append(f"{module_name} ({exc.__class__.__name__}: {exc})")
            else:
                imported += 1
    if failures:
        raise CheckFailed(f"{len(failures)} module(s) failed to import: " + "; ".join(failures))
    return f"{imported} modules of {', '.join(PACKAGES)} imported"


def _submodule_names(package: Any) -> Iterator[str]:
    def ignore_error(name: str) -> None:
        # walk_packages calls this when a subpackage fails to import; the import loop reports it.
        return None

    for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".", onerror=ignore_error):
        if info.name.rsplit(".", 1)[-1] != "__main__":
            yield info.name


# ---------------------------------------------------------------------------------------------------------
# Decoders and the sample image


def check_zxing_cpp() -> str:
    """Write an EAN-13 and a GS1 DataMatrix with zxing-cpp and read both back."""
    import numpy as np
    import zxingcpp

    cases: tuple[tuple[str, zxingcpp.BarcodeFormat, dict[str, bool]], ...] = (
        (SAMPLE_EAN13, zxingcpp.BarcodeFormat.EAN13, {}),
        (SAMPLE_DATAMATRIX, zxingcpp.BarcodeFormat.DataMatrix, {"gs1": True}),
    )
    for text, barcode_format, options in cases:
        barcode = zxingcpp.create_barcode(text, barcode_format, **options)
        image = np.asarray(zxingcpp.write_barcode_to_image(barcode, scale=3))
        read = [code.text for code in zxingcpp.read_barcodes(image, formats=barcode_format)]
        if read != [text]:
            raise CheckFailed(f"wrote {barcode_format.name} {text!r} but read back {read!r}")
    return f"zxing-cpp {_distribution_version('zxing-cpp')} wrote and read EAN-13 and DataMatrix"


def check_pyzbar() -> str:
    """Decode an EAN-13 written by zxing-cpp with pyzbar, which loads the zbar library."""
    import numpy as np
    import zxingcpp
    from pyzbar import pyzbar

    barcode = zxingcpp.create_barcode(SAMPLE_EAN13, zxingcpp.BarcodeFormat.EAN13)
    image = np.asarray(zxingcpp.write_barcode_to_image(barcode, scale=3))
    read = [symbol.data.decode("ascii") for symbol in pyzbar.decode(image, symbols=[pyzbar.ZBarSymbol.EAN13])]
    if read != [SAMPLE_EAN13]:
        raise CheckFailed(f"expected EAN-13 {SAMPLE_EAN13!r}, read {read!r}")
    return f"pyzbar read EAN-13 with zbar from {_zbar_library_name()}"


def _zbar_library_name() -> str:
    from pyzbar import pyzbar

    libraries = getattr(pyzbar, "EXTERNAL_DEPENDENCIES", [])
    names = [str(getattr(library, "_name", library)) for library in libraries]
    return ", ".join(names) or "an unknown path"


def check_opencv() -> str:
    """Load the sample image with OpenCV, which checks that its native libraries load."""
    import cv2

    image = _read_sample_image()
    height, width = image.shape[:2]
    return f"OpenCV {cv2.__version__} read {'/'.join(SAMPLE_IMAGE)} ({width}x{height})"


def check_sample_image() -> str:
    """Decode the bundled sample image with both decoders: zxing-cpp reads both codes, zbar the EAN-13."""
    import zxingcpp
    from pyzbar import pyzbar

    image = _read_sample_image()
    zxing_texts = sorted(code.text for code in zxingcpp.read_barcodes(image))
    expected = sorted([SAMPLE_EAN13, SAMPLE_DATAMATRIX])
    if zxing_texts != expected:
        raise CheckFailed(f"zxing-cpp read {zxing_texts!r}, expected {expected!r}")
    zbar_texts = [symbol.data.decode("ascii") for symbol in pyzbar.decode(image, symbols=[pyzbar.ZBarSymbol.EAN13])]
    if zbar_texts != [SAMPLE_EAN13]:
        raise CheckFailed(f"pyzbar read {zbar_texts!r}, expected [{SAMPLE_EAN13!r}]")
    return "zxing-cpp read EAN-13 and DataMatrix, pyzbar read EAN-13"


def check_station_decoder() -> str:
    """Decode the sample image through the station's own entry point, ``station.camera.decode_image``."""
    from station.camera import decode_image

    codes = decode_image(_read_sample_image())
    found = {(code.format, code.text, code.symbology) for code in codes}
    expected = {
        ("EAN13", SAMPLE_EAN13, "]E0"),
        # As a scanner types it: AIs without parentheses, and no GS because (17) has a fixed length.
        ("DataMatrix", SAMPLE_DATAMATRIX_SCANNED, "]d2"),
    }
    if found != expected:
        raise CheckFailed(f"decode_image returned {sorted(found)!r}, expected {sorted(expected)!r}")
    return "decode_image read EAN-13 ]E0 and GS1 DataMatrix ]d2"


def _read_sample_image() -> Any:
    import cv2

    path = resource_path(*SAMPLE_IMAGE)
    if not path.is_file():
        raise CheckFailed(f"sample image missing: {path}")
    image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if image is None:
        raise CheckFailed(f"OpenCV could not read the sample image {path}")
    return image


# ---------------------------------------------------------------------------------------------------------
# Storage


def check_ledger() -> str:
    """Open the station's ledger in a temporary folder; without station.ledger.store, check SQLite WAL."""
    try:
        from station.ledger.store import Ledger  # type: ignore[import-not-found]
    except ImportError as exc:
        if exc.name not in ("station.ledger", "station.ledger.store"):
            raise
        return "station.ledger.store is missing, so only SQLite was checked: " + check_sqlite_wal()

    # ignore_cleanup_errors: on Windows an open SQLite file cannot be deleted, which is not this check's fault.
    with tempfile.TemporaryDirectory(prefix="scan-station-selftest-", ignore_cleanup_errors=True) as folder:
        path = Path(folder) / "ledger.sqlite3"
        ledger = Ledger(path)
        try:
            if not path.exists():
                raise CheckFailed(f"Ledger({path.name!r}) created no database file")
        finally:
            close = getattr(ledger, "close", None)
            if callable(close):
                close()
    return "Ledger opened a new database in a temporary folder"


def check_sqlite_wal() -> str:
    """Create a database in WAL mode, write a row and read it back from a second connection."""
    with tempfile.TemporaryDirectory(prefix="scan-station-selftest-", ignore_cleanup_errors=True) as folder:
        path = Path(folder) / "wal-check.sqlite3"
        writer = sqlite3.connect(path)
        try:
            mode = writer.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise CheckFailed(f"SQLite did not switch to WAL mode; the journal mode is {mode!r}")
            writer.execute("CREATE TABLE probe (value TEXT)")
            writer.execute("INSERT INTO probe VALUES ('written')")
            writer.commit()
            reader = sqlite3.connect(path)
            try:
                row = reader.execute("SELECT value FROM probe").fetchone()
            finally:
                reader.close()
        finally:
            writer.close()
    if row != ("written",):
        raise CheckFailed(f"a second connection read {row!r} instead of the committed row")
    return f"SQLite {sqlite3.sqlite_version} wrote and read in WAL mode"


# ---------------------------------------------------------------------------------------------------------
# Qt and resources


def check_qt() -> str:
    """Start a headless QApplication and report its platform plugin."""
    app = _qt_application()
    from PySide6 import QtCore

    platform = app.platformName()
    if not platform:
        raise CheckFailed("QApplication started without a platform plugin")
    return f"Qt {QtCore.qVersion()} (PySide6) started with the {platform!r} platform plugin"


def check_qt_plugins() -> str:
    """Check the image format plugins that load icons, and that the native platform plugin is present."""
    _qt_application()
    from PySide6.QtCore import QLibraryInfo
    from PySide6.QtGui import QImageReader

    formats = {bytes(name.data()).decode() for name in QImageReader.supportedImageFormats()}
    missing_formats = sorted({"png", "svg", "jpg", "ico"} - formats)
    if missing_formats:
        raise CheckFailed(f"Qt image format plugins missing for {', '.join(missing_formats)}")

    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    native = _native_platform_plugin()
    found = sorted(path.name for path in (plugins / "platforms").glob(native + "*"))
    if not found:
        raise CheckFailed(f"native platform plugin {native}* not found in {plugins / 'platforms'}")
    return f"image formats png, svg, jpg, ico; native platform plugin {found[0]}"


def _native_platform_plugin() -> str:
    if sys.platform.startswith("win"):
        return "qwindows"
    if sys.platform == "darwin":
        return "libqcocoa"
    return "libqxcb"


def check_resources() -> str:
    """Load every file under resources/ by its kind and list the ones that do not load."""
    root = resources_root()
    if not root.is_dir():
        raise CheckFailed(f"resources folder not found: {root}")
    files = sorted(path for path in root.rglob("*") if path.is_file())
    if not files:
        raise CheckFailed(f"resources folder is empty: {root}")

    counts: dict[str, int] = {}
    failures = []
    for path in files:
        kind, loader = _resource_loader(path)
        try:
            loader(path)
        except Exception as exc:  # noqa: BLE001 - list every file that fails, not only the first
            failures.append(f"{path.relative_to(root).as_posix()} ({exc})")
        else:
            counts[kind] = counts.get(kind, 0) + 1
    if failures:
        raise CheckFailed(f"{len(failures)} of {len(files)} files failed to load: " + "; ".join(failures))
    loaded = ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))
    return f"{len(files)} files loaded ({loaded})"


def _resource_loader(path: Path) -> tuple[str, Callable[[Path], None]]:
    suffix = path.suffix.lower()
    if suffix in SVG_SUFFIXES:
        return "SVG", _load_svg
    if suffix in RASTER_SUFFIXES:
        return "image", _load_raster_image
    if suffix in SOUND_SUFFIXES:
        return "sound", _load_wave
    if suffix in STYLE_SUFFIXES:
        return "style sheet", _load_text
    if suffix in JSON_SUFFIXES:
        return "JSON", _load_json
    if suffix in TRANSLATION_SUFFIXES:
        return "translation", _load_translation
    if suffix in FONT_SUFFIXES:
        return "font", _load_font
    return "other", _load_bytes


def _load_svg(path: Path) -> None:
    _qt_application()
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(path))
    if not renderer.isValid():
        raise CheckFailed("QSvgRenderer rejected the file")
    image = QImage(64, 64, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    try:
        renderer.render(painter)
    finally:
        painter.end()
    # In premultiplied ARGB every fully transparent pixel is four zero bytes.
    if not any(bytes(image.constBits())):
        raise CheckFailed("rendered no visible pixel at 64x64")


def _load_raster_image(path: Path) -> None:
    _qt_application()
    from PySide6.QtGui import QImageReader

    reader = QImageReader(str(path))
    if reader.read().isNull():
        raise CheckFailed(f"Qt could not read the image: {reader.errorString()}")


def _load_wave(path: Path) -> None:
    with wave.open(str(path), "rb") as sound:
        if sound.getnframes() == 0:
            raise CheckFailed("the sound has no frames")
        sound.readframes(sound.getnframes())


def _load_text(path: Path) -> None:
    path.read_text(encoding="utf-8")


def _load_json(path: Path) -> None:
    json.loads(path.read_text(encoding="utf-8"))


def _load_translation(path: Path) -> None:
    _qt_application()
    from PySide6.QtCore import QTranslator

    if not QTranslator().load(str(path)):
        raise CheckFailed("QTranslator could not load the file")


def _load_font(path: Path) -> None:
    _qt_application()
    from PySide6.QtGui import QFontDatabase

    if QFontDatabase.addApplicationFont(str(path)) < 0:
        raise CheckFailed("QFontDatabase rejected the font")


def _load_bytes(path: Path) -> None:
    if not path.read_bytes():
        raise CheckFailed("the file is empty")


def _qt_application() -> Any:
    """Return the running QApplication, creating one if there is none.

    A QApplication (not a QGuiApplication) is created, so that widgets can still be made in the same
    process afterwards, as pytest-qt does when the self-test runs inside a test session.
    """
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(["scan-station", "--self-test"])
    return app


def _distribution_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "(version unknown)"


# Qt-free checks run first, so that their lines are printed even if a Qt library crashes the process.
# The module check comes last because it imports the ui package and with it Qt.
CHECKS: tuple[tuple[str, Callable[[], str]], ...] = (
    ("sqlite", check_sqlite_wal),
    ("ledger", check_ledger),
    ("zxing-cpp", check_zxing_cpp),
    ("pyzbar", check_pyzbar),
    ("opencv", check_opencv),
    ("sample-image", check_sample_image),
    ("station-decoder", check_station_decoder),
    ("qt", check_qt),
    ("qt-plugins", check_qt_plugins),
    ("resources", check_resources),
    ("modules", check_modules),
)
