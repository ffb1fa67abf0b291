"""``scan-station lookup`` against ``scan-station sandbox`` running as its own process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from station.sandbox import seed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def sandbox_process(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sandbox-process")
    port = free_port()
    output = open(folder / "sandbox.log", "w")  # noqa: SIM115 - closed after the process ends
    process = subprocess.Popen(
        [sys.executable, "-m", "station.cli", "sandbox", "--port", str(port), "--db", str(folder / "s.sqlite3")],
        stdout=output, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/docs", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=15)
    output.close()


def run_cli(url: str, *args: str, data_dir) -> subprocess.CompletedProcess:
    env = dict(os.environ, BLEND_API_URL=url, BLEND_EMAIL=seed.DEMO_EMAIL, BLEND_PASSWORD=seed.DEMO_PASSWORD,
               SCAN_STATION_DATA_DIR=str(data_dir))
    return subprocess.run([sys.executable, "-m", "station.cli", *args], env=env, capture_output=True, text=True,
                          timeout=60)


@pytest.mark.parametrize("code", ["7-12345-67890-4", "712345678904", "0712345678904", "00712345678904"])
def test_lookup_upc_forms_give_same_lot(sandbox_process, tmp_path, code):
    result = run_cli(sandbox_process, "lookup", code, data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    lots = json.loads(result.stdout)
    assert [lot["id"] for lot in lots] == [seed.LOT_MUPIROCIN_ID]
    assert lots[0]["upc"] == "7-12345-67890-4"
    assert lots[0]["current_quantity"] >= 0


def test_lookup_unknown_code_prints_empty(sandbox_process, tmp_path):
    result = run_cli(sandbox_process, "lookup", "036000291452", data_dir=tmp_path)
    assert result.returncode == 1
    assert json.loads(result.stdout) == []
    assert "036000291452" in result.stderr


def test_lookup_two_lots_first_expiring_first(sandbox_process, tmp_path):
    result = run_cli(sandbox_process, "lookup", "842135001022", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    lots = json.loads(result.stdout)
    assert [lot["id"] for lot in lots] == [seed.LOT_EXPIRING_SOON_ID, seed.LOT_SEMAGLUTIDE_ID]


def test_lookup_bad_password_exits_2(sandbox_process, tmp_path):
    result = run_cli(sandbox_process, "lookup", "712345678904", "--password", "wrong", data_dir=tmp_path)
    assert result.returncode == 2
    assert "sign-in" in result.stderr
    assert "wrong" not in result.stderr


def test_lookup_unreachable_api_exits_2(tmp_path):
    result = run_cli(f"http://127.0.0.1:{free_port()}", "lookup", "712345678904", data_dir=tmp_path)
    assert result.returncode == 2
    assert "unreachable" in result.stderr


def test_lookup_missing_credentials_exits_2(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("BLEND_")}
    result = subprocess.run([sys.executable, "-m", "station.cli", "lookup", "712345678904"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "--api" in result.stderr
