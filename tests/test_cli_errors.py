"""Bad options and environments give one clear line on stderr and exit 2, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from station.cli import main


@pytest.mark.parametrize(
    ("api", "expected"),
    [
        ("not a url", "http:// or https://"),
        ("ftp://example.invalid", "http:// or https://"),
        ("http://127.0.0.1:8765/api/v1", "without a path"),
        ("http://127.0.0.1:99999", "invalid API address"),
    ],
)
def test_bad_api_url_named(capsys, api, expected):
    code = main(["lookup", "712345678904", "--api", api, "--email", "a@b.test", "--password", "x"])
    error = capsys.readouterr().err
    assert code == 2
    assert api in error
    assert expected in error
    assert "Traceback" not in error


def test_data_dir_that_is_file(capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code = main(["journal", "--data-dir", str(blocker)])
    error = capsys.readouterr().err
    assert code == 2
    assert str(blocker) in error
    assert "--data-dir" in error


def test_options_before_subcommand_kept(capsys, tmp_path):
    code = main(["--data-dir", str(tmp_path / "chosen"), "journal", "--json"])
    assert code == 0
    assert json.loads(capsys.readouterr().out) == []
    assert (tmp_path / "chosen" / "ledger.sqlite3").exists()


def test_api_before_subcommand_kept(capsys):
    code = main(["--api", "ftp://before.invalid", "--email", "a@b.test", "--password", "x", "lookup", "1"])
    error = capsys.readouterr().err
    assert code == 2
    assert "ftp://before.invalid" in error


def test_closed_pipe_is_not_an_error(tmp_path):
    for number in range(3):
        result = main(["journal", "--data-dir", str(tmp_path)])
        assert result == 0, number
    pipeline = subprocess.run(
        f"{sys.executable} -m station.cli journal --json --data-dir {tmp_path} | head -c 1",
        shell=True, capture_output=True, text=True, timeout=60,
    )
    assert "Traceback" not in pipeline.stderr
    assert "BrokenPipe" not in pipeline.stderr


def test_sign_in_server_error_not_called_unreachable(capsys, tmp_path):
    from station.sandbox.server import SandboxServer

    with SandboxServer(db_path=tmp_path / "s.sqlite3", faults="error=1") as server:
        code = main(["lookup", "712345678904", "--api", server.url, "--email", "demo@scan-station.test",
                     "--password", "x", "--data-dir", str(tmp_path / "d")])
    error = capsys.readouterr().err
    assert code == 2
    assert "unreachable" not in error
    assert "server error" in error
    assert "Nothing was recorded or sent" in error
