"""Orders over HTTP against the sandbox, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import func, select

from server.models import Order
from tests.server.conftest import PUBLIC_BASE, Api, grant, login


async def test_order_uses_the_catalog_price_and_a_full_order_info(api: Api) -> None:
    me = await login(api)
    response = await api.client.post(
        "/api/orders", json={"item_id": "revive_pack", "price_beans": 1}, headers=me.headers
    )
    assert response.status_code == 201, response.text
    order = response.json()
    assert order["status"] == "pending" and order["item_id"] == "revive_pack"
    assert order["price_beans"] == 10 and order["trade_order_id"]

    create = [r for r in api.tiktok_requests if r.url.path.endswith("/trade_order/create/")]
    assert len(create) == 1
    sent = json.loads(create[0].content)
    assert sent["token_type"] == "BEANS" and sent["token_amount"] == 10
    assert sent["order_info"] == {
        "order_id": order["order_id"],
        "product_name": "Revive Pack",
        "product_id": "revive_pack",
        "quantity": 1,
        "quantity_unit": "pack",
        "order_url": f"{PUBLIC_BASE}/api/orders/{order['order_id']}",
        "image_url": f"{PUBLIC_BASE}/assets/shop/revive_pack.png",
    }
    assert create[0].headers["authorization"].startswith("Bearer act.")

    tiktok = (await api.sandbox.get(f"/control/orders/{order['trade_order_id']}")).json()
    assert tiktok["order_id"] == order["order_id"] and tiktok["token_amount"] == 10
    assert tiktok["open_id"] == me.open_id


async def test_each_order_gets_a_fresh_order_id(api: Api) -> None:
    me = await login(api)
    first = await api.client.post(
        "/api/orders", json={"item_id": "revive_pack"}, headers=me.headers
    )
    second = await api.client.post(
        "/api/orders", json={"item_id": "revive_pack"}, headers=me.headers
    )
    assert first.status_code == second.status_code == 201
    assert first.json()["order_id"] != second.json()["order_id"]
    assert first.json()["trade_order_id"] != second.json()["trade_order_id"]


async def test_the_same_idempotency_key_returns_the_same_order(api: Api) -> None:
    me = await login(api)
    headers = {**me.headers, "Idempotency-Key": "buy-1"}
    first = await api.client.post("/api/orders", json={"item_id": "revive_pack"}, headers=headers)
    again = await api.client.post("/api/orders", json={"item_id": "revive_pack"}, headers=headers)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json() == first.json()
    creates = [r for r in api.tiktok_requests if r.url.path.endswith("/trade_order/create/")]
    assert len(creates) == 1


async def test_concurrent_requests_with_one_key_make_one_order(api: Api) -> None:
    me = await login(api)
    headers = {**me.headers, "Idempotency-Key": "race"}
    responses = await asyncio.gather(
        *(
            api.client.post("/api/orders", json={"item_id": "revive_pack"}, headers=headers)
            for _ in range(8)
        )
    )
    assert {r.status_code for r in responses} <= {200, 201, 409}
    ids = {r.json()["order_id"] for r in responses if r.status_code in (200, 201)}
    assert len(ids) == 1
    with api.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 1


async def test_a_key_belongs_to_one_player(api: Api) -> None:
    ann, bob = await login(api, name="Ann"), await login(api, name="Bob")
    key = {"Idempotency-Key": "same"}
    a = await api.client.post(
        "/api/orders", json={"item_id": "revive_pack"}, headers={**ann.headers, **key}
    )
    b = await api.client.post(
        "/api/orders", json={"item_id": "revive_pack"}, headers={**bob.headers, **key}
    )
    assert a.status_code == b.status_code == 201
    assert a.json()["order_id"] != b.json()["order_id"]


async def test_a_bad_idempotency_key_is_400(api: Api) -> None:
    me = await login(api)
    headers = {**me.headers, "Idempotency-Key": "x" * 201}
    response = await api.client.post(
        "/api/orders", json={"item_id": "revive_pack"}, headers=headers
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_idempotency_key"


async def test_a_permanent_item_already_owned_is_409(api: Api) -> None:
    me = await login(api)
    grant(api, me, "skin.golden", 1, "gift")
    response = await api.client.post(
        "/api/orders", json={"item_id": "skin_golden"}, headers=me.headers
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_owned"
    consumable = await api.client.post(
        "/api/orders", json={"item_id": "revive_pack"}, headers=me.headers
    )
    assert consumable.status_code == 201


async def test_a_paid_bundle_cannot_be_bought_twice(api: Api) -> None:
    me = await login(api)
    first = await api.client.post(
        "/api/orders", json={"item_id": "starter_bundle"}, headers=me.headers
    )
    assert first.status_code == 201
    with api.db.transaction() as session:
        order = session.scalars(
            select(Order).where(Order.order_id == first.json()["order_id"])
        ).one()
        order.status = "paid"
    again = await api.client.post(
        "/api/orders", json={"item_id": "starter_bundle"}, headers=me.headers
    )
    assert again.status_code == 409


async def test_unknown_item_is_404_and_nothing_is_sent_to_tiktok(api: Api) -> None:
    me = await login(api)
    before = len(api.tiktok_requests)
    response = await api.client.post("/api/orders", json={"item_id": "nope"}, headers=me.headers)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_item"
    assert len(api.tiktok_requests) == before


async def test_own_orders_only(api: Api) -> None:
    ann, bob = await login(api, name="Ann"), await login(api, name="Bob")
    created = await api.client.post(
        "/api/orders", json={"item_id": "revive_pack"}, headers=ann.headers
    )
    order_id = created.json()["order_id"]
    mine = await api.client.get(f"/api/orders/{order_id}", headers=ann.headers)
    assert mine.status_code == 200
    assert mine.json()["status"] == "pending" and mine.json()["fulfilled"] is False
    assert mine.json()["item_id"] == "revive_pack"
    theirs = await api.client.get(f"/api/orders/{order_id}", headers=bob.headers)
    assert theirs.status_code == 404
    assert (await api.client.get("/api/orders/bh_missing", headers=ann.headers)).status_code == 404
    assert (await api.client.get(f"/api/orders/{order_id}")).status_code == 401


async def test_tiktok_failure_is_502_and_leaves_no_order(api: Api) -> None:
    me = await login(api)
    faults = {"api_error": "internal_error", "api_error_count": 10}
    assert (await api.sandbox.put("/control/faults", json=faults)).status_code == 200
    response = await api.client.post(
        "/api/orders", json={"item_id": "revive_pack"}, headers=me.headers
    )
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "tiktok_unavailable"
    with api.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 0
    await api.sandbox.put("/control/faults", json={"api_error": None, "api_error_count": None})
    retry = await api.client.post(
        "/api/orders", json={"item_id": "revive_pack"}, headers=me.headers
    )
    assert retry.status_code == 201


async def test_tiktok_rate_limit_once_is_retried(api: Api) -> None:
    me = await login(api)
    faults = {"api_error": "rate_limit_exceeded", "api_error_count": 1}
    assert (await api.sandbox.put("/control/faults", json=faults)).status_code == 200
    response = await api.client.post(
        "/api/orders", json={"item_id": "revive_pack"}, headers=me.headers
    )
    assert response.status_code == 201, response.text


async def test_orders_need_a_session(api: Api) -> None:
    response = await api.client.post("/api/orders", json={"item_id": "revive_pack"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "missing_token"
    assert response.headers["www-authenticate"] == "Bearer"
