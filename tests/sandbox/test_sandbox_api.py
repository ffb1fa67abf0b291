"""The sandbox's endpoints, status codes, payload shapes and demo data, over raw HTTP on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import re
import threading

import httpx
import pytest

from station.blend.client import BlendClient
from station.blend.models import parse_timestamp
from station.sandbox import seed
from station.sandbox.server import SandboxServer

ZULU = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$")
NAIVE_MICROSECONDS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$")
MIDNIGHT = re.compile(r"^\d{4}-\d\d-\d\dT00:00:00$")
LOT_PATH = "/api/v1/products/inventory"


def _login(http: httpx.Client, email: str = seed.DEMO_EMAIL, password: str = seed.DEMO_PASSWORD) -> dict:
    response = http.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def http(sandbox):
    with httpx.Client(base_url=sandbox.url) as raw:
        tokens = _login(raw)
        raw.headers["Authorization"] = f"Bearer {tokens['access_token']}"
        raw.tokens = tokens  # type: ignore[attr-defined]
        yield raw


# --- authentication ------------------------------------------------------------------------------


def test_login_shape(sandbox):
    with httpx.Client(base_url=sandbox.url) as raw:
        body = _login(raw)

    assert set(body) == {"access_token", "refresh_token", "expires_at", "user"}
    assert ZULU.match(body["expires_at"])
    refresh_expiry = parse_timestamp(body["expires_at"])
    assert refresh_expiry is not None
    week = dt.datetime.now(dt.UTC) + dt.timedelta(days=7)
    assert abs((refresh_expiry - week).total_seconds()) < 120
    assert body["user"]["email"] == seed.DEMO_EMAIL
    assert body["user"]["is_active"] is True


@pytest.mark.parametrize(("email", "password"), [
    (seed.DEMO_EMAIL, "wrong"),
    ("nobody@scan-station.test", seed.DEMO_PASSWORD),
])
def test_login_bad_credentials_401(sandbox, email, password):
    response = httpx.post(sandbox.url + "/api/v1/auth/login", json={"email": email, "password": password})

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid email or password"}


def test_refresh_with_refresh_token(sandbox, http):
    response = httpx.post(sandbox.url + "/api/v1/auth/refresh",
                          headers={"Authorization": f"Bearer {http.tokens['refresh_token']}"})

    assert response.status_code == 200
    assert list(response.json()) == ["access_token"]
    verify = httpx.get(sandbox.url + "/api/v1/auth/verify",
                       headers={"Authorization": f"Bearer {response.json()['access_token']}"})
    assert verify.status_code == 200
    assert verify.json()["valid"] is True


def test_refresh_with_access_token_401(sandbox, http):
    response = httpx.post(sandbox.url + "/api/v1/auth/refresh",
                          headers={"Authorization": f"Bearer {http.tokens['access_token']}"})

    assert response.status_code == 401
    assert "refresh token" in response.json()["detail"]


def test_refresh_token_not_accepted_as_access(sandbox, http):
    response = httpx.get(sandbox.url + "/api/v1/auth/verify",
                         headers={"Authorization": f"Bearer {http.tokens['refresh_token']}"})

    assert response.status_code == 401


@pytest.mark.parametrize("header", [None, "Bearer", "Basic abc", "Bearer a.b.c", "Bearer x"])
def test_bad_bearer_401(sandbox, header):
    headers = {"Authorization": header} if header else {}

    response = httpx.get(sandbox.url + LOT_PATH, headers=headers)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_token_signed_by_other_sandbox_401(sandbox, tmp_path):
    with SandboxServer(tmp_path / "other.sqlite3") as other, httpx.Client(base_url=other.url) as raw:
        foreign = _login(raw)["access_token"]

    response = httpx.get(sandbox.url + LOT_PATH, headers={"Authorization": f"Bearer {foreign}"})

    assert response.status_code == 401


def test_extra_user_can_sign_in(tmp_path):
    with SandboxServer(tmp_path / "s.sqlite3", users=[("tech@pharmacy.test", "Counter-Tech-2026")]) as server, \
            httpx.Client(base_url=server.url) as raw:
        body = _login(raw, "tech@pharmacy.test", "Counter-Tech-2026")

    assert body["user"]["email"] == "tech@pharmacy.test"


# --- inventory -----------------------------------------------------------------------------------


def test_inventory_grouped_by_kind(http):
    body = http.get(LOT_PATH).json()

    assert set(body) == {"prescription", "non_prescription", "order_material"}
    ids = {lot["id"] for group in body.values() for lot in group}
    assert len(ids) == len(seed.LOTS) >= 15
    mupirocin = [lot for lot in body["non_prescription"] if lot["id"] == seed.LOT_MUPIROCIN_ID]
    assert len(mupirocin) == 1  # also under prescription: it has associations of both kinds
    assert seed.LOT_UNASSIGNED_ID in {lot["id"] for lot in body["prescription"]}


def test_lot_timestamp_forms(http):
    lot = http.get(f"{LOT_PATH}/{seed.LOT_MUPIROCIN_ID}").json()

    assert ZULU.match(lot["created_at"])
    assert ZULU.match(lot["updated_at"])
    assert NAIVE_MICROSECONDS.match(lot["received_date"])
    assert MIDNIGHT.match(lot["expiration_date"])


def test_unknown_lot_404(http):
    response = http.get(f"{LOT_PATH}/00000000-0000-4000-8000-000000000000")

    assert response.status_code == 404
    assert response.json() == {"detail": "Inventory lot 00000000-0000-4000-8000-000000000000 not found"}


def test_adjust_returns_201_with_lot(http):
    before = http.get(f"{LOT_PATH}/{seed.LOT_MUPIROCIN_ID}").json()

    response = http.patch(f"{LOT_PATH}/{seed.LOT_MUPIROCIN_ID}/quantity", json={"additional_quantity": 100})

    assert response.status_code == 201
    assert response.json()["current_quantity"] == 180
    assert response.json()["initial_quantity"] == 100
    assert response.json()["associations"] == before["associations"]
    assert response.json()["updated_at"] != before["updated_at"]
    assert ZULU.match(response.json()["updated_at"])


def test_updated_at_changes_every_time(http):
    stamps = [http.patch(f"{LOT_PATH}/{seed.LOT_LONG_DATED_ID}/quantity",
                         json={"additional_quantity": 1}).json()["updated_at"] for _ in range(5)]

    assert len(set(stamps)) == 5
    assert stamps == sorted(stamps)


def test_adjust_below_zero_422(sandbox, http):
    response = http.patch(f"{LOT_PATH}/{seed.LOT_MUPIROCIN_ID}/quantity", json={"additional_quantity": -100})

    assert response.status_code == 422
    assert response.json() == {"detail": "Quantity would go below zero: lot 1234567890 has 80, change -100"}
    assert sandbox.get_lot_quantity(seed.LOT_MUPIROCIN_ID) == 80


def test_adjust_to_exactly_zero(http):
    response = http.patch(f"{LOT_PATH}/{seed.LOT_MUPIROCIN_ID}/quantity", json={"additional_quantity": -80})

    assert response.status_code == 201
    assert response.json()["current_quantity"] == 0


@pytest.mark.parametrize("body", [
    {"additional_quantity": 1.5},
    {"additional_quantity": 2.0},
    {"additional_quantity": "3"},
    {"additional_quantity": True},
    {"additional_quantity": None},
    {},
    {"additional_quantity": 10**12},
])
def test_adjust_non_integer_422(sandbox, http, body):
    response = http.patch(f"{LOT_PATH}/{seed.LOT_MUPIROCIN_ID}/quantity", json=body)

    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)
    assert sandbox.get_lot_quantity(seed.LOT_MUPIROCIN_ID) == 80


def test_adjust_unknown_lot_404(http):
    response = http.patch(f"{LOT_PATH}/00000000-0000-4000-8000-000000000000/quantity",
                          json={"additional_quantity": 1})

    assert response.status_code == 404


def test_associations_endpoint(http):
    body = http.get(f"{LOT_PATH}/{seed.LOT_MUPIROCIN_ID}/associations").json()

    assert [a["units_per_product"] for a in body["prescription"]] == [100, 50]
    assert body["non_prescription"][0]["name"] == "Wound care kit"
    assert body["order_material"] == []
    assert set(body["prescription"][0]) == {"customer", "customer_id", "name", "product_id", "units_per_product"}


def test_update_lot_changes_only_sent_fields(http):
    response = http.put(f"{LOT_PATH}/{seed.LOT_MUPIROCIN_ID}",
                        json={"notes": "Counted on Monday", "expiration_date": "2031-05-31", "mpn": None})

    assert response.status_code == 200
    lot = response.json()
    assert lot["notes"] == "Counted on Monday"
    assert lot["expiration_date"] == "2031-05-31T00:00:00"
    assert lot["mpn"] is None
    assert lot["manufacturer"] == "Krill Farms"
    assert lot["current_quantity"] == 80


def test_update_lot_rejects_negative_quantity(http):
    response = http.put(f"{LOT_PATH}/{seed.LOT_MUPIROCIN_ID}", json={"current_quantity": -1})

    assert response.status_code == 422


def test_create_lot_with_association(http):
    response = http.post(LOT_PATH, json={
        "batch_number": "NEW-001", "current_quantity": 40, "initial_quantity": 50, "unit_type": "g",
        "upc": "3-16047-00027-0", "expiration_date": "2030-01-01T00:00:00", "type": "prescription",
        "associations": [{"type": "prescription", "product_id": seed.PRODUCT_KETOPROFEN_CREAM_ID,
                          "units_per_product": 10}]})

    assert response.status_code == 201
    lot = response.json()
    assert lot["current_quantity"] == 40
    assert lot["associations"]["prescription"][0]["product_id"] == seed.PRODUCT_KETOPROFEN_CREAM_ID
    assert NAIVE_MICROSECONDS.match(lot["received_date"])
    assert http.get(f"{LOT_PATH}/{lot['id']}").json()["batch_number"] == "NEW-001"


def test_create_lot_for_unknown_product_404(http):
    response = http.post(LOT_PATH, json={"batch_number": "X", "associations": [
        {"type": "prescription", "product_id": seed.PRODUCT_AMBER_VIALS_ID}]})

    assert response.status_code == 404


@pytest.mark.parametrize(("kind", "product_id"), [
    ("prescription", seed.PRODUCT_SEMAGLUTIDE_VIAL_ID),
    ("non_prescription", seed.PRODUCT_VITAMIN_D3_DROPS_ID),
    ("order_material", seed.PRODUCT_AMBER_VIALS_ID),
])
def test_product_inventory_create_and_list(http, kind, product_id):
    created = http.post(f"/api/v1/products/{kind}/{product_id}/inventory", json={
        "batch_number": "PK-1", "cost_per_unit": 2.49, "current_quantity": 80, "initial_quantity": 100,
        "expiration_date": "2025-01-01T00:00:00", "received_date": "2025-01-01T18:21:45.371623",
        "is_active": True, "manufacturer": "Krill Farms", "unit_type": "mg", "upc": "7-12345-67890-4",
        "type": "prescription", "units_per_product": 7})

    assert created.status_code == 201
    assert created.json()["units_per_product"] == 7
    assert created.json()["received_date"] == "2025-01-01T18:21:45.371623"
    listed = http.get(f"/api/v1/products/{kind}/{product_id}/inventory").json()
    assert created.json()["id"] in [item["id"] for item in listed]
    assert all("units_per_product" in item and "associations" not in item for item in listed)


def test_product_inventory_wrong_kind_404(http):
    response = http.get(f"/api/v1/products/order_material/{seed.PRODUCT_KETOPROFEN_CREAM_ID}/inventory")

    assert response.status_code == 404


def test_add_and_remove_association(http):
    added = http.post(f"{LOT_PATH}/{seed.LOT_UNASSIGNED_ID}/associations",
                      json={"type": "prescription", "product_id": seed.PRODUCT_KETOPROFEN_CREAM_ID,
                            "units_per_product": 3})

    assert added.status_code == 201
    assert added.json()["prescription"][0]["units_per_product"] == 3
    removed = http.delete(
        f"{LOT_PATH}/{seed.LOT_UNASSIGNED_ID}/associations/prescription/{seed.PRODUCT_KETOPROFEN_CREAM_ID}")
    assert removed.status_code == 200
    assert removed.json()["prescription"] == []


# --- products and search -------------------------------------------------------------------------


def test_products_grouped(http):
    body = http.get("/api/v1/products").json()

    assert all(len(body[kind]) >= 3 for kind in ("prescription", "non_prescription", "order_material"))
    assert body["order_material"][0]["current_stock"] > 0
    assert "current_stock" not in body["prescription"][0]
    assert all("upc" not in product for group in body.values() for product in group)


def test_products_of_one_kind(http):
    body = http.get("/api/v1/products/non_prescription").json()

    assert seed.PRODUCT_WOUND_CARE_KIT_ID in [product["id"] for product in body]
    assert all(product["unit_type"] for product in body)


def test_search_products_ranked(http):
    body = http.get("/api/v1/search/products", params={"q": "mupirocin", "limit": 1}).json()

    assert len(body["results"]) == 1
    assert body["results"][0]["result_type"] == "prescription"
    assert 0 < body["results"][0]["rank"] <= 1


# --- barcodes ------------------------------------------------------------------------------------


def test_barcode_created_201(http):
    response = http.post(f"/api/v1/barcodes/inventory/{seed.LOT_NDC_ID}")

    assert response.status_code == 201
    body = response.json()
    assert re.match(rf"^INVENTORY-{seed.LOT_NDC_ID}-[0-9a-f]{{8}}$", body["barcode_value"])
    assert body["expires_at"] is None
    assert NAIVE_MICROSECONDS.match(body["created_at"])


def test_user_barcode_expires_in_an_hour(http):
    body = http.post(f"/api/v1/barcodes/user/{seed.DEMO_USER_ID}").json()

    created, expires = parse_timestamp(body["created_at"]), parse_timestamp(body["expires_at"])
    assert created is not None and expires is not None
    assert expires - created == dt.timedelta(hours=1)


def test_barcode_for_unknown_lot_404(http):
    response = http.post("/api/v1/barcodes/inventory/00000000-0000-4000-8000-000000000000")

    assert response.status_code == 404


def test_barcode_bad_entity_type_422(http):
    response = http.post(f"/api/v1/barcodes/pallet/{seed.LOT_NDC_ID}")

    assert response.status_code == 422


def test_list_barcodes_filters(http):
    active = http.get(f"/api/v1/barcodes/inventory/{seed.LOT_MUPIROCIN_ID}",
                      params={"include_images": "false"}).json()
    inactive = http.get(f"/api/v1/barcodes/inventory/{seed.LOT_MUPIROCIN_ID}",
                        params={"is_active": "false", "include_images": "false"}).json()

    assert [b["barcode_value"] for b in active] == [seed.BARCODE_INVENTORY_MUPIROCIN]
    assert "image" not in active[0]
    assert [b["barcode_value"] for b in inactive] == [seed.BARCODE_INVENTORY_INACTIVE]


@pytest.mark.parametrize(("value", "status"), [
    (seed.BARCODE_INVENTORY_MUPIROCIN, 200),
    (seed.BARCODE_USER, 200),
    (seed.BARCODE_ORDER, 200),
    (seed.BARCODE_PRESCRIPTION, 200),
    (seed.BARCODE_USER_EXPIRED, 410),
    (seed.BARCODE_INVENTORY_INACTIVE, 410),
    ("INVENTORY-nothing", 404),
])
def test_verify_barcode_status(http, value, status):
    response = http.post("/api/v1/barcodes/verify", json={"barcode_value": value})

    assert response.status_code == status


# --- demo data -----------------------------------------------------------------------------------


def test_demo_lots_cover_cases(sandbox):
    with BlendClient(sandbox.url) as blend:
        blend.login(seed.DEMO_EMAIL, seed.DEMO_PASSWORD)
        lots = {lot.id: lot for lot in blend.list_inventory()}
    today = dt.date.today()

    expired = lots[seed.LOT_EXPIRED_ID].expiry_date
    soon = lots[seed.LOT_EXPIRING_SOON_ID].expiry_date
    long_dated = lots[seed.LOT_LONG_DATED_ID].expiry_date
    assert expired is not None and expired < today
    assert soon is not None and today <= soon <= today + dt.timedelta(days=30)
    assert long_dated is not None and long_dated > today + dt.timedelta(days=365 * 3)
    assert lots[seed.LOT_EMPTY_ID].current_quantity == 0
    assert lots[seed.LOT_INACTIVE_ID].is_active is False
    assert lots[seed.LOT_NDC_ID].upc == "0409-4903-11"
    assert lots[seed.LOT_BATCH_10D9T_ID].batch_number == "10D9T"
    same_upc = [lot for lot in lots.values() if lot.upc == seed.SEMAGLUTIDE_UPC]
    assert {lot.id for lot in same_upc} == {seed.LOT_EXPIRING_SOON_ID, seed.LOT_SEMAGLUTIDE_ID}
    assert len({lot.batch_number for lot in same_upc}) == 2
    assert len({lot.expiry_date for lot in same_upc}) == 2
    assert [lot.id for lot in lots.values() if lot.upc == seed.MUPIROCIN_UPC] == [seed.LOT_MUPIROCIN_ID]
    upcs = {lot.upc for lot in lots.values()}
    assert {"6-93570-00718-2", "0-78000-00386-4", "0-23400-00090-6"} <= upcs


def test_demo_upcs_have_valid_check_digits():
    for lot in seed.LOTS:
        if lot.upc is None or lot.upc == seed.NDC_UPC:
            continue
        digits = lot.upc.replace("-", "")
        total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(digits[:11]))
        assert (10 - total % 10) % 10 == int(digits[11]), lot.upc


def test_reused_database_keeps_data(tmp_path):
    path = tmp_path / "demo" / "sandbox.sqlite3"
    with SandboxServer(path) as first, BlendClient(first.url) as blend:
        blend.login(seed.DEMO_EMAIL, seed.DEMO_PASSWORD)
        blend.adjust_quantity(seed.LOT_MUPIROCIN_ID, -30)
        refresh_token = blend.refresh_token
    assert refresh_token is not None

    with SandboxServer(path) as second, BlendClient(second.url) as blend:
        blend.sign_in_with_refresh_token(refresh_token)  # the token secret is kept in the file

        assert blend.get_lot(seed.LOT_MUPIROCIN_ID).current_quantity == 50
        assert len(blend.list_inventory()) == len(seed.LOTS)


def test_unseeded_database_is_empty(tmp_path):
    with SandboxServer(tmp_path / "empty.sqlite3", seed=False,
                       users=[("owner@pharmacy.test", "Owner-Passw0rd!")]) as server, \
            BlendClient(server.url) as blend:
        blend.login("owner@pharmacy.test", "Owner-Passw0rd!")

        assert blend.list_inventory() == []


def test_docs_say_not_a_replacement(sandbox):
    page = httpx.get(sandbox.url + "/docs")
    schema = httpx.get(sandbox.url + "/openapi.json").json()

    assert page.status_code == 200
    assert "stand-in" in schema["info"]["title"]
    assert "never a replacement for Blend" in schema["info"]["description"]


def test_server_stop_is_idempotent(tmp_path):
    server = SandboxServer(tmp_path / "s.sqlite3").start()
    url = server.url

    server.stop()
    server.stop()

    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/openapi.json", timeout=2)
    assert not [t for t in threading.enumerate() if t.name == f"sandbox-{url.rsplit(':', 1)[1]}"]
