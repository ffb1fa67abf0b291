"""Render sheet codes to images with the zxing-cpp 3.1 writer.

python-barcode has no UPC-E or DataMatrix writer, so every code on the sheet goes through zxing-cpp's
``create_barcode``, which writes all of them, GS1 included.
"""

from __future__ import annotations

import numpy as np
import zxingcpp
from PIL import Image

from station.labels.sheet_codes import SheetCode


def create_symbol(code: SheetCode) -> zxingcpp.Barcode:
    """Encode ``code`` and return the zxing-cpp symbol. Raise ValueError if zxing-cpp rejects the content.

    GS1 codes are created with ``gs1=True``, which reads the bracketed AIs and puts FNC1 where a
    variable-length field ends. NOTE: zxing-cpp 3.1.1 ignores keyword options it does not know, so a
    misspelt option fails silently. The sheet tests check each symbol by decoding it.
    """
    barcode_format = getattr(zxingcpp.BarcodeFormat, code.barcode_format)
    options = {"gs1": True} if code.gs1 else {}
    try:
        return zxingcpp.create_barcode(code.content, barcode_format, **options)
    except ValueError as exc:  # zxing-cpp 3.1.1 raises ValueError("Error 274: Invalid check digit ...")
        raise ValueError(f"cannot encode {code.name} content {code.content!r}: {exc}") from exc


def render_code(code: SheetCode, scale: int | None = None) -> Image.Image:
    """Return ``code`` as an 8-bit grayscale image with quiet zones, ``scale`` pixels per module.

    The default scale is ``code.module_scale``. The image is never resampled, so each module is a
    whole number of pixels.
    """
    symbol = create_symbol(code)
    pixels = np.asarray(symbol.to_image(scale=scale or code.module_scale, add_quiet_zones=True))
    return Image.fromarray(pixels.astype(np.uint8))  # 2-D uint8 becomes mode "L"
