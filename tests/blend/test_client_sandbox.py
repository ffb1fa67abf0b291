"""The Blend client against the sandbox over real HTTP on 127.0.0.1: sign-in, tokens, lots, errors."""

from __future__ import annotations

import time

import pytest

from station.blend.client import BlendClient
from station.blend.errors import NotFound, Rejected, Unauthorized, Unavailable
from station.sandbox import seed
from station.sandbox.server import SandboxServer


@pytest.fixture
def client(sandbox):
    with BlendClient(sandbox.url) as blend:
        blend.login(seed.DEMO_EMAIL, seed.DEMO_PASSWORD)
        yield blend


@pytest.fixture
def short_lived(tmp_path):
    """A sandbox whose access tokens last 1 s."""
    with SandboxServer(tmp_path / "short.sqlite3", access_ttl=1) as server:
        yield server


def test_login_returns_demo_user(sandbox):
    with BlendClient(sandbox.url) as blend:
        user = blend.login(seed.DEMO_EMAIL, seed.DEMO_PASSWORD)

        assert user.id == seed.DEMO_USER_ID
        assert user.email == seed.DEMO_EMAIL
        assert blend.user == user
        assert blend.refresh_token is not None


def test_bad_password_is_unauthorized(sandbox):
    with BlendClient(sandbox.url) as blend, pytest.raises(Unauthorized) as caught:
        blend.login(seed.DEMO_EMAIL, "Wrong-Password-1")

    assert caught.value.status == 401
    assert "Sign-in failed" in str(caught.value)
    assert seed.DEMO_EMAIL in str(caught.value)
    assert "Wrong-Password-1" not in str(caught.value)


def test_call_before_login_is_unauthorized(sandbox):
    with BlendClient(sandbox.url) as blend, pytest.raises(Unauthorized, match="sign in"):
        blend.get_lot(seed.LOT_MUPIROCIN_ID)


def test_expired_access_token_refreshed(short_lived):
    with BlendClient(short_lived.url) as blend:
        blend.login(seed.DEMO_EMAIL, seed.DEMO_PASSWORD)
        first_token = blend._access_token
        time.sleep(1.5)

        lot = blend.get_lot(seed.LOT_MUPIROCIN_ID)

        assert lot.current_quantity == 80
        assert blend._access_token != first_token


def test_401_refreshes_once_and_retries(short_lived):
    """The client's clock runs 10 s behind, so it sends an expired token and learns of it from the 401."""
    offset = [0.0]
    with BlendClient(short_lived.url, clock=lambda: time.time() - offset[0]) as blend:
        blend.login(seed.DEMO_EMAIL, seed.DEMO_PASSWORD)
        expired_token = blend._access_token
        time.sleep(1.5)
        offset[0] = 10.0

        lot = blend.adjust_quantity(seed.LOT_MUPIROCIN_ID, -2)

        assert lot.current_quantity == 78
        assert blend._access_token != expired_token
    assert short_lived.get_lot_quantity(seed.LOT_MUPIROCIN_ID) == 78


def test_garbage_access_token_refreshed(client):
    client._access_token = "not-a-token"

    associations = client.get_associations(seed.LOT_MUPIROCIN_ID)

    assert associations.product_names() == ["Mupirocin 2% ointment", "Mupirocin 2% nasal ointment",
                                            "Wound care kit"]
    assert client._access_token != "not-a-token"


def test_expired_refresh_token_needs_sign_in(tmp_path):
    with SandboxServer(tmp_path / "s.sqlite3", access_ttl=1, refresh_ttl=1) as server, \
            BlendClient(server.url) as blend:
        blend.login(seed.DEMO_EMAIL, seed.DEMO_PASSWORD)
        time.sleep(1.5)

        with pytest.raises(Unauthorized, match="sign in again"):
            blend.get_lot(seed.LOT_MUPIROCIN_ID)


def test_sign_in_with_refresh_token(sandbox, client):
    stored = client.refresh_token
    assert stored is not None

    with BlendClient(sandbox.url) as resumed:
        user = resumed.sign_in_with_refresh_token(stored)

        assert user.email == seed.DEMO_EMAIL
        assert resumed.get_lot(seed.LOT_NDC_ID).upc == seed.NDC_UPC


def test_garbage_refresh_token_unauthorized(sandbox):
    with BlendClient(sandbox.url) as blend, pytest.raises(Unauthorized):
        blend.sign_in_with_refresh_token("garbage.refresh.token")


def test_list_inventory_returns_each_lot_once(client):
    lots = client.list_inventory()

    ids = [lot.id for lot in lots]
    assert len(ids) == len(set(ids)) == len(seed.LOTS)
    assert seed.LOT_MUPIROCIN_ID in ids
    assert seed.LOT_UNASSIGNED_ID in ids


def test_get_lot_has_documented_fields(client):
    lot = client.get_lot(seed.LOT_MUPIROCIN_ID)

    assert lot.batch_number == seed.MUPIROCIN_BATCH
    assert lot.upc == seed.MUPIROCIN_UPC
    assert (lot.current_quantity, lot.initial_quantity) == (80, 100)
    assert lot.manufacturer == "Krill Farms"
    assert lot.unit_type == "mg"
    assert lot.associations is not None
    assert [a.units_per_product for _, a in lot.associations.items()] == [100, 50, 20]


def test_unknown_lot_not_found(client):
    with pytest.raises(NotFound) as caught:
        client.get_lot("00000000-0000-4000-8000-000000000000")

    assert caught.value.status == 404
    assert "00000000-0000-4000-8000-000000000000" in str(caught.value)


def test_adjust_below_zero_rejected(sandbox, client):
    with pytest.raises(Rejected) as caught:
        client.adjust_quantity(seed.LOT_MUPIROCIN_ID, -100)

    assert caught.value.status == 422
    assert "Quantity would go below zero: lot 1234567890 has 80, change -100" in str(caught.value)
    assert caught.value.server_message == "Quantity would go below zero: lot 1234567890 has 80, change -100"
    assert sandbox.get_lot_quantity(seed.LOT_MUPIROCIN_ID) == 80


def test_adjust_returns_updated_lot(client):
    before = client.get_lot(seed.LOT_MUPIROCIN_ID)

    after = client.adjust_quantity(seed.LOT_MUPIROCIN_ID, 15)

    assert after.current_quantity == 95
    assert after.associations is not None
    assert after.updated_at is not None and before.updated_at is not None
    assert after.updated_at > before.updated_at
    assert client.get_lot(seed.LOT_MUPIROCIN_ID).current_quantity == 95


def test_adjust_rejects_non_int_delta(client):
    with pytest.raises(TypeError):
        client.adjust_quantity(seed.LOT_MUPIROCIN_ID, 1.5)  # type: ignore[arg-type]


def test_verify_inventory_barcode(client):
    barcode = client.verify_barcode(seed.BARCODE_INVENTORY_MUPIROCIN)

    assert barcode.entity_type == "inventory"
    assert barcode.entity_id == seed.LOT_MUPIROCIN_ID


def test_verify_patient_barcode(client):
    barcode = client.verify_barcode(seed.BARCODE_PATIENT)

    assert barcode.entity_type == "patient"
    assert barcode.entity_id == seed.PATIENT_ID


@pytest.mark.parametrize("value", [seed.BARCODE_USER_EXPIRED, seed.BARCODE_INVENTORY_INACTIVE])
def test_verify_expired_or_inactive_rejected(client, value):
    with pytest.raises(Rejected) as caught:
        client.verify_barcode(value)

    assert caught.value.status == 410
    assert value not in str(caught.value)


def test_verify_unknown_barcode_not_found(client):
    with pytest.raises(NotFound):
        client.verify_barcode("INVENTORY-00000000-0000-4000-8000-000000000000-00000000")


def test_create_barcode_then_verify(client):
    created = client.create_barcode("inventory", seed.LOT_EMPTY_ID)

    assert created.barcode_value.startswith(f"INVENTORY-{seed.LOT_EMPTY_ID}-")
    assert created.image is not None and created.image.startswith("data:image/png;base64,")
    assert client.verify_barcode(created.barcode_value).entity_id == seed.LOT_EMPTY_ID


def test_list_products_grouped(client):
    groups = client.list_products()

    assert len(groups.prescription) >= 3
    assert len(groups.non_prescription) >= 3
    assert len(groups.order_material) >= 3
    assert "Mupirocin 2% ointment" in [p.name for p in groups.prescription]


def test_search_products(client):
    results = client.search_products("ketoprofen")

    assert [p.id for p in results] == [seed.PRODUCT_KETOPROFEN_CREAM_ID]


def test_unreachable_api_not_applied(tmp_path):
    server = SandboxServer(tmp_path / "gone.sqlite3").start()
    blend = BlendClient(server.url, connect_timeout=2)
    blend.login(seed.DEMO_EMAIL, seed.DEMO_PASSWORD)
    server.stop()

    with blend, pytest.raises(Unavailable) as caught:
        blend.adjust_quantity(seed.LOT_MUPIROCIN_ID, -1)

    assert caught.value.maybe_applied is False
    assert "Cannot reach Blend" in str(caught.value)


def test_read_timeout_may_be_applied(sandbox):
    with BlendClient(sandbox.url, read_timeout=0.5) as blend:
        blend.login(seed.DEMO_EMAIL, seed.DEMO_PASSWORD)
        sandbox.set_faults("latency=1500")

        with pytest.raises(Unavailable) as caught:
            blend.adjust_quantity(seed.LOT_MUPIROCIN_ID, -5)

    assert caught.value.maybe_applied is True
    assert "timed out" in str(caught.value)
    deadline = time.monotonic() + 20
    while sandbox.get_lot_quantity(seed.LOT_MUPIROCIN_ID) == 80 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sandbox.get_lot_quantity(seed.LOT_MUPIROCIN_ID) == 75  # the server applied what the client gave up on


def test_read_timeout_on_get_not_applied_wording(sandbox):
    with BlendClient(sandbox.url, read_timeout=0.5) as blend:
        blend.login(seed.DEMO_EMAIL, seed.DEMO_PASSWORD)
        sandbox.set_faults("latency=1500")

        with pytest.raises(Unavailable) as caught:
            blend.get_lot(seed.LOT_MUPIROCIN_ID)

    message = str(caught.value)
    assert message == f"The request to Blend timed out while loading lot {seed.LOT_MUPIROCIN_ID}."
    assert "may still have applied" not in message


def test_read_timeout_on_patch_may_be_applied_wording(sandbox):
    with BlendClient(sandbox.url, read_timeout=0.5) as blend:
        blend.login(seed.DEMO_EMAIL, seed.DEMO_PASSWORD)
        sandbox.set_faults("latency=1500")

        with pytest.raises(Unavailable) as caught:
            blend.adjust_quantity(seed.LOT_MUPIROCIN_ID, -5)

    assert str(caught.value).endswith(" Blend may still have applied it.")


def test_dropped_get_not_applied_wording(sandbox, client):
    sandbox.set_faults("drop-after=1")

    with pytest.raises(Unavailable) as caught:
        client.list_inventory()

    message = str(caught.value)
    assert message.startswith("The connection to Blend broke while loading the inventory (")
    assert message.endswith(").")
    assert ".)" not in message
    assert "may still have applied" not in message


def test_server_error_named_as_answer(sandbox, client):
    sandbox.set_faults("error=1")

    with pytest.raises(Unavailable) as caught:
        client.get_lot(seed.LOT_MUPIROCIN_ID)

    message = str(caught.value)
    assert caught.value.status == 500
    assert message == (
        f"Blend answered with a server error (HTTP 500) while loading lot {seed.LOT_MUPIROCIN_ID}: Injected server "
        "error: the request was not applied. Try again later."
    )
    assert "unreachable" not in message
    assert "may still have applied" not in message
