"""The control API: users, login codes, paying and refunding, the logs, reset, bad input."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .helpers import create_order, login

USER_KEYS = {"open_id", "union_id", "display_name", "avatar_url", "beans"}
ORDER_KEYS = {
    "trade_order_id",
    "order_id",
    "open_id",
    "token_amount",
    "product_name",
    "status",
    "refunded_amount",
    "created_at",
    "paid_at",
}


def assert_control_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert set(response.json()) == {"error"}
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]


async def test_users_are_created_listed_and_fetched(client: httpx.AsyncClient) -> None:
    response = await client.post("/control/users", json={"display_name": "Ada", "beans": 500})
    assert response.status_code == 201
    user = response.json()
    assert set(user) == USER_KEYS
    assert user["display_name"] == "Ada" and user["beans"] == 500
    chosen = (await client.post("/control/users", json={"open_id": "player-7"})).json()
    assert chosen["open_id"] == "player-7"
    listed = (await client.get("/control/users")).json()["users"]
    assert [u["open_id"] for u in listed] == [user["open_id"], "player-7"]
    assert (await client.get("/control/users/player-7")).json() == chosen
    assert_control_error(await client.get("/control/users/nobody"), 404, "not_found")
    again = await client.post("/control/users", json={"open_id": "player-7"})
    assert_control_error(again, 409, "conflict")


async def test_users_beans_and_names_can_be_changed(client: httpx.AsyncClient) -> None:
    await client.post("/control/users", json={"open_id": "p1", "beans": 10})
    changed = await client.patch("/control/users/p1", json={"beans": 900})
    assert changed.json()["beans"] == 900
    renamed = await client.patch("/control/users/p1", json={"display_name": "Cy"})
    assert renamed.json()["display_name"] == "Cy" and renamed.json()["beans"] == 900
    for bad in ({"beans": -1}, {"open_id": "p2"}, {"display_name": ""}):
        response = await client.patch("/control/users/p1", json=bad)
        assert_control_error(response, 400, "invalid_request")
    missing = await client.patch("/control/users/nobody", json={"beans": 1})
    assert_control_error(missing, 404, "not_found")


@pytest.mark.parametrize(
    "body",
    [{"beans": -1}, {"beans": "10"}, {"beans": True}, {"display_name": 5}, {"open_id": ""}, [1]],
)
async def test_bad_user_bodies_are_400(client: httpx.AsyncClient, body: Any) -> None:
    assert_control_error(await client.post("/control/users", json=body), 400, "invalid_request")


async def test_bad_json_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/control/users", content=b"{oops", headers={"Content-Type": "application/json"}
    )
    assert_control_error(response, 400, "invalid_request")


async def test_login_codes_for_new_and_existing_users(client: httpx.AsyncClient) -> None:
    fresh = await client.post("/control/login_codes", json={"display_name": "Bo"})
    assert fresh.status_code == 201
    body = fresh.json()
    assert set(body) == {"code", "open_id", "expires_in"}
    assert body["expires_in"] == 300
    assert (await client.get(f"/control/users/{body['open_id']}")).json()["display_name"] == "Bo"
    again = (await client.post("/control/login_codes", json={"open_id": body["open_id"]})).json()
    assert again["open_id"] == body["open_id"] and again["code"] != body["code"]
    unknown = await client.post("/control/login_codes", json={"open_id": "nobody"})
    assert_control_error(unknown, 404, "not_found")
    no_body = await client.post("/control/login_codes")
    assert no_body.status_code == 201


async def test_orders_are_listed_and_paid_once(client: httpx.AsyncClient) -> None:
    tokens = await login(client)
    trade_order_id = await create_order(client, tokens, "ord-1", amount=250)
    (listed,) = (await client.get("/control/orders")).json()["orders"]
    assert set(listed) >= ORDER_KEYS
    assert listed["status"] == "PENDING" and listed["paid_at"] is None
    assert listed["token_amount"] == 250 and listed["open_id"] == tokens["open_id"]
    paid = await client.post(f"/control/orders/{trade_order_id}/pay", json={})
    assert paid.json()["order"]["status"] == "SUCCESS"
    assert paid.json()["order"]["paid_at"] is not None
    fetched = (await client.get(f"/control/orders/{trade_order_id}")).json()
    assert fetched["status"] == "SUCCESS"
    twice = await client.post(f"/control/orders/{trade_order_id}/pay", json={})
    assert_control_error(twice, 409, "already_paid")
    assert_control_error(await client.post("/control/orders/TOIDx/pay"), 404, "not_found")
    assert_control_error(await client.get("/control/orders/TOIDx"), 404, "not_found")
    bad = await client.post(f"/control/orders/{trade_order_id}/pay", json={"require_balance": 1})
    assert_control_error(bad, 400, "invalid_request")


async def test_paying_without_balance_works_unless_required(client: httpx.AsyncClient) -> None:
    tokens = await login(client)
    free = await create_order(client, tokens, "ord-free", amount=100)
    assert (await client.post(f"/control/orders/{free}/pay", json={})).status_code == 200
    strict = await create_order(client, tokens, "ord-strict", amount=100)
    broke = await client.post(f"/control/orders/{strict}/pay", json={"require_balance": True})
    assert_control_error(broke, 402, "insufficient_balance")
    assert (await client.get(f"/control/orders/{strict}")).json()["status"] == "PENDING"


async def test_require_balance_deducts_beans(client: httpx.AsyncClient) -> None:
    await client.post("/control/users", json={"open_id": "rich", "beans": 150})
    tokens = await login(client, open_id="rich")
    trade_order_id = await create_order(client, tokens, "ord-rich", amount=100)
    paid = await client.post(
        f"/control/orders/{trade_order_id}/pay", json={"require_balance": True}
    )
    assert paid.status_code == 200
    assert (await client.get("/control/users/rich")).json()["beans"] == 50


async def test_refunds_are_checked(client: httpx.AsyncClient) -> None:
    tokens = await login(client)
    trade_order_id = await create_order(client, tokens, "ord-r", amount=100)
    url = f"/control/orders/{trade_order_id}/refund"
    assert_control_error(await client.post(url, json={"amount": 10}), 409, "not_paid")
    await client.post(f"/control/orders/{trade_order_id}/pay", json={})
    for bad in ({}, {"amount": "10"}, {"amount": 1.5}):
        assert_control_error(await client.post(url, json=bad), 400, "invalid_request")
    for amount in (0, 101):
        assert_control_error(await client.post(url, json={"amount": amount}), 400, "invalid_amount")
    assert (await client.post(url, json={"amount": 60})).json()["order"]["refunded_amount"] == 60
    assert_control_error(await client.post(url, json={"amount": 41}), 400, "invalid_amount")
    assert (await client.post(url, json={"amount": 40})).json()["order"]["refunded_amount"] == 100
    assert_control_error(
        await client.post("/control/orders/TOIDx/refund", json={"amount": 1}), 404, "not_found"
    )


async def test_deliveries_are_listed_and_fetched(client: httpx.AsyncClient) -> None:
    tokens = await login(client)
    trade_order_id = await create_order(client, tokens, "ord-d")
    ids = (await client.post(f"/control/orders/{trade_order_id}/pay", json={})).json()["deliveries"]
    listed = (await client.get("/control/deliveries")).json()["deliveries"]
    assert [d["id"] for d in listed] == ids
    keys = {"id", "event", "trade_order_id", "url", "status", "attempts", "body", "signature"}
    assert keys <= set(listed[0])
    assert listed[0]["trade_order_id"] == trade_order_id
    assert_control_error(await client.get("/control/deliveries/dlv_x"), 404, "not_found")


async def test_reset_forgets_everything(client: httpx.AsyncClient) -> None:
    tokens = await login(client)
    await create_order(client, tokens, "ord-z")
    await client.put("/control/faults", json={"drop": True})
    assert (await client.post("/control/reset")).status_code == 200
    assert (await client.get("/control/orders")).json() == {"orders": []}
    assert (await client.get("/control/users")).json() == {"users": []}
    assert (await client.get("/control/faults")).json()["drop"] is False
    info = await client.get(
        "/v2/user/info/?fields=open_id",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    assert info.status_code == 401


async def test_unknown_control_paths_and_methods(client: httpx.AsyncClient) -> None:
    assert_control_error(await client.get("/control/nope"), 404, "not_found")
    assert (await client.delete("/control/orders")).status_code == 405
