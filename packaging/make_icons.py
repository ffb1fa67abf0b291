"""Render resources/icons/app.svg into app.png, app.ico (Windows) and build/icons/app.icns (macOS).

Qt's SVG renderer draws each size, so small sizes are rasterised from the vector drawing rather than
scaled down from one bitmap. Pillow writes the ICO and ICNS containers. The ICNS file (about 50 KB) is
written to build/ and not committed. packaging/build.py runs this script before every build.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "resources" / "icons"
SOURCE = ICONS / "app.svg"
ICNS_PATH = ROOT / "build" / "icons" / "app.icns"

ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# Pillow's ICNS writer needs the 1024 px image for the 512 px @2x entry, else it scales one up.
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render_png(size: int) -> Image.Image:
    """Render the SVG at size x size pixels and return it as an RGBA Pillow image."""
    from PySide6.QtCore import QBuffer, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"error: Qt could not parse {SOURCE}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(buffer.data()))).convert("RGBA")


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(["make_icons"])  # noqa: F841 - QPainter needs it

    largest = render_png(max(ICNS_SIZES))
    render_png(256).save(ICONS / "app.png", optimize=True)
    # Pillow builds each ICO entry from the largest image, so render the large one and list the sizes.
    render_png(256).save(ICONS / "app.ico", sizes=[(size, size) for size in ICO_SIZES])
    ICNS_PATH.parent.mkdir(parents=True, exist_ok=True)
    largest.save(ICNS_PATH, append_images=[render_png(size) for size in ICNS_SIZES[:-1]])
    for path in (ICONS / "app.png", ICONS / "app.ico", ICNS_PATH):
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
