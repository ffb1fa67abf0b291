"""``scan-station decode``: JSON lines per file, exit codes, readable output."""

from __future__ import annotations

import argparse
import base64
import json

import pytest

from station.commands import decode
from tests.conftest import PEER_SAMPLES

IMAGES = PEER_SAMPLES / "zxing-cpp"


def run_decode(argv: list[str]) -> int:
    # Only the decode subcommand is registered, so the test does not depend on the other commands.
    parser = argparse.ArgumentParser(prog="scan-station")
    decode.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["decode", *argv])
    return args.func(args)


def json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


def test_json_line_per_file(capsys):
    code128 = IMAGES / "code128-1" / "1.png"
    empty = IMAGES / "falsepositives-2" / "01.webp"

    exit_code = run_decode([str(code128), str(empty), "--json"])

    lines = json_lines(capsys.readouterr().out)
    assert exit_code == 0
    assert [line["file"] for line in lines] == [str(code128), str(empty)]
    assert [code["text"] for code in lines[0]["codes"]] == [(code128.with_suffix(".txt")).read_text()]
    assert lines[0]["codes"][0]["format"] == "Code128"
    assert lines[0]["error"] is None
    assert lines[1]["codes"] == []
    assert lines[1]["error"] is None


def test_missing_file_exits_2(tmp_path, capsys):
    present = IMAGES / "ean8-1" / "1.png"
    missing = tmp_path / "missing.png"

    exit_code = run_decode([str(missing), str(present), "--json"])

    lines = json_lines(capsys.readouterr().out)
    assert exit_code == 2
    assert lines[0]["codes"] == []
    assert str(missing) in lines[0]["error"]
    assert "not found" in lines[0]["error"]
    assert lines[1]["error"] is None
    assert lines[1]["codes"], "the file after the missing one is still decoded"


def test_not_an_image_exits_2(tmp_path, capsys):
    text_file = tmp_path / "notes.png"
    text_file.write_text("not an image", encoding="utf-8")

    exit_code = run_decode([str(text_file), "--json"])

    line = json_lines(capsys.readouterr().out)[0]
    assert exit_code == 2
    assert "not an image" in line["error"]


def test_binary_content_as_base64(capsys):
    image = IMAGES / "datamatrix-1" / "eci-mixed.png"

    run_decode([str(image), "--json"])

    code = json_lines(capsys.readouterr().out)[0]["codes"][0]
    assert code["text"] == ""
    assert base64.b64decode(code["data_base64"]) == image.with_suffix(".bin").read_bytes()


def test_gs1_text_keeps_group_separator(tmp_path, capsys):
    import cv2
    import numpy as np
    import zxingcpp

    barcode = zxingcpp.create_barcode("(01)00712345678904(10)ABC12(17)261231", zxingcpp.BarcodeFormat.DataMatrix,
                                      gs1=True)
    path = tmp_path / "gs1.png"
    cv2.imwrite(str(path), np.array(zxingcpp.write_barcode_to_image(barcode, scale=6)))

    run_decode([str(path), "--json"])

    code = json_lines(capsys.readouterr().out)[0]["codes"][0]
    assert code["text"] == "0100712345678904" "10ABC12\x1d17261231"
    assert code["symbology"] == "]d2"
    try:
        import station.codes as codes

        has_parser = hasattr(codes, "parse_scan")
    except ImportError:
        has_parser = False
    if has_parser:
        assert code["gtin14"] == "00712345678904"
        assert code["lot"] == "ABC12"


def test_readable_output(capsys):
    image = IMAGES / "ean8-1" / "1.png"

    exit_code = run_decode([str(image)])

    out = capsys.readouterr().out
    assert exit_code == 0
    assert out.startswith(f"{image}: EAN8 ]E4 ")
    assert out.strip().endswith(image.with_suffix(".txt").read_text().strip())


@pytest.mark.parametrize("argv", [[], ["--json"]])
def test_requires_a_file(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        run_decode(argv)
    assert exit_info.value.code == 2


def test_decode_oversized_image_keeps_going(tmp_path, capsys):
    """A PNG header that claims 60,000 x 60,000 pixels is an error for that file only."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    huge = tmp_path / "huge.png"
    huge.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 60000, 60000, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(b"\0" * 100)) + chunk(b"IEND", b""))
    blank = tmp_path / "blank.png"
    import cv2
    import numpy as np

    cv2.imwrite(str(blank), np.full((50, 50), 255, dtype=np.uint8))
    from station.cli import main

    code = main(["decode", "--json", str(huge), str(blank)])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 2
    assert [line["file"] for line in lines] == [str(huge), str(blank)]
    assert "too large" in lines[0]["error"]
    assert lines[1]["error"] is None
    assert lines[1]["codes"] == []
