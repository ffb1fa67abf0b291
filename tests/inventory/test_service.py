"""InventoryService against the sandbox: reload on a miss, offline without a cache, the cache file."""

from __future__ import annotations

import httpx

from station.blend.client import BlendClient
from station.codes import parse_scan
from station.inventory.index import Outcome
from station.inventory.service import InventoryService
from station.sandbox import seed
from station.sandbox.server import SandboxServer


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def create_lot(sandbox, upc: str, batch: str) -> str:
    with httpx.Client(base_url=sandbox.url, timeout=10) as http:
        login = http.post("/api/v1/auth/login", json={"email": seed.DEMO_EMAIL, "password": seed.DEMO_PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        response = http.post(
            f"/api/v1/products/non_prescription/{seed.PRODUCT_MAGNESIUM_CAPSULES_ID}/inventory",
            headers=headers,
            json={"batch_number": batch, "upc": upc, "current_quantity": 10, "initial_quantity": 10,
                  "unit_type": "each", "units_per_product": 1, "expiration_date": "2030-01-31T00:00:00"},
        )
        response.raise_for_status()
        return response.json()["id"]


def test_miss_reloads_index_for_new_lot(sandbox, tmp_path):
    clock = Clock()
    with BlendClient(sandbox.url) as client:
        client.login(seed.DEMO_EMAIL, seed.DEMO_PASSWORD)
        service = InventoryService(client, tmp_path / "cache.json", clock=clock)
        assert service.resolve(parse_scan("036000291452")).outcome is Outcome.NOT_FOUND

        new_id = create_lot(sandbox, "0-36000-29145-2", "NEW-1")
        clock.now += 5  # a reload moments ago: the miss is trusted
        assert service.resolve(parse_scan("036000291452")).outcome is Outcome.NOT_FOUND
        clock.now += 20
        found = service.resolve(parse_scan("036000291452"))
        assert found.outcome is Outcome.FOUND
        assert found.lot.id == new_id


def test_offline_without_cache_says_so(tmp_path):
    server = SandboxServer(db_path=tmp_path / "sandbox.sqlite3").start()
    with BlendClient(server.url, connect_timeout=1, read_timeout=1) as client:
        client.login(seed.DEMO_EMAIL, seed.DEMO_PASSWORD)
        server.stop()
        service = InventoryService(client, tmp_path / "cache.json")
        result = service.resolve(parse_scan("712345678904"))
    assert result.outcome is Outcome.ERROR
    assert "no saved inventory" in result.message


def test_cache_file_serves_next_start(tmp_path):
    cache = tmp_path / "cache.json"
    server = SandboxServer(db_path=tmp_path / "sandbox.sqlite3").start()
    with BlendClient(server.url, connect_timeout=1, read_timeout=1) as client:
        client.login(seed.DEMO_EMAIL, seed.DEMO_PASSWORD)
        InventoryService(client, cache).refresh()
        server.stop()
        service = InventoryService(client, cache)
        result = service.resolve(parse_scan("712345678904"))
    assert result.outcome is Outcome.FOUND
    assert result.lot.id == seed.LOT_MUPIROCIN_ID
    assert result.from_cache_age is not None


def test_corrupt_cache_is_ignored(tmp_path, caplog):
    cache = tmp_path / "cache.json"
    cache.write_text("{broken", encoding="utf-8")
    with BlendClient("http://127.0.0.1:9", connect_timeout=1, read_timeout=1) as offline:
        service = InventoryService(offline, cache)
    assert len(service.index) == 0
    assert "unreadable" in caplog.text
