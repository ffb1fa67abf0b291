"""``scan-station sandbox`` as a subprocess: it serves on a free port until interrupted."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from station.commands.common import CommandError
from station.commands.sandbox import parse_user
from station.sandbox import seed


def _start(tmp_path, *options: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "station.cli", "sandbox", "--port", "0", "--db", str(tmp_path / "cli.sqlite3"),
         *options],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def _read_banner(process: subprocess.Popen[str]) -> tuple[str, str]:
    """Return the URL and the lines printed up to "Press Ctrl+C"."""
    assert process.stdout is not None
    url, lines = None, []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("Sandbox Blend API"):
            url = line.rsplit(" ", 1)[1].strip()
        if line.startswith("Press Ctrl+C") and url:
            return url, "".join(lines)
    process.kill()
    raise AssertionError(f"no URL printed; stderr: {process.communicate()[1]}")


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT, which Windows delivers differently")
def test_sandbox_command_serves_until_interrupted(tmp_path):
    process = _start(tmp_path, "--user", "tech@pharmacy.test:Counter-Tech-2026")
    try:
        url, banner = _read_banner(process)
        demo = httpx.post(url + "/api/v1/auth/login",
                          json={"email": seed.DEMO_EMAIL, "password": seed.DEMO_PASSWORD}, timeout=10)
        extra = httpx.post(url + "/api/v1/auth/login",
                           json={"email": "tech@pharmacy.test", "password": "Counter-Tech-2026"}, timeout=10)
    finally:
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)

    assert demo.status_code == 200
    assert extra.status_code == 200
    assert process.returncode == 0, stderr
    assert f"{seed.DEMO_EMAIL} / {seed.DEMO_PASSWORD}" in banner
    assert stdout == ""
    assert "stopped" in stderr


@pytest.mark.parametrize(("options", "message"), [
    (["--faults", "error=3"], "invalid --faults"),
    (["--user", "no-colon"], "invalid --user"),
    (["--access-ttl", "0"], "--access-ttl"),
])
def test_sandbox_command_bad_option_exits_2(tmp_path, options, message):
    result = subprocess.run(
        [sys.executable, "-m", "station.cli", "sandbox", "--port", "0", "--db", str(tmp_path / "x.sqlite3"),
         *options], capture_output=True, text=True, timeout=60)

    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "x.sqlite3").exists()


def test_parse_user_splits_at_first_colon():
    assert parse_user("a@b.test:pass:word") == ("a@b.test", "pass:word")
    with pytest.raises(CommandError):
        parse_user("a@b.test:")


@pytest.mark.parametrize(("value", "problem"), [
    (":pw", "the e-mail before the colon is missing"),
    ("a@b:", "the password after the colon is missing"),
    ("abc:pw", "'abc' is not an e-mail address"),
    ("no-colon", "there is no colon between the e-mail and the password"),
])
def test_parse_user_names_whole_value(value, problem):
    with pytest.raises(CommandError) as raised:
        parse_user(value)

    message = str(raised.value)
    assert message.startswith(f"invalid --user {value!r}: {problem}.")
    assert "Expected EMAIL:PASSWORD" in message


def _run_sandbox(*options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "station.cli", "sandbox", *options],
                          capture_output=True, text=True, timeout=60)


def test_sandbox_db_missing_folder_not_created(tmp_path):
    db = tmp_path / "missing" / "x.sqlite3"
    result = _run_sandbox("--port", "0", "--db", str(db))

    assert result.returncode == 2
    assert f"invalid --db {str(db)!r}: folder {db.parent} does not exist" in result.stderr
    assert "Create it first" in result.stderr
    assert "Traceback" not in result.stderr
    assert not db.parent.exists()


def test_sandbox_db_not_sqlite_exits_2(tmp_path):
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a database\n", encoding="utf-8")
    result = _run_sandbox("--port", "0", "--db", str(text_file))

    assert result.returncode == 2
    assert f"cannot use {text_file} as the sandbox database (file is not a database)" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert text_file.read_text(encoding="utf-8") == "not a database\n"


@pytest.mark.parametrize("value", ["", " "])
def test_sandbox_db_blank_exits_2(tmp_path, value):
    result = _run_sandbox("--port", "0", "--db", value)

    assert result.returncode == 2
    assert f"invalid --db {value!r}: the file name is blank" in result.stderr


def test_sandbox_db_folder_exits_2(tmp_path):
    result = _run_sandbox("--port", "0", "--db", str(tmp_path))

    assert result.returncode == 2
    assert f"invalid --db {str(tmp_path)!r}: it is a folder" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(sys.platform == "win32", reason="SO_REUSEADDR lets Windows bind a port that is taken")
def test_sandbox_taken_port_writes_nothing(tmp_path):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = _run_sandbox("--port", str(port), "--db", str(tmp_path / "new.sqlite3"))

    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Choose another --port" in result.stderr
    assert list(tmp_path.iterdir()) == []
