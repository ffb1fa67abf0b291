"""``scan-station sandbox`` as a subprocess: it serves on a free port until interrupted."""

from __future__ import annotations

import os
import signal
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
