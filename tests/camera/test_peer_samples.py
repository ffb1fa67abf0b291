"""The image pipeline against real barcode photos: at least as many reads as zxing-cpp or pyzbar alone.

The expected counts come from the table in the samples' README ("zxing-cpp or pyzbar" column), so the
test follows that table when it changes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from station.camera import decode_image
from station.camera.decoded import EAN_UPC_FORMATS, DecodedCode, gtin14
from tests.conftest import PEER_SAMPLES

IMAGES = PEER_SAMPLES / "zxing-cpp"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp"}


def read_expected_counts() -> dict[str, int]:
    """Return {folder: images the pipeline must read} from the README's markdown table."""
    counts = {}
    lines = (PEER_SAMPLES / "README.md").read_text(encoding="utf-8").splitlines()
    rows = [line for line in lines if line.startswith("|") and not line.startswith("|---")]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    assert header[0] == "folder", header
    assert header[-1] == "zxing-cpp or pyzbar", header
    for row in rows[1:]:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        numbers = [int(n) for n in re.findall(r"\d+", cells[-1])]
        # "29 (+1 binary)" counts the binary image too: 30 in all.
        counts[cells[0]] = sum(numbers)
    return counts


EXPECTED = read_expected_counts()


def image_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


def is_expected_read(code: DecodedCode, image: Path, folder: str) -> bool:
    binary = image.with_suffix(".bin")
    if binary.exists():
        return code.data == binary.read_bytes()
    expected = image.with_suffix(".txt").read_bytes().decode("utf-8")
    if code.format in EAN_UPC_FORMATS and folder.split("-")[0] in ("ean13", "ean8", "upca", "upce"):
        return gtin14(code.text, code.format) == gtin14(expected)
    return code.text == expected


def test_readme_table_parsed():
    assert EXPECTED["datamatrix-1"] == 30
    assert EXPECTED["upca-2"] == 18
    assert EXPECTED["falsepositives-2"] == 0


@pytest.mark.parametrize("folder", sorted(name for name in EXPECTED if not name.startswith("falsepositives")))
def test_folder_reads_at_least_union(folder):
    images = image_files(IMAGES / folder)
    assert images, f"no images in {IMAGES / folder}"

    correct = [image.name for image in images if any(is_expected_read(c, image, folder) for c in decode_image(image))]

    assert len(correct) >= EXPECTED[folder], f"{folder}: read {sorted(correct)}"


@pytest.mark.parametrize("folder", sorted(name for name in EXPECTED if name.startswith("falsepositives")))
def test_no_codes_in_false_positive_images(folder):
    images = image_files(IMAGES / folder)
    assert len(images) >= 20

    misreads = {image.name: [(c.format, c.text) for c in decode_image(image)] for image in images}

    assert {name: codes for name, codes in misreads.items() if codes} == {}


def test_upc_a_reported_in_scanner_form():
    # zxing-cpp 3.1 reports UPC-A as a 13-digit EAN-13; the station reports what a scanner sends.
    image = next(p for p in image_files(IMAGES / "upca-1") if p.with_suffix(".txt").exists())
    codes = decode_image(image)

    assert codes, image
    assert codes[0].format == "UPCA"
    assert len(codes[0].text) == 12
    assert codes[0].symbology == "]E0"


def test_binary_datamatrix_keeps_bytes():
    image = IMAGES / "datamatrix-1" / "eci-mixed.png"
    codes = decode_image(image)

    assert [c.data for c in codes] == [image.with_suffix(".bin").read_bytes()]
    assert codes[0].text == ""
    assert codes[0].is_binary
