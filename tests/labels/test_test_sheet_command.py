"""``scan-station test-sheet``: writes a PDF, and names the path when it cannot."""

from __future__ import annotations

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
