"""`create_app(settings)`: the game's API, its middleware, and (SANDBOX=1) the TikTok sandbox.

The only module that knows routes and middleware. Everything is built here from the settings, with
no import-time state: tests build as many apps as they like.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import datetime
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.staticfiles import StaticFiles

from server import handlers, reconcile
from server.errors import TikTokError
from server.middleware import BodyLimit, JsonBodies, RequestLog
from server.routes import ads, catalog, health, inventory, orders, players, session, webhooks
from server.services import Services
from server.settings import Settings
from server.static import PrecompressedStaticFiles

log = logging.getLogger("server")

# The routers of the API. Payments add theirs here (webhooks).
ROUTERS: list[APIRouter] = [
    health.router,
    session.router,
    catalog.router,
    players.router,
    orders.router,
    inventory.router,
    ads.router,
    webhooks.router,  # payments (issue 5)
]


async def check_catalog_prices(ctx: Services) -> None:
    """Ask TikTok whether every catalog price is a valid Beans amount; warn, never crash."""
    if ctx.settings.sandbox:
        return
    try:
        token = await ctx.tiktok.client_token()
        valid = await ctx.tiktok.check_redeem_amounts(token, ctx.catalog.prices())
    except TikTokError as exc:
        log.warning("could not check the catalog prices with TikTok (%s): %s", exc.code, exc)
        return
    if valid:
        log.info("TikTok accepts the catalog prices %s", ctx.catalog.prices())
    else:
        log.error(
            "TikTok rejects some catalog prices %s: fix server/catalog.json", ctx.catalog.prices()
        )


# Tasks run for the app's lifetime (cancelled at shutdown). Payments add the reconciler here.
BACKGROUND: list[Callable[[Services], Coroutine[Any, Any, None]]] = [
    check_catalog_prices,
    reconcile.run_forever,  # payments (issue 5)
]


def _session_secret(settings: Settings) -> str:
    if settings.session_secret:
        return settings.session_secret
    assert not settings.is_production, "production refuses to start without SESSION_SECRET"
    log.warning("SESSION_SECRET is unset: using a random one, sessions end with this process")
    return secrets.token_urlsafe(32)


def _sandbox(app: FastAPI, settings: Settings) -> Any:
    from server.sandbox import SandboxConfig
    from server.sandbox import create_app as create_sandbox_app

    config = SandboxConfig(
        client_key=settings.tiktok_client_key,
        client_secret=settings.tiktok_client_secret,
        webhook_url=f"{settings.base_url}/webhooks/tiktok",
    )
    sandbox_app = create_sandbox_app(config)
    app.state.sandbox_app = sandbox_app
    return sandbox_app


def _tiktok_http(settings: Settings, sandbox_app: Any) -> httpx.AsyncClient:
    if sandbox_app is not None:
        # The sandbox is mounted in this very app: speak to it in-process, at the same URLs
        # ({PUBLIC_BASE_URL}/sandbox/...), without a trip through our own middleware.
        transport: httpx.AsyncBaseTransport = httpx.ASGITransport(
            app=sandbox_app, root_path="/sandbox"
        )
    else:
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
        transport = httpx.AsyncHTTPTransport(limits=limits, retries=0)
    return httpx.AsyncClient(transport=transport, headers={"User-Agent": "bean-hop-server"})


def create_app(
    settings: Settings,
    *,
    tiktok_http: httpx.AsyncClient | None = None,
    clock: Callable[[], datetime] | None = None,
) -> FastAPI:
    """The ASGI app. `tiktok_http` (tests) replaces the client that talks to TikTok."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        tasks: list[asyncio.Task[None]] = [asyncio.create_task(job(services)) for job in BACKGROUND]
        try:
            yield
        finally:
            await _shutdown(app, tasks)

    docs = settings.serves_api_docs  # off in production unless API_DOCS=1
    app = FastAPI(
        title="Bean Hop server",
        version="0.1.0",
        description="Login exchange, shop, orders, inventory and ad rewards for Bean Hop.",
        lifespan=lifespan,
        openapi_url="/openapi.json" if docs else None,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
    )
    sandbox_app = _sandbox(app, settings) if settings.sandbox else None
    own_http = tiktok_http is None
    http = tiktok_http or _tiktok_http(settings, sandbox_app)
    services = Services.build(settings, http=http, secret=_session_secret(settings), clock=clock)
    app.state.services = services
    app.state.owned_http = http if own_http else None
    app.state.limiter = MovingWindowRateLimiter(MemoryStorage())
    handlers.install(app)
    for router in ROUTERS:
        app.include_router(router)
    _add_middleware(app, settings)
    if sandbox_app is not None:
        app.mount("/sandbox", sandbox_app, name="sandbox")
    app.mount("/assets", StaticFiles(directory=settings.assets_dir, check_dir=False), "assets")
    if settings.web_dir is not None:  # last: it answers every path the API does not
        web = PrecompressedStaticFiles(directory=settings.web_dir, html=True)
        app.mount("/", web, name="web")
    return app


def _add_middleware(app: FastAPI, settings: Settings) -> None:
    if settings.cors_origin_list:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origin_list,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
            expose_headers=["Retry-After", "X-Request-ID"],
            max_age=600,
        )
    app.add_middleware(JsonBodies)
    app.add_middleware(
        BodyLimit,
        default=settings.max_body_bytes,
        overrides={"/webhooks/": settings.webhook_max_body_bytes},
    )
    app.add_middleware(RequestLog)


async def _shutdown(app: FastAPI, tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    sandbox_app = getattr(app.state, "sandbox_app", None)
    if sandbox_app is not None:
        await sandbox_app.state.sandbox.aclose()
    if app.state.owned_http is not None:
        await app.state.owned_http.aclose()
    app.state.services.db.dispose()
