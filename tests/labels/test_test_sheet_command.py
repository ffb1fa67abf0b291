"""``scan-station test-sheet``: writes a PDF, and names the path when it cannot."""

from __future__ import annotations

import sys

import pytest

from station import cli


def test_command_writes_pdf(tmp_path, capsys):
    out = tmp_path / "s.pdf"
    code = cli.main(["test-sheet", "--out", str(out)])

    assert code == 0
    assert out.read_bytes().startswith(b"%PDF-")
    assert str(out) in capsys.readouterr().out


def test_command_missing_folder(tmp_path, capsys):
    out = tmp_path / "no-such-folder" / "s.pdf"
    code = cli.main(["test-sheet", "--out", str(out)])

    assert code == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert str(tmp_path / "no-such-folder") in err
    assert "does not exist" in err


def test_command_out_is_folder(tmp_path, capsys):
    code = cli.main(["test-sheet", "--out", str(tmp_path)])

    assert code == 2
    assert str(tmp_path) in capsys.readouterr().err


def test_command_requires_out(capsys):
    try:
        cli.main(["test-sheet"])
    except SystemExit as exc:
        assert exc.code == 2
    else:
        raise AssertionError("test-sheet without --out did not exit")
    assert "--out" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["", " "])
def test_command_blank_out_named(value, capsys):
    code = cli.main(["test-sheet", "--out", value])
    err = capsys.readouterr().err

    assert code == 2
    assert f"invalid --out {value!r}: the file name is blank" in err
    assert "--out test-sheet.pdf" in err
    assert "cannot write ." not in err


def test_command_relative_folder_named(tmp_path, monkeypatch, capsys):
    (tmp_path / "adir").mkdir()
    monkeypatch.chdir(tmp_path)
    code = cli.main(["test-sheet", "--out", "adir"])
    err = capsys.readouterr().err

    assert code == 2
    assert "invalid --out 'adir': it is a folder" in err
    assert "--out adir/test-sheet.pdf" in err.replace("\\", "/")


def test_command_parent_is_file(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    out = blocker / "s.pdf"
    code = cli.main(["test-sheet", "--out", str(out)])
    err = capsys.readouterr().err

    assert code == 2
    assert f"{blocker} is a file, not a folder" in err
    assert "Choose another --out" in err


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc, where no file can be created")
def test_command_unwritable_folder_gives_fix(capsys):
    code = cli.main(["test-sheet", "--out", "/proc/sheet.pdf"])
    err = capsys.readouterr().err

    assert code == 2
    assert "cannot write /proc/sheet.pdf" in err
    assert "Choose another --out in a folder you can write to" in err
    assert "Traceback" not in err
