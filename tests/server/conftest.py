"""Fixtures for the server's tests: the app over httpx.ASGITransport, against engineer A's sandbox.

`api` is a running app (lifespan entered) whose TikTok client talks to an in-process sandbox; the
sandbox and the app share one controllable `clock`. `login(api)` gives a fresh player's session.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from server.app import create_app
from server.db import Database
from server.sandbox import SandboxConfig
from server.sandbox import create_app as create_sandbox_app
from server.settings import Settings

TIKTOK_BASE = "http://tiktok.test"
PUBLIC_BASE = "http://game.test"


class Clock:
    """Wall time plus an offset the test moves forward."""

    def __init__(self) -> None:
        self.offset = 0.0

    def advance(self, seconds: float) -> None:
        self.offset += seconds

    def epoch(self) -> float:
        return time.time() + self.offset

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.offset)


@dataclass
class Api:
    """A running app, a client for it, and the sandbox playing TikTok."""

    app: FastAPI
    client: httpx.AsyncClient
    sandbox: httpx.AsyncClient
    clock: Clock
    settings: Settings
    tiktok_requests: list[httpx.Request] = field(default_factory=list)

    @property
    def db(self) -> Database:
        db: Database = self.app.state.services.db
        return db


@dataclass
class Session:
    token: str
    open_id: str
    player_id: int
    headers: dict[str, str]


def make_settings(database_url: str, tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": database_url,
        "session_secret": "test-session-secret-0123456789",
        "tiktok_api_base": TIKTOK_BASE,
        "public_base_url": PUBLIC_BASE,
        "assets_dir": tmp_path / "assets",
        "session_rate_limit": "1000/minute",
        "tiktok_timeout_seconds": 2.0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def start_api(
    settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None
) -> AsyncIterator[Api]:
    """Build, migrate and run one app with its sandbox; tear it all down afterwards."""
    clock = Clock()
    sandbox_app = create_sandbox_app(
        SandboxConfig(
            client_key=settings.tiktok_client_key,
            client_secret=settings.tiktok_client_secret,
            now=clock.epoch,
        )
    )
    requests: list[httpx.Request] = []

    async def record(request: httpx.Request) -> None:
        requests.append(request)

    tiktok_transport = transport or httpx.ASGITransport(app=sandbox_app)
    tiktok_http = httpx.AsyncClient(transport=tiktok_transport, event_hooks={"request": [record]})
    database = Database(settings.database_url)
    database.migrate()
    database.dispose()
    app = create_app(settings, tiktok_http=tiktok_http, clock=clock.now)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC_BASE) as client,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=sandbox_app), base_url=TIKTOK_BASE
        ) as sandbox,
    ):
        try:
            yield Api(app, client, sandbox, clock, settings, requests)
        finally:
            await sandbox_app.state.sandbox.aclose()
            await tiktok_http.aclose()


@pytest.fixture
def settings_for(tmp_path: Path, database_url: str) -> Callable[..., Settings]:
    def build(**overrides: Any) -> Settings:
        return make_settings(database_url, tmp_path, **overrides)

    return build


@pytest.fixture
async def api(settings_for: Callable[..., Settings]) -> AsyncIterator[Api]:
    async for running in start_api(settings_for()):
        yield running


async def login_code(api: Api, *, open_id: str | None = None, name: str = "Ann") -> str:
    body: dict[str, Any] = {"display_name": name}
    if open_id:
        body["open_id"] = open_id
    response = await api.sandbox.post("/control/login_codes", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["code"])


async def login(api: Api, *, name: str = "Ann", open_id: str | None = None) -> Session:
    code = await login_code(api, open_id=open_id, name=name)
    response = await api.client.post("/api/session", json={"code": code})
    assert response.status_code == 200, response.text
    body = response.json()
    claims = api.app.state.services.sessions.verify(body["token"])
    return Session(
        token=body["token"],
        open_id=body["player"]["open_id"],
        player_id=claims.player_id,
        headers={"Authorization": f"Bearer {body['token']}"},
    )


def grant(api: Api, session: Session, stock_id: str, amount: int, key: str) -> None:
    """Put stock into a player's inventory directly (the way payments or an operator would)."""
    from server import ledger

    with api.db.transaction() as db_session:
        ledger.append(
            db_session,
            player_id=session.player_id,
            stock_id=stock_id,
            delta=amount,
            reason="admin",
            idempotency_key=key,
        )
