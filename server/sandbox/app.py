"""``create_app``: the sandbox as an ASGI app, standalone or mounted (e.g. under ``/sandbox``).

A mounted Starlette app gets no lifespan events, so nothing starts at startup: deliveries start on
first use, and the host calls ``await app.state.sandbox.aclose()`` on shutdown (standalone, the
app's own lifespan does it).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from . import api, control, oauth
from .config import SandboxConfig
from .core import Sandbox
from .errors import ControlError, OAuthError, OpenApiError


def _tiktok(path: str, endpoint: object, methods: list[str]) -> list[BaseRoute]:
    """TikTok's path with its trailing slash, and the same without it (no redirect needed)."""
    return [Route(p, endpoint, methods=methods) for p in (path, path.rstrip("/"))]  # type: ignore[arg-type]


def _routes() -> list[BaseRoute]:
    c = control
    return [
        *_tiktok("/v2/oauth/token/", oauth.token, ["POST"]),
        *_tiktok("/v2/user/info/", api.user_info, ["GET"]),
        *_tiktok("/v2/minis/trade_order/create/", api.create_order, ["POST"]),
        *_tiktok("/v2/minis/trade_order/query/", api.query_order, ["POST"]),
        *_tiktok("/v2/minis/utility/check_redeem_amounts/", api.check_redeem_amounts, ["POST"]),
        *_tiktok("/v2/minis/utility/get_tier_infos/", api.get_tier_infos, ["POST"]),
        Route("/control/users", c.create_user, methods=["POST"]),
        Route("/control/users", c.list_users, methods=["GET"]),
        Route("/control/users/{open_id}", c.get_user, methods=["GET"]),
        Route("/control/users/{open_id}", c.update_user, methods=["PATCH"]),
        Route("/control/login_codes", c.create_login_code, methods=["POST"]),
        Route("/control/orders", c.list_orders, methods=["GET"]),
        Route("/control/orders/{trade_order_id}", c.get_order, methods=["GET"]),
        Route("/control/orders/{trade_order_id}/pay", c.pay_order, methods=["POST"]),
        Route("/control/orders/{trade_order_id}/refund", c.refund_order, methods=["POST"]),
        Route(
            "/control/orders/{trade_order_id}/faults",
            c.order_faults,
            methods=["GET", "PUT", "DELETE"],
        ),
        Route("/control/deliveries", c.list_deliveries, methods=["GET"]),
        Route("/control/deliveries/{delivery_id}", c.get_delivery, methods=["GET"]),
        Route("/control/deliveries/{delivery_id}/replay", c.replay_delivery, methods=["POST"]),
        Route("/control/faults", c.faults, methods=["GET", "PUT", "DELETE"]),
        Route("/control/webhook", c.webhook, methods=["GET", "PUT"]),
        Route("/control/reset", c.reset, methods=["POST"]),
    ]


async def _oauth_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, OAuthError)
    sandbox: Sandbox = request.app.state.sandbox
    body = {"error": exc.error, "error_description": exc.message, "log_id": sandbox.log_id()}
    return JSONResponse(body, status_code=exc.status)


async def _open_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, OpenApiError)
    sandbox: Sandbox = request.app.state.sandbox
    error = {"code": exc.code, "message": exc.message, "log_id": sandbox.log_id()}
    return JSONResponse({"data": {}, "error": error}, status_code=exc.status)


async def _control_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ControlError)
    return JSONResponse({"error": {"code": exc.code, "message": exc.message}}, exc.status)


async def _http_error(request: Request, exc: Exception) -> Response:
    """404/405 from routing, in the style of the path that was asked for."""
    status = int(getattr(exc, "status_code", 404))
    message = "unknown path" if status == 404 else f"{request.method} is not allowed here"
    if "/v2/" not in request.url.path:
        code = "not_found" if status == 404 else "method_not_allowed"
        return JSONResponse({"error": {"code": code, "message": message}}, status)
    sandbox: Sandbox = request.app.state.sandbox
    error = {"code": "invalid_params", "message": message, "log_id": sandbox.log_id()}
    return JSONResponse({"data": {}, "error": error}, status_code=status)


def create_app(config: SandboxConfig, *, http_client: httpx.AsyncClient | None = None) -> Starlette:
    """The sandbox app; ``http_client`` (optional) sends the webhooks, the caller closes it."""
    sandbox = Sandbox(config, http_client)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await sandbox.aclose()

    app = Starlette(
        routes=_routes(),
        lifespan=lifespan,
        exception_handlers={
            OAuthError: _oauth_error,
            OpenApiError: _open_api_error,
            ControlError: _control_error,
            404: _http_error,
            405: _http_error,
        },
    )
    app.state.sandbox = sandbox
    return app
