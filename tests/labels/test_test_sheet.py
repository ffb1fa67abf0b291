"""The printable test sheet: every code decodes back to what it encodes, on its own and on the pages."""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pytest
import zxingcpp
from PIL import Image

from station.labels.render import render_code
from station.labels.sheet_codes import GS, SHEET_CODES, sheet_code
from station.labels.test_sheet import DPI, PAGE_SIZE, render_pages, write_test_sheet

# What zxing-cpp 3.1.1 returns for each sheet code in TextMode.Plain. It reports UPC-A with a leading 0
# and UPC-E expanded to 13 digits, as the AIM identifier ]E0 prescribes.
DECODED = {
    "upc-a": ("0712345678904", "]E0"),
    "upc-e": ("0042100005264", "]E0"),
    "ean-13": ("4006381333931", "]E0"),
    "ean-8": ("96385074", "]E4"),
    "gs1-128": (f"011036630230001710A7b-2{GS}1727063021SN0042", "]C1"),
    "gs1-datamatrix": (f"010950600013435210Lot.x/2024-0017{GS}21a1B2c3{GS}17280229", "]d2"),
    "code-128-text": ("Qa7-Zy/Mw.x_3", "]C0"),
}


def _decode(image, barcode_format=None) -> list[zxingcpp.Barcode]:
    formats = zxingcpp.BarcodeFormat.All
    if barcode_format:
        formats = getattr(zxingcpp.BarcodeFormat, barcode_format)
    return zxingcpp.read_barcodes(image, formats=formats, text_mode=zxingcpp.TextMode.Plain)


def test_sheet_covers_required_symbologies():
    names = {code.name for code in SHEET_CODES}
    assert {"UPC-A", "UPC-E", "EAN-13", "EAN-8", "GS1-128", "GS1 DataMatrix", "Code 128"} <= names
    assert set(DECODED) == {code.key for code in SHEET_CODES}


def test_sheet_gs1_codes_need_gs():
    # Each GS1 code has a variable-length lot followed by another field, so a lost GS shows.
    for key in ("gs1-128", "gs1-datamatrix"):
        code = sheet_code(key)
        assert GS in code.expected_text
        assert not code.expected_text.endswith(GS)


def test_sheet_code_lookup_unknown_key():
    with pytest.raises(KeyError):
        sheet_code("qr-code")


@pytest.mark.parametrize("code", SHEET_CODES, ids=lambda code: code.key)
def test_rendered_code_decodes_back(code):
    image = render_code(code)
    results = _decode(image, code.barcode_format)

    assert len(results) == 1
    text, aim = DECODED[code.key]
    assert results[0].text == text
    assert results[0].symbology_identifier == aim
    assert results[0].symbology_identifier in code.aim_identifiers


@pytest.mark.parametrize("code", SHEET_CODES, ids=lambda code: code.key)
def test_decoded_text_matches_expected_text(code):
    # The expected text is what a correct scanner sends, which for UPC and EAN may drop the
    # leading zeros that zxing-cpp adds.
    decoded = _decode(render_code(code), code.barcode_format)[0].text
    if code.key == "upc-e":
        assert decoded == "0" + "042100005264"
        assert code.expected_text == "04252614"
    else:
        assert decoded.lstrip("0") == code.expected_text.lstrip("0")
        assert len(code.expected_text) <= len(decoded)


def test_render_code_keeps_whole_modules():
    code = sheet_code("gs1-datamatrix")
    image_8 = render_code(code)
    image_4 = render_code(code, scale=4)
    assert image_8.size == (image_4.width * 2, image_4.height * 2)
    assert set(np.unique(np.asarray(image_8)).tolist()) == {0, 255}


def test_pages_are_letter_and_decode():
    pages = render_pages()

    assert len(pages) >= 1
    assert all(page.size == PAGE_SIZE == (2550, 3300) for page in pages)
    assert all(page.mode == "1" for page in pages)
    found = {}
    for page in pages:
        for result in _decode(page.convert("L")):
            found[result.text] = result.symbology_identifier
    for key, (text, aim) in DECODED.items():
        assert found.get(text) == aim, f"{key} not decoded from the pages"


def test_write_pdf(tmp_path):
    out = tmp_path / "sheet.pdf"
    count = write_test_sheet(out)

    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert count == len(render_pages())
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == count
    # Lossless bilevel images: JPEG (DCTDecode) would blur the bar edges.
    assert b"/CCITTFaxDecode" in data
    assert b"/DCTDecode" not in data


def test_pdf_rasterizes_and_decodes(tmp_path):
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed; test_pages_are_letter_and_decode "
                    "decodes the page images instead")
    out = tmp_path / "sheet.pdf"
    write_test_sheet(out)
    subprocess.run([pdftoppm, "-r", str(DPI), "-gray", "-png", str(out), str(tmp_path / "page")],
                   check=True, timeout=120)
    found = set()
    for png in sorted(tmp_path.glob("page*.png")):
        with Image.open(png) as page:
            assert page.size == PAGE_SIZE
            found |= {result.text for result in _decode(page.convert("L"))}
    assert {text for text, _ in DECODED.values()} <= found
