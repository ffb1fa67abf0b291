"""Each sandbox fault has its documented effect, seen through the Blend client and the database."""

from __future__ import annotations

import time

import httpx
import pytest

from station.blend.client import BlendClient
from station.blend.errors import RateLimited, Unavailable
from station.sandbox import seed
from station.sandbox.faults import FaultSpec, FaultSpecError
from station.sandbox.server import SandboxServer

LOT = seed.LOT_MUPIROCIN_ID


@pytest.fixture
def client(sandbox):
    with BlendClient(sandbox.url, read_timeout=10) as blend:
        blend.login(seed.DEMO_EMAIL, seed.DEMO_PASSWORD)
        yield blend


def test_drop_after_applies_change(sandbox, client):
    sandbox.set_faults("drop-after=1")

    with pytest.raises(Unavailable) as caught:
        client.adjust_quantity(LOT, -5)

    assert caught.value.maybe_applied is True
    assert sandbox.get_lot_quantity(LOT) == 75


def test_drop_after_seen_by_httpx_as_disconnect(sandbox, client):
    sandbox.set_faults("drop-after=1")
    token = client._access_token

    with httpx.Client(base_url=sandbox.url) as raw, pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        raw.patch(f"/api/v1/products/inventory/{LOT}/quantity", json={"additional_quantity": 3},
                  headers={"Authorization": f"Bearer {token}"})

    assert sandbox.get_lot_quantity(LOT) == 83


def test_drop_before_applies_nothing(sandbox, client):
    sandbox.set_faults("drop-before=1")

    with pytest.raises(Unavailable) as caught:
        client.adjust_quantity(LOT, -5)

    assert caught.value.maybe_applied is True  # the client cannot tell the two drops apart
    assert sandbox.get_lot_quantity(LOT) == 80


def test_rate_limit_gives_retry_after(sandbox, client):
    sandbox.set_faults("rate-limit=1")

    with pytest.raises(RateLimited) as caught:
        client.adjust_quantity(LOT, -5)

    assert caught.value.retry_after == 1
    assert caught.value.status == 429
    assert sandbox.get_lot_quantity(LOT) == 80


def test_error_applies_nothing(sandbox, client):
    sandbox.set_faults("error=1")

    with pytest.raises(Unavailable) as caught:
        client.adjust_quantity(LOT, -5)

    assert caught.value.status == 500
    assert caught.value.maybe_applied is False
    assert sandbox.get_lot_quantity(LOT) == 80


def test_faults_apply_to_sign_in(sandbox):
    sandbox.set_faults("error=1")

    with BlendClient(sandbox.url) as blend, pytest.raises(Unavailable):
        blend.login(seed.DEMO_EMAIL, seed.DEMO_PASSWORD)


def test_docs_page_not_faulted(sandbox):
    sandbox.set_faults("error=1,drop-before=1")

    response = httpx.get(sandbox.url + "/openapi.json")

    assert response.status_code == 200
    assert "never a replacement for Blend" in response.json()["info"]["description"]


def test_latency_delays_answer(sandbox, client):
    sandbox.set_faults("latency=300")

    started = time.perf_counter()
    client.get_lot(LOT)

    assert time.perf_counter() - started >= 0.3


def test_faults_cleared(sandbox, client):
    sandbox.set_faults("error=1")
    sandbox.set_faults(None)

    assert client.adjust_quantity(LOT, 1).current_quantity == 81


def test_seeded_faults_repeat(tmp_path):
    def outcomes(seed_value: int) -> list[str]:
        spec = "error=0.3,rate-limit=0.3,drop-before=0.2"
        with SandboxServer(tmp_path / f"s{seed_value}-{time.monotonic_ns()}.sqlite3", faults=spec,
                           fault_seed=seed_value) as server, httpx.Client(base_url=server.url) as raw:
            results = []
            for _ in range(25):
                try:
                    results.append(str(raw.get("/api/v1/auth/verify").status_code))
                except httpx.TransportError:
                    results.append("drop")
            return results

    first = outcomes(7)

    assert first == outcomes(7)
    assert set(first) >= {"401", "429", "500", "drop"}


def test_fault_probability_roughly_holds(sandbox):
    sandbox.set_faults("error=0.5")
    with httpx.Client(base_url=sandbox.url) as raw:
        statuses = [raw.get("/api/v1/auth/verify").status_code for _ in range(200)]

    assert 50 <= statuses.count(500) <= 150
    assert statuses.count(500) + statuses.count(401) == 200


@pytest.mark.parametrize(("text", "expected"), [
    ("", FaultSpec()),
    ("drop-before=0.1,drop-after=0.1,error=0.05,rate-limit=0.05,latency=20",
     FaultSpec(drop_before=0.1, drop_after=0.1, error=0.05, rate_limit=0.05, latency_ms=20)),
    (" error = 1 , ", FaultSpec(error=1)),
])
def test_fault_spec_parsed(text, expected):
    assert FaultSpec.parse(text) == expected


@pytest.mark.parametrize(("text", "bad_item"), [
    ("error=2", "error=2"),
    ("drop=0.1", "drop=0.1"),
    ("latency", "latency"),
    ("error=0.1,rate-limit=lots", "rate-limit=lots"),
    ("latency=-5", "latency=-5"),
])
def test_fault_spec_errors_name_item(text, bad_item):
    with pytest.raises(FaultSpecError) as caught:
        FaultSpec.parse(text)

    assert repr(bad_item) in str(caught.value)


def test_fault_spec_round_trips_as_text():
    spec = FaultSpec.parse("drop-after=0.25,latency=20")

    assert str(spec) == "drop-after=0.25,latency=20"
    assert FaultSpec.parse(str(spec)) == spec
    assert str(FaultSpec()) == "none"

