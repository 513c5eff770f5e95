"""The sandbox's own endpoints under ``/control/``: test users, login codes, paying and refunding
orders, the webhook log and replays, fault switches. Errors: ``{"error": {"code", "message"}}``.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .core import Sandbox
from .errors import ControlError
from .web import is_int, read_json, sandbox_of

MAX_BEANS = 1_000_000_000
MAX_NAME = 64


async def _body(request: Request) -> tuple[Sandbox, dict[str, Any]]:
    sandbox = sandbox_of(request)
    parsed, body = await read_json(request)
    if not parsed:
        raise ControlError("invalid_request", body)
    if not isinstance(body, dict):
        raise ControlError("invalid_request", "the body must be a JSON object")
    return sandbox, body


def _text(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ControlError("invalid_request", f"{name} must be a non-empty string")
    if value is not None and len(value) > MAX_NAME:
        raise ControlError("invalid_request", f"{name} must be at most {MAX_NAME} characters")
    return value


def _path(request: Request, name: str) -> str:
    return str(request.path_params[name])


async def create_user(request: Request) -> JSONResponse:
    sandbox, body = await _body(request)
    beans = body.get("beans", 0)
    if not is_int(beans) or not 0 <= beans <= MAX_BEANS:
        raise ControlError("invalid_request", f"beans must be an integer from 0 to {MAX_BEANS}")
    user = sandbox.create_user(
        display_name=_text(body, "display_name"), open_id=_text(body, "open_id"), beans=beans
    )
    return JSONResponse(vars(user), status_code=201)


async def list_users(request: Request) -> JSONResponse:
    users = sandbox_of(request).store.users.values()
    return JSONResponse({"users": [vars(u) for u in users]})


async def get_user(request: Request) -> JSONResponse:
    return JSONResponse(vars(sandbox_of(request).user(_path(request, "open_id"))))


async def update_user(request: Request) -> JSONResponse:
    """PATCH: set a test user's Beans balance and/or display name."""
    sandbox, body = await _body(request)
    user = sandbox.user(_path(request, "open_id"))
    unknown = sorted(set(body) - {"beans", "display_name"})
    if unknown:
        raise ControlError("invalid_request", f"only beans and display_name can change: {unknown}")
    beans = body.get("beans", user.beans)
    if not is_int(beans) or not 0 <= beans <= MAX_BEANS:
        raise ControlError("invalid_request", f"beans must be an integer from 0 to {MAX_BEANS}")
    user.display_name = _text(body, "display_name") or user.display_name
    user.beans = beans
    sandbox.store.save(user)
    return JSONResponse(vars(user))


async def create_login_code(request: Request) -> JSONResponse:
    sandbox, body = await _body(request)
    code = sandbox.issue_code(
        open_id=_text(body, "open_id"), display_name=_text(body, "display_name")
    )
    answer = {"code": code.code, "open_id": code.open_id, "expires_in": sandbox.config.code_ttl}
    return JSONResponse(answer, status_code=201)


async def list_orders(request: Request) -> JSONResponse:
    orders = sandbox_of(request).store.orders.values()
    return JSONResponse({"orders": [o.public() for o in orders]})


async def get_order(request: Request) -> JSONResponse:
    return JSONResponse(sandbox_of(request).order(_path(request, "trade_order_id")).public())


async def pay_order(request: Request) -> JSONResponse:
    sandbox, body = await _body(request)
    require_balance = body.get("require_balance", False)
    if not isinstance(require_balance, bool):
        raise ControlError("invalid_request", "require_balance must be true or false")
    order, ids = sandbox.pay(
        trade_order_id=_path(request, "trade_order_id"), require_balance=require_balance
    )
    return JSONResponse({"order": order.public(), "deliveries": ids})


async def refund_order(request: Request) -> JSONResponse:
    sandbox, body = await _body(request)
    amount = body.get("amount")
    if not is_int(amount):
        raise ControlError("invalid_request", "amount is required: a positive integer of Beans")
    order, ids = sandbox.refund(trade_order_id=_path(request, "trade_order_id"), amount=amount)
    return JSONResponse({"order": order.public(), "deliveries": ids})


async def order_faults(request: Request) -> JSONResponse:
    trade_order_id = _path(request, "trade_order_id")
    if request.method == "GET":
        sandbox = sandbox_of(request)
        faults = sandbox.order(trade_order_id).faults
        return JSONResponse({"faults": faults, "inherits_global": faults is None})
    if request.method == "DELETE":
        sandbox = sandbox_of(request)
        sandbox.clear_order_faults(trade_order_id=trade_order_id)
        return JSONResponse({"faults": None, "inherits_global": True})
    sandbox, body = await _body(request)
    faults = sandbox.set_order_faults(trade_order_id=trade_order_id, update=body)
    return JSONResponse(faults)


async def list_deliveries(request: Request) -> JSONResponse:
    deliveries = sandbox_of(request).store.deliveries.values()
    return JSONResponse({"deliveries": [d.public() for d in deliveries]})


async def get_delivery(request: Request) -> JSONResponse:
    return JSONResponse(sandbox_of(request).delivery(_path(request, "delivery_id")).public())


async def replay_delivery(request: Request) -> JSONResponse:
    sandbox = sandbox_of(request)
    delivery = sandbox.replay(delivery_id=_path(request, "delivery_id"))
    return JSONResponse({"delivery": delivery.public()}, status_code=202)


async def faults(request: Request) -> JSONResponse:
    if request.method == "GET":
        return JSONResponse(sandbox_of(request).faults())
    if request.method == "DELETE":
        sandbox = sandbox_of(request)
        sandbox.store.save_faults({})
        return JSONResponse(sandbox.faults())
    sandbox, body = await _body(request)
    return JSONResponse(sandbox.set_faults(body))


async def webhook(request: Request) -> JSONResponse:
    if request.method == "GET":
        return JSONResponse({"url": sandbox_of(request).webhook_url})
    sandbox, body = await _body(request)
    url = body.get("url")
    if url is not None and (
        not isinstance(url, str) or not url.startswith(("http://", "https://"))
    ):
        raise ControlError("invalid_request", "url must be null or an http(s) URL")
    sandbox.webhook_url = url
    return JSONResponse({"url": url})


async def reset(request: Request) -> Response:
    sandbox = sandbox_of(request)
    await sandbox.reset()
    return JSONResponse({"reset": True})
