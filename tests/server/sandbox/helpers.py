"""Helpers for the sandbox tests: real servers on free ports, a webhook target, a fake clock."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.sandbox import SandboxConfig, create_app

KEY = "sbx_beanhop_client_key"
SECRET = "sbx_beanhop_client_secret"
WAIT = 10.0  # seconds a test waits for something that should happen at once


class _Server(uvicorn.Server):
    """uvicorn's server, told to stop by an event instead of polling a flag every 0.1 s."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.stop = asyncio.Event()

    async def main_loop(self) -> None:
        await self.stop.wait()

    async def shutdown(self, sockets: list[Any] | None = None) -> None:
        # uvicorn's own shutdown sleeps a fixed 0.1 s; this one polls, then runs the lifespan.
        for server in self.servers:
            server.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        try:
            async with asyncio.timeout(WAIT):
                while self.server_state.connections or self.server_state.tasks:
                    await asyncio.sleep(0.005)
        except TimeoutError:
            for task in self.server_state.tasks:
                task.cancel()
        for server in self.servers:
            await server.wait_closed()
        await self.lifespan.shutdown()


@asynccontextmanager
async def serve(app: Any) -> AsyncIterator[str]:
    """Run ``app`` with uvicorn on 127.0.0.1, a free port, in this event loop; yield its URL."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, log_level="warning", ws="none", lifespan="on"
    )
    config.timeout_graceful_shutdown = 5
    server = _Server(config)
    task = asyncio.create_task(server.serve())
    async with asyncio.timeout(WAIT):
        while not server.started:
            assert not task.done(), "the server did not start"
            await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop.set()
        await task


@dataclass
class Target:
    """A webhook receiver: answers ``fail_status`` to the first ``failures`` requests, then 200."""

    failures: int = 0
    fail_status: int = 500
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    async def hook(self, request: Request) -> Response:
        self.requests.append((dict(request.headers), await request.body()))
        failing = len(self.requests) <= self.failures
        return Response("no" if failing else "ok", self.fail_status if failing else 200)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/webhooks/tiktok", self.hook, methods=["POST"])])

    async def wait_for(self, count: int) -> None:
        async with asyncio.timeout(WAIT):
            while len(self.requests) < count:
                await asyncio.sleep(0.01)


class Clock:
    """An injectable clock that moves only when told to."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def split_signature(header: str) -> tuple[int, str]:
    parts = dict(part.split("=", 1) for part in header.split(","))
    return int(parts["t"]), parts["s"]


def signature_ok(header: str, body: bytes, secret: str = SECRET) -> bool:
    """The test's own check of TikTok's signature: hex HMAC-SHA256 of ``t.body``."""
    timestamp, sent = split_signature(header)
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), sent)


@asynccontextmanager
async def sandbox_client(
    config: SandboxConfig | None = None, *, http_client: httpx.AsyncClient | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """A client for a sandbox app served over a real socket (the app is ``client.app``)."""
    app = create_app(config or SandboxConfig(), http_client=http_client)
    async with serve(app) as base, httpx.AsyncClient(base_url=base) as client:
        client.app = app  # type: ignore[attr-defined]
        yield client


async def login(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    """A login code for a (new) user exchanged for tokens: the flat token response."""
    code = (await client.post("/control/login_codes", json=body)).json()["code"]
    form = {"client_key": KEY, "client_secret": SECRET, "code": code}
    response = await client.post(
        "/v2/oauth/token/", data=form | {"grant_type": "authorization_code"}
    )
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def create_order(
    client: httpx.AsyncClient, tokens: dict[str, Any], order_id: str, amount: int = 100
) -> str:
    body = {
        "token_type": "BEANS",
        "token_amount": amount,
        "order_info": {"order_id": order_id, "product_name": "Revive pack"},
    }
    response = await client.post("/v2/minis/trade_order/create/", headers=bearer(tokens), json=body)
    assert response.status_code == 200, response.text
    trade_order_id: str = response.json()["data"]["trade_order_id"]
    return trade_order_id


async def wait_delivery(client: httpx.AsyncClient, delivery_id: str, *statuses: str) -> Any:
    """Poll the delivery log until the delivery reaches one of ``statuses``."""
    async with asyncio.timeout(WAIT):
        while True:
            delivery = (await client.get(f"/control/deliveries/{delivery_id}")).json()
            if delivery["status"] in statuses:
                return delivery
            await asyncio.sleep(0.02)
