"""Helpers for the payments tests: orders over the API, webhooks signed like TikTok signs them."""

from __future__ import annotations

import json
from typing import Any

import httpx

from server.webhooks import EVENT_REFUND, EVENT_SUCCESS, sign
from tests.server.conftest import Api, Session


async def open_order(api: Api, me: Session, item_id: str = "revive_pack") -> dict[str, Any]:
    response = await api.client.post("/api/orders", json={"item_id": item_id}, headers=me.headers)
    assert response.status_code == 201, response.text
    order: dict[str, Any] = response.json()
    return order


def envelope(
    event: str,
    *,
    client_key: str,
    create_time: int = 1_800_000_000,
    user_openid: str = "",
    **content: Any,
) -> bytes:
    return json.dumps(
        {
            "client_key": client_key,
            "event": event,
            "create_time": create_time,
            "user_openid": user_openid,
            "content": json.dumps(content, separators=(",", ":")),
        }
    ).encode()


def success_body(api: Api, order: dict[str, Any], **extra: Any) -> bytes:
    content = {"trade_order_id": order["trade_order_id"], "order_id": order["order_id"]} | extra
    return envelope(EVENT_SUCCESS, client_key=api.settings.tiktok_client_key, **content)


def refund_body(api: Api, order: dict[str, Any], amount: int, *, create_time: int = 1) -> bytes:
    return envelope(
        EVENT_REFUND,
        client_key=api.settings.tiktok_client_key,
        create_time=create_time,
        trade_order_id=order["trade_order_id"],
        order_id=order["order_id"],
        refund_amount=amount,
    )


async def deliver(
    api: Api, body: bytes, *, secret: str | None = None, at: int | None = None
) -> httpx.Response:
    """POST a webhook freshly signed (with the app's secret and the shared clock by default)."""
    secret = secret or api.settings.tiktok_client_secret
    timestamp = int(api.clock.epoch()) if at is None else at
    headers = {
        "Content-Type": "application/json",
        "TikTok-Signature": sign(body, secret, timestamp),
    }
    return await api.client.post("/webhooks/tiktok", content=body, headers=headers)


async def items(api: Api, me: Session) -> dict[str, int]:
    response = await api.client.get("/api/inventory", headers=me.headers)
    assert response.status_code == 200, response.text
    result: dict[str, int] = response.json()["items"]
    coins = response.json().get("coins", 0)
    return {k: v for k, v in ({**result, "coins": coins}).items() if v}


async def status(api: Api, me: Session, order: dict[str, Any]) -> dict[str, Any]:
    response = await api.client.get(f"/api/orders/{order['order_id']}", headers=me.headers)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data
