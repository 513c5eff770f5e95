"""The sandbox's answers compared field for field with TikTok's documented examples.

The examples are kept here as documented: the trade order and webhook ones from TikTok's
"Mini Games Monetization" page (developers.tiktok.com/doc/mini-games-monetization, the project's
seed), the token, user info and error ones from minis-oauth, minis-user-data and
minis-payment-apis (summarised in ../shared/reference/ttminis.md sections 2 and 3). Values
differ, so the check is: the same keys at every level, and the same JSON types.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from .helpers import KEY, SECRET, Target, bearer, create_order, login

DOC_TOKEN = {
    "access_token": "act.example12345Example12345Example",
    "expires_in": 86400,
    "open_id": "afd97af1-b87b-48b9-ac98-410aghda5344",
    "refresh_expires_in": 31536000,
    "refresh_token": "rft.example12345Example12345Example",
    "scope": "user.info.basic",
    "token_type": "Bearer",
}
DOC_CLIENT_TOKEN = {
    "access_token": "clt.example12345Example12345Example",
    "expires_in": 7200,
    "token_type": "Bearer",
}
DOC_OAUTH_ERROR = {
    "error": "invalid_grant",
    "error_description": "Authorization code is expired.",
    "log_id": "202206221854370101130062072500FFA2",
}
DOC_USER_INFO = {
    "data": {
        "user": {
            "avatar_url": "https://p19-sign.tiktokcdn-us.com/tos-useast5-avt-0068-tx/b17f0e4b3a4f4a50993cf72cda8b88b8~c5_168x168.jpeg",
            "open_id": "723f24d7-e717-40f8-a2b6-cb8464cd23b4",
            "union_id": "c9c60f44-a68e-4f5d-84dd-ce22faeb0ba1",
            "display_name": "Tik Toker",
        }
    },
    "error": {"code": "ok", "message": "", "log_id": "20220829194722CBE87ED59D524E727021"},
}
DOC_CREATE = {
    "data": {"trade_order_id": "xxxx"},
    "error": {"code": "ok", "message": "", "log_id": "20241125114034036EE8AEADBAF91D5E93"},
}
DOC_QUERY = {
    "data": {"trade_order_status": "SUCCESS"},
    "error": {"code": "ok", "message": "", "log_id": "20241125114034036EE8AEADBAF91D5E93"},
}
DOC_REDEEM = {
    "data": {"valid": True},
    "error": {"code": "ok", "message": "", "log_id": "20241125114034036EE8AEADBAF91D5E93"},
}
DOC_TIERS = {
    "data": {
        "tier_infos": {
            "1731381720000100": {
                "tier_id": "1731381720000100",
                "tier_name": "pd_beans_showcase_100",
                "token_amount": 100,
                "token_type": "BEANS",
                "price": "1.19",
                "currency": "USD",
                "symbol": "$",
            }
        }
    },
    # TikTok's example spells it "log_od"; every other example says "log_id".
    "error": {"code": "ok", "message": "", "log_id": "202411190743174589DAA30620D104990F"},
}
DOC_API_ERROR = {
    "data": {},
    "error": {
        "code": "access_token_invalid",
        "message": "The access token is invalid or not found in the request.",
        "log_id": "20230525211907FD2E0A9D7EF5F4CA2F0E",
    },
}
DOC_WEBHOOK_SUCCESS = {
    "client_key": "your_client_key",
    "event": "minis.trade_order.redeem.success",
    "create_time": 1615338610,
    "user_openid": "",
    "content": '{"trade_order_id":"TOID667700996","order_id":"order_id_as_in_your_system"}',
}
DOC_WEBHOOK_REFUND = {
    "client_key": "your_client_key",
    "event": "minis.trade_order.redeem.refund_traceback",
    "create_time": 1744946518,
    "user_openid": "",
    "content": (
        '{"trade_order_id":"TOID2157c5ba03","order_id":"order_id_as_in_your_system",'
        '"is_sandbox":true,"refund_amount":80}'
    ),
}


def shape(value: Any) -> Any:
    """Keys and JSON types, recursively; ``content`` strings are parsed like a receiver would."""
    if isinstance(value, dict):
        return {k: shape(json.loads(v) if k == "content" else v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value]
    return type(value).__name__


def assert_same_shape(ours: Any, documented: Any) -> None:
    assert shape(ours) == shape(documented)


async def test_token_shapes(client: httpx.AsyncClient) -> None:
    assert_same_shape(await login(client), DOC_TOKEN)
    form = {"client_key": KEY, "client_secret": SECRET}
    client_token = await client.post(
        "/v2/oauth/token/", data=form | {"grant_type": "client_credentials"}
    )
    assert_same_shape(client_token.json(), DOC_CLIENT_TOKEN)
    error = await client.post(
        "/v2/oauth/token/", data=form | {"grant_type": "authorization_code", "code": "nope"}
    )
    assert_same_shape(error.json(), DOC_OAUTH_ERROR)


async def test_open_api_shapes(client: httpx.AsyncClient) -> None:
    tokens = await login(client)
    info = await client.get(
        "/v2/user/info/?fields=avatar_url,open_id,union_id,display_name", headers=bearer(tokens)
    )
    assert_same_shape(info.json(), DOC_USER_INFO)
    body = {
        "token_type": "BEANS",
        "token_amount": 100,
        "order_info": {
            "order_id": "external_order_id_003",
            "product_name": "Wake up dad! wedding time",
            "product_id": "external_product_id",
            "order_url": "/profile/order_history/external_product_id",
            "quantity": 1,
            "quantity_unit": "episode",
            "iamge_url": "https//your.domain/pics/wake_up_dad.jpg",
        },
    }
    created = await client.post("/v2/minis/trade_order/create/", headers=bearer(tokens), json=body)
    assert_same_shape(created.json(), DOC_CREATE)
    trade_order_id = created.json()["data"]["trade_order_id"]
    query = await client.post(
        "/v2/minis/trade_order/query/",
        headers=bearer(tokens),
        json={"trade_order_id": trade_order_id},
    )
    assert_same_shape(query.json(), DOC_QUERY)
    redeem = await client.post(
        "/v2/minis/utility/check_redeem_amounts/",
        headers=bearer(tokens),
        json={"token_type": "BEANS", "token_amounts": [100]},
    )
    assert_same_shape(redeem.json(), DOC_REDEEM)
    tiers = await client.post(
        "/v2/minis/utility/get_tier_infos/",
        headers=bearer(tokens),
        json={"token_type": "BEANS", "tier_ids": ["1731381720000100"]},
    )
    assert_same_shape(tiers.json(), DOC_TIERS)
    assert tiers.json()["data"] == DOC_TIERS["data"]
    denied = await client.get("/v2/user/info/?fields=open_id")
    assert_same_shape(denied.json(), DOC_API_ERROR)


async def test_webhook_shapes(client: httpx.AsyncClient, target: Target) -> None:
    tokens = await login(client)
    trade_order_id = await create_order(client, tokens, "order_id_as_in_your_system")
    await client.post(f"/control/orders/{trade_order_id}/pay", json={})
    await client.post(f"/control/orders/{trade_order_id}/refund", json={"amount": 80})
    await target.wait_for(2)
    by_event = {json.loads(body)["event"]: json.loads(body) for _, body in target.requests}
    success = by_event["minis.trade_order.redeem.success"]
    # TikTok's success example predates is_sandbox; its refund example (a sandbox order) has it.
    documented = json.loads(DOC_WEBHOOK_SUCCESS["content"]) | {"is_sandbox": True}
    assert_same_shape(success, DOC_WEBHOOK_SUCCESS | {"content": json.dumps(documented)})
    assert_same_shape(by_event["minis.trade_order.redeem.refund_traceback"], DOC_WEBHOOK_REFUND)
    assert list(success) == list(DOC_WEBHOOK_SUCCESS), "the envelope keeps TikTok's key order"
