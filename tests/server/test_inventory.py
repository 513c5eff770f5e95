"""Inventory reads, atomic consumption, the coin shop."""

from __future__ import annotations

import asyncio

from server import ledger
from tests.server.conftest import Api, grant, login


async def test_inventory_shape(api: Api) -> None:
    me = await login(api)
    grant(api, me, "revive", 3, "g1")
    grant(api, me, "coins", 40, "g2")
    response = await api.client.get("/api/inventory", headers=me.headers)
    assert response.status_code == 200
    assert response.json() == {"items": {"revive": 3}, "coins": 40}


async def test_consume_takes_and_refuses_beyond_the_balance(api: Api) -> None:
    me = await login(api)
    grant(api, me, "revive", 2, "g")
    used = await api.client.post(
        "/api/inventory/consume", json={"item_id": "revive", "quantity": 2}, headers=me.headers
    )
    assert used.status_code == 200
    assert used.json() == {"items": {}, "coins": 0}
    short = await api.client.post(
        "/api/inventory/consume", json={"item_id": "revive", "quantity": 1}, headers=me.headers
    )
    assert short.status_code == 409
    assert short.json()["error"]["code"] == "not_enough"


async def test_concurrent_consumes_never_overdraw(api: Api) -> None:
    me = await login(api)
    grant(api, me, "revive", 5, "g")
    responses = await asyncio.gather(
        *(
            api.client.post(
                "/api/inventory/consume",
                json={"item_id": "revive", "quantity": 1},
                headers=me.headers,
            )
            for _ in range(20)
        )
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * 5 + [409] * 15
    with api.db.read() as session:
        assert ledger.balance(session, player_id=me.player_id, stock_id="revive") == 0
        assert ledger.derived_balances(session, player_id=me.player_id) == {}


BAD_CONSUMES: list[tuple[dict[str, object], str]] = [
    ({"item_id": "revive", "quantity": 0}, "invalid_quantity"),
    ({"item_id": "revive", "quantity": -1}, "invalid_quantity"),
    ({"item_id": "revive", "quantity": 10**6}, "invalid_quantity"),
    ({"item_id": "revive", "quantity": "1"}, "invalid_request"),
    ({"item_id": "revive", "quantity": 1.5}, "invalid_request"),
    ({"item_id": "revive", "quantity": True}, "invalid_request"),
    ({"item_id": "skin.golden", "quantity": 1}, "not_consumable"),
    ({"item_id": "coins", "quantity": 1}, "not_consumable"),
    ({"quantity": 1}, "invalid_request"),
]


async def test_bad_consumes_are_400_and_change_nothing(api: Api) -> None:
    me = await login(api)
    grant(api, me, "revive", 5, "g")
    for body, code in BAD_CONSUMES:
        response = await api.client.post("/api/inventory/consume", json=body, headers=me.headers)
        assert response.status_code == 400, (body, response.text)
        assert response.json()["error"]["code"] == code, body
    inventory = await api.client.get("/api/inventory", headers=me.headers)
    assert inventory.json()["items"] == {"revive": 5}


async def test_coin_shop_buys_once(api: Api) -> None:
    me = await login(api)
    grant(api, me, "coins", 350, "g")
    bought = await api.client.post(
        "/api/shop/coins", json={"item_id": "skin_cocoa"}, headers=me.headers
    )
    assert bought.status_code == 200, bought.text
    assert bought.json() == {"inventory": {"items": {"skin.cocoa": 1}, "coins": 50}}
    again = await api.client.post(
        "/api/shop/coins", json={"item_id": "skin_cocoa"}, headers=me.headers
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_owned"


async def test_coin_shop_refuses_without_enough_coins(api: Api) -> None:
    me = await login(api)
    grant(api, me, "coins", 10, "g")
    response = await api.client.post(
        "/api/shop/coins", json={"item_id": "skin_cocoa"}, headers=me.headers
    )
    assert response.status_code == 409 and response.json()["error"]["code"] == "not_enough"
    unknown = await api.client.post(
        "/api/shop/coins", json={"item_id": "revive_pack"}, headers=me.headers
    )
    assert unknown.status_code == 404
    inventory = await api.client.get("/api/inventory", headers=me.headers)
    assert inventory.json() == {"items": {}, "coins": 10}


async def test_concurrent_coin_purchases_charge_once(api: Api) -> None:
    me = await login(api)
    grant(api, me, "coins", 1000, "g")
    responses = await asyncio.gather(
        *(
            api.client.post("/api/shop/coins", json={"item_id": "skin_cocoa"}, headers=me.headers)
            for _ in range(6)
        )
    )
    assert sorted(r.status_code for r in responses) == [200] + [409] * 5
    inventory = (await api.client.get("/api/inventory", headers=me.headers)).json()
    assert inventory == {"items": {"skin.cocoa": 1}, "coins": 700}
