"""The Open API endpoints (user info, trade orders, redeem amounts) over a real socket."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from server.sandbox import SandboxConfig

from .helpers import Clock, bearer, create_order, login, sandbox_client

CREATE = "/v2/minis/trade_order/create/"
QUERY = "/v2/minis/trade_order/query/"
REDEEM = "/v2/minis/utility/check_redeem_amounts/"


def assert_api_error(response: httpx.Response, status: int, code: str | int) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["data"] == {}
    assert set(body["error"]) == {"code", "message", "log_id"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]


def order_body(**override: Any) -> dict[str, Any]:
    info = {
        "order_id": "ord-1",
        "product_name": "Revive pack",
        "product_id": "revive",
        "quantity": 1,
    }
    body: dict[str, Any] = {"token_type": "BEANS", "token_amount": 100, "order_info": info}
    return body | override


async def test_user_info_honours_fields(client: httpx.AsyncClient) -> None:
    tokens = await login(client, display_name="Ada")
    response = await client.get(
        "/v2/user/info/",
        params={"fields": "open_id,union_id,avatar_url,display_name"},
        headers=bearer(tokens),
    )
    body = response.json()
    assert body["error"]["code"] == "ok"
    user = body["data"]["user"]
    assert set(user) == {"open_id", "union_id", "avatar_url", "display_name"}
    assert user["open_id"] == tokens["open_id"]
    assert user["display_name"] == "Ada"
    only = await client.get("/v2/user/info/?fields=display_name", headers=bearer(tokens))
    assert only.json()["data"]["user"] == {"display_name": "Ada"}


@pytest.mark.parametrize("query", ["", "?fields=", "?fields=open_id,password"])
async def test_user_info_needs_known_fields(client: httpx.AsyncClient, query: str) -> None:
    tokens = await login(client)
    response = await client.get(f"/v2/user/info/{query}", headers=bearer(tokens))
    assert_api_error(response, 400, "invalid_params")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer act.unknown"},
        {"Authorization": "Basic abc"},
        {"Authorization": ""},
    ],
)
async def test_missing_or_bad_tokens_are_access_token_invalid(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    info = await client.get("/v2/user/info/?fields=open_id", headers=headers)
    assert_api_error(info, 401, "access_token_invalid")
    create = await client.post(CREATE, headers=headers, json=order_body())
    assert_api_error(create, 401, "access_token_invalid")


async def test_expired_access_tokens_are_rejected() -> None:
    clock = Clock()
    async with sandbox_client(SandboxConfig(now=clock, access_token_ttl=600)) as client:
        tokens = await login(client)
        ok = await client.get("/v2/user/info/?fields=open_id", headers=bearer(tokens))
        assert ok.status_code == 200
        clock.advance(601)
        response = await client.get("/v2/user/info/?fields=open_id", headers=bearer(tokens))
        assert_api_error(response, 401, "access_token_invalid")


async def test_create_then_query_follows_payment(client: httpx.AsyncClient) -> None:
    tokens = await login(client)
    trade_order_id = await create_order(client, tokens, "ord-1")
    query = {"trade_order_id": trade_order_id}
    pending = (await client.post(QUERY, headers=bearer(tokens), json=query)).json()
    assert pending["data"] == {"trade_order_status": "PENDING"}
    assert (await client.post(f"/control/orders/{trade_order_id}/pay", json={})).status_code == 200
    paid = (await client.post(QUERY, headers=bearer(tokens), json=query)).json()
    assert paid["data"] == {"trade_order_status": "SUCCESS"}
    assert paid["error"]["code"] == "ok"


async def test_duplicate_order_id_is_20021002(client: httpx.AsyncClient) -> None:
    tokens = await login(client)
    await create_order(client, tokens, "ord-dup")
    again = await client.post(
        CREATE,
        headers=bearer(tokens),
        json=order_body(order_info={"order_id": "ord-dup", "product_name": "x"}),
    )
    assert_api_error(again, 400, 20021002)
    # Another user reusing the app's order_id is still a duplicate: ids are per client.
    other = await login(client)
    response = await client.post(
        CREATE,
        headers=bearer(other),
        json=order_body(order_info={"order_id": "ord-dup", "product_name": "x"}),
    )
    assert_api_error(response, 400, 20021002)


@pytest.mark.parametrize(
    "body",
    [
        [1, 2],
        "text",
        order_body(token_amount="100"),
        order_body(token_amount=0),
        order_body(token_amount=-5),
        order_body(token_amount=1.5),
        order_body(token_amount=True),
        {"token_type": "BEANS", "order_info": {"order_id": "a", "product_name": "b"}},
        order_body(token_type=None),
        order_body(token_type=7),
        order_body(order_info=None),
        order_body(order_info="ord-1"),
        order_body(order_info={"product_name": "x"}),
        order_body(order_info={"order_id": "", "product_name": "x"}),
        order_body(order_info={"order_id": "a", "product_name": "   "}),
        order_body(order_info={"order_id": 12, "product_name": "x"}),
        order_body(order_info={"order_id": "a", "product_name": "x", "quantity": 0}),
        order_body(order_info={"order_id": "a", "product_name": "x", "quantity": "1"}),
        order_body(order_info={"order_id": "a", "product_name": "x", "image_url": 5}),
        order_body(order_info={"order_id": "a" * 300, "product_name": "x"}),
    ],
)
async def test_create_rejects_malformed_bodies(client: httpx.AsyncClient, body: Any) -> None:
    tokens = await login(client)
    response = await client.post(CREATE, headers=bearer(tokens), json=body)
    assert_api_error(response, 400, "invalid_params")


async def test_create_rejects_bad_json_and_empty_bodies(client: httpx.AsyncClient) -> None:
    tokens = await login(client)
    headers = bearer(tokens) | {"Content-Type": "application/json"}
    for content in (b"{not json", b"\xff\xfe", b""):
        response = await client.post(CREATE, headers=headers, content=content)
        assert_api_error(response, 400, "invalid_params")


@pytest.mark.parametrize(
    "body",
    [order_body(token_type="COINS"), order_body(token_amount=1_000_001)],
    ids=["type", "amount"],
)
async def test_create_rejects_disallowed_values_with_40001000(
    client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    tokens = await login(client)
    assert_api_error(await client.post(CREATE, headers=bearer(tokens), json=body), 400, 40001000)


async def test_query_of_someone_elses_or_unknown_order_is_20011002(
    client: httpx.AsyncClient,
) -> None:
    owner, stranger = await login(client), await login(client)
    trade_order_id = await create_order(client, owner, "ord-own")
    for tokens, tid in ((stranger, trade_order_id), (owner, "TOIDnope")):
        response = await client.post(QUERY, headers=bearer(tokens), json={"trade_order_id": tid})
        assert_api_error(response, 400, 20011002)


@pytest.mark.parametrize("body", [{}, {"trade_order_id": ""}, {"trade_order_id": 5}, [1]])
async def test_query_needs_a_trade_order_id(client: httpx.AsyncClient, body: Any) -> None:
    tokens = await login(client)
    assert_api_error(
        await client.post(QUERY, headers=bearer(tokens), json=body), 400, "invalid_params"
    )


async def test_check_redeem_amounts(client: httpx.AsyncClient) -> None:
    tokens = await login(client)

    async def check(amounts: list[int]) -> Any:
        body = {"token_type": "BEANS", "token_amounts": amounts}
        return (await client.post(REDEEM, headers=bearer(tokens), json=body)).json()["data"]

    assert await check([1, 100, 1_000_000]) == {"valid": True}
    assert await check([100, 0]) == {"valid": False}
    assert await check([1_000_001]) == {"valid": False}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"token_type": "BEANS"}, "invalid_params"),
        ({"token_type": "BEANS", "token_amounts": []}, "invalid_params"),
        ({"token_type": "BEANS", "token_amounts": [1, "2"]}, "invalid_params"),
        ({"token_type": "BEANS", "token_amounts": 5}, "invalid_params"),
        ({"token_amounts": [1]}, "invalid_params"),
        ({"token_type": "GOLD", "token_amounts": [1]}, 40001000),
    ],
)
async def test_check_redeem_amounts_rejects_bad_bodies(
    client: httpx.AsyncClient, body: dict[str, Any], code: str | int
) -> None:
    tokens = await login(client)
    assert_api_error(await client.post(REDEEM, headers=bearer(tokens), json=body), 400, code)


async def test_unknown_open_api_path_answers_in_tiktok_style(client: httpx.AsyncClient) -> None:
    response = await client.post("/v2/minis/nope/")
    assert response.status_code == 404
    assert set(response.json()) == {"data", "error"}
    wrong_method = await client.get(CREATE)
    assert wrong_method.status_code == 405
    assert set(wrong_method.json()["error"]) == {"code", "message", "log_id"}


async def test_user_info_is_rate_limited_per_minute() -> None:
    clock = Clock()
    async with sandbox_client(SandboxConfig(now=clock, user_info_per_minute=3)) as client:
        tokens = await login(client)
        url = "/v2/user/info/?fields=open_id"
        statuses = [(await client.get(url, headers=bearer(tokens))).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = await client.get(url, headers=bearer(tokens))
        assert_api_error(limited, 429, "rate_limit_exceeded")
        other = await login(client)
        assert (await client.get(url, headers=bearer(other))).status_code == 200
        clock.advance(61)
        assert (await client.get(url, headers=bearer(tokens))).status_code == 200


async def test_get_tier_infos(client: httpx.AsyncClient) -> None:
    tokens = await login(client)
    url = "/v2/minis/utility/get_tier_infos/"
    body = {"token_type": "BEANS", "tier_ids": ["sbx_tier_350", "unknown"]}
    tiers = (await client.post(url, headers=bearer(tokens), json=body)).json()["data"]
    assert list(tiers["tier_infos"]) == ["sbx_tier_350"]
    assert tiers["tier_infos"]["sbx_tier_350"]["token_amount"] == 350
    for bad in (
        {"token_type": "BEANS"},
        {"token_type": "BEANS", "tier_ids": [1]},
        {"tier_ids": ["x"]},
    ):
        response = await client.post(url, headers=bearer(tokens), json=bad)
        assert_api_error(response, 400, "invalid_params")
