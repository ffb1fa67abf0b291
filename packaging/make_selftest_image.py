"""Write resources/samples/selftest.png: the EAN-13 and the GS1 DataMatrix that ``--self-test`` decodes.

Run it again only when the codes in station/selftest.py change: ``python packaging/make_selftest_image.py``.
The image is written with zxing-cpp's writer, so it needs no font or drawing library.
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np
import zxingcpp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from station.selftest import SAMPLE_DATAMATRIX, SAMPLE_EAN13, SAMPLE_IMAGE  # noqa: E402

MAX_BYTES = 20_000
MARGIN = 16  # white pixels around and between the codes, beyond each code's own quiet zone


def render(text: str, barcode_format: zxingcpp.BarcodeFormat, scale: int, **options: bool) -> np.ndarray:
    barcode = zxingcpp.create_barcode(text, barcode_format, **options)
    return np.asarray(zxingcpp.write_barcode_to_image(barcode, scale=scale))


def compose(images: list[np.ndarray]) -> np.ndarray:
    """Place the images side by side on white, centred vertically."""
    height = max(image.shape[0] for image in images) + 2 * MARGIN
    width = sum(image.shape[1] for image in images) + MARGIN * (len(images) + 1)
    canvas = np.full((height, width), 255, dtype=np.uint8)
    x = MARGIN
    for image in images:
        y = (height - image.shape[0]) // 2
        canvas[y : y + image.shape[0], x : x + image.shape[1]] = image
        x += image.shape[1] + MARGIN
    return canvas


def main() -> int:
    ean13 = render(SAMPLE_EAN13, zxingcpp.BarcodeFormat.EAN13, scale=2)
    datamatrix = render(SAMPLE_DATAMATRIX, zxingcpp.BarcodeFormat.DataMatrix, scale=4, gs1=True)
    canvas = compose([ean13, datamatrix])

    read = sorted(code.text for code in zxingcpp.read_barcodes(canvas))
    expected = sorted([SAMPLE_EAN13, SAMPLE_DATAMATRIX])
    if read != expected:
        print(f"error: the composed image reads as {read!r}, expected {expected!r}", file=sys.stderr)
        return 1

    path = ROOT / "resources" / Path(*SAMPLE_IMAGE)
    path.parent.mkdir(parents=True, exist_ok=True)
    ok, encoded = cv2.imencode(".png", canvas, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    if not ok:
        print("error: OpenCV failed to encode the PNG", file=sys.stderr)
        return 1
    if len(encoded) > MAX_BYTES:
        print(f"error: the PNG has {len(encoded)} bytes, more than the limit of {MAX_BYTES}", file=sys.stderr)
        return 1
    path.write_bytes(encoded.tobytes())
    print(f"wrote {path.relative_to(ROOT)} ({canvas.shape[1]}x{canvas.shape[0]}, {len(encoded)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
