"""The sandbox mounted under ``/sandbox`` in a host app, as the game server does it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request, Response

from server.sandbox import SandboxConfig, create_app

from .conftest import FAST_RETRY
from .helpers import KEY, SECRET, serve, signature_ok, wait_delivery


def host_app(received: list[tuple[str, bytes]]) -> FastAPI:
    """A stand-in for the game server: mounts the sandbox and receives its webhooks."""
    sandbox = create_app(SandboxConfig(retry=FAST_RETRY))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await sandbox.state.sandbox.aclose()

    app = FastAPI(lifespan=lifespan)

    @app.post("/webhooks/tiktok")
    async def webhook(request: Request) -> Response:
        received.append((request.headers["TikTok-Signature"], await request.body()))
        return Response(status_code=200)

    app.mount("/sandbox", sandbox)
    return app


async def test_mounted_sandbox_serves_tiktok_paths_and_delivers_to_its_host() -> None:
    received: list[tuple[str, bytes]] = []
    async with (
        serve(host_app(received)) as base,
        httpx.AsyncClient(base_url=f"{base}/sandbox") as client,
    ):
        await client.put("/control/webhook", json={"url": f"{base}/webhooks/tiktok"})
        code = (await client.post("/control/login_codes", json={})).json()["code"]
        form = {"client_key": KEY, "client_secret": SECRET, "code": code}
        grant = form | {"grant_type": "authorization_code"}
        tokens = (await client.post("/v2/oauth/token/", data=grant)).json()
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        body = {
            "token_type": "BEANS",
            "token_amount": 100,
            "order_info": {"order_id": "mounted-1", "product_name": "Golden skin"},
        }
        created = await client.post("/v2/minis/trade_order/create", headers=headers, json=body)
        trade_order_id = created.json()["data"]["trade_order_id"]
        paid = await client.post(f"/control/orders/{trade_order_id}/pay", json={})
        (delivery_id,) = paid.json()["deliveries"]
        delivery = await wait_delivery(client, delivery_id, "delivered", "failed")
        missing = await client.get("/control/orders/TOIDnope")
    assert delivery["status"] == "delivered"
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    ((header, raw),) = received
    assert signature_ok(header, raw)


async def test_aclose_is_safe_twice_and_before_any_use() -> None:
    app = create_app(SandboxConfig())
    await app.state.sandbox.aclose()
    await app.state.sandbox.aclose()


async def test_asgi_transport_works_without_lifespan() -> None:
    app = create_app(SandboxConfig())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
        response = await client.post("/control/users", json={"display_name": "Asgi"})
        assert response.status_code == 201
    await app.state.sandbox.aclose()


ROUTES = [
    ("POST", "/v2/oauth/token/"),
    ("GET", "/v2/user/info/"),
    ("POST", "/v2/minis/trade_order/create/"),
    ("POST", "/v2/minis/trade_order/query/"),
    ("POST", "/v2/minis/utility/check_redeem_amounts/"),
    ("POST", "/control/users"),
    ("GET", "/control/users/%00%ff"),
    ("POST", "/control/login_codes"),
    ("GET", "/control/orders/..%2F..%2Fetc"),
    ("POST", "/control/orders/TOIDx/pay"),
    ("POST", "/control/orders/TOIDx/refund"),
    ("PUT", "/control/orders/TOIDx/faults"),
    ("POST", "/control/deliveries/dlv_x/replay"),
    ("PUT", "/control/faults"),
    ("PUT", "/control/webhook"),
]
JUNK: list[tuple[bytes, str]] = [
    (b"", "application/json"),
    (b"null", "application/json"),
    (b"[]", "application/json"),
    (b'"text"', "application/json"),
    (b'{"a":', "application/json"),
    (b"\x00\xff\xfe", "application/octet-stream"),
    (b'{"amount": 1e999, "beans": -0, "url": {}}', "application/json"),
    (b"a=%ZZ&&==&grant_type=", "application/x-www-form-urlencoded"),
    (b"x" * 2_000_000, "application/json"),
]


async def test_no_junk_gets_a_500_or_a_non_json_answer(client: httpx.AsyncClient) -> None:
    code = (await client.post("/control/login_codes", json={})).json()["code"]
    form = {"client_key": KEY, "client_secret": SECRET, "code": code}
    grant = form | {"grant_type": "authorization_code"}
    token = (await client.post("/v2/oauth/token/", data=grant)).json()["access_token"]
    for auth in ({}, {"Authorization": f"Bearer {token}"}):
        for method, path in ROUTES:
            for content, content_type in JUNK:
                headers = auth | {"Content-Type": content_type}
                response = await client.request(method, path, content=content, headers=headers)
                assert response.status_code < 500, (method, path, content[:20], response.text)
                assert isinstance(response.json(), dict)
