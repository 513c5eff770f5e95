"""TikTok's Open API endpoints (user info, trade orders, tiers, redeem amounts), as TikTok answers.

Success: ``{"data": {...}, "error": {"code": "ok", "message": "", "log_id"}}``. Errors use the same
envelope with ``data: {}``: string codes ``access_token_invalid`` (401), ``invalid_params`` (400,
malformed body, missing or mistyped fields), ``rate_limit_exceeded`` (429), ``internal_error``
(500/504); numeric mini codes sit in ``error.code`` as integers with HTTP 400: ``40001000``
(well-formed but not allowed: a token type other than BEANS, an amount outside 1..1,000,000),
``20021002`` (the client already used this ``order_id``), ``20011002`` (no such order for this user).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from .core import Sandbox
from .errors import MINI_BAD_PARAMS, MINI_DUPLICATE_ORDER, MINI_ORDER_NOT_FOUND, OpenApiError
from .state import Order, Token, new_id
from .web import is_int, raise_api_fault, read_json, sandbox_of

MIN_REDEEM, MAX_REDEEM = 1, 1_000_000
# Recharge tiers: Beans -> USD price (100 Beans = USD 1.19 as in TikTok's example); the first id
# is the one in TikTok's documentation.
TIERS = {
    "1731381720000100": (100, "1.19"),
    "sbx_tier_70": (70, "0.83"),
    "sbx_tier_350": (350, "4.16"),
    "sbx_tier_700": (700, "8.33"),
    "sbx_tier_1400": (1400, "16.66"),
}
USER_FIELDS = (
    "open_id",
    "union_id",
    "avatar_url",
    "avatar_url_100",
    "avatar_large_url",
    "display_name",
)
ORDER_INFO_TEXT = ("product_id", "quantity_unit", "order_url", "image_url")
MAX_TEXT = 256


def ok(sandbox: Sandbox, data: dict[str, Any]) -> JSONResponse:
    error = {"code": "ok", "message": "", "log_id": sandbox.log_id()}
    return JSONResponse({"data": data, "error": error})


def invalid(message: str) -> OpenApiError:
    return OpenApiError("invalid_params", message, 400)


async def _begin(
    request: Request, *, kinds: tuple[str, ...] = ("access",)
) -> tuple[Sandbox, Token]:
    sandbox = sandbox_of(request)
    await raise_api_fault(sandbox)
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    token = sandbox.valid_token(value.strip(), kinds=kinds) if scheme.lower() == "bearer" else None
    if token is None:
        message = "The access token is invalid or not found in the request."
        raise OpenApiError("access_token_invalid", message, 401)
    return sandbox, token


async def _json_object(request: Request) -> dict[str, Any]:
    parsed, body = await read_json(request)
    if not parsed:
        raise invalid(body)
    if not isinstance(body, dict):
        raise invalid("the body must be a JSON object")
    return body


def _check_token_type(value: Any) -> None:
    if not isinstance(value, str):
        raise invalid("token_type is required and must be a string")
    if value != "BEANS":
        raise OpenApiError(MINI_BAD_PARAMS, "token_type must be BEANS")


def _valid_amount(value: int) -> bool:
    return MIN_REDEEM <= value <= MAX_REDEEM


async def user_info(request: Request) -> JSONResponse:
    sandbox, token = await _begin(request)
    fields = [f.strip() for f in request.query_params.get("fields", "").split(",") if f.strip()]
    if not fields:
        raise invalid("fields is required, e.g. fields=open_id,union_id,avatar_url,display_name")
    unknown = [f for f in fields if f not in USER_FIELDS]
    if unknown:
        raise invalid(f"unknown field(s): {', '.join(unknown)}")
    if not sandbox.user_info_allowed(token.open_id):
        message = f"Rate limit exceeded: {sandbox.config.user_info_per_minute} requests per minute."
        raise OpenApiError("rate_limit_exceeded", message, 429)
    user = sandbox.store.users[token.open_id]
    values = {
        "open_id": user.open_id,
        "union_id": user.union_id,
        "avatar_url": user.avatar_url,
        "avatar_url_100": user.avatar_url,
        "avatar_large_url": user.avatar_url,
        "display_name": user.display_name,
    }
    return ok(sandbox, {"user": {f: values[f] for f in fields}})


def _order_info(info: Any) -> dict[str, Any]:
    if not isinstance(info, dict):
        raise invalid("order_info is required and must be an object")
    for name in ("order_id", "product_name"):
        value = info.get(name)
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
            raise invalid(f"order_info.{name} is required: a non-empty string (<= {MAX_TEXT})")
    for name in ORDER_INFO_TEXT:
        if name in info and not isinstance(info[name], str):
            raise invalid(f"order_info.{name} must be a string")
    quantity = info.get("quantity", 1)
    if not is_int(quantity) or quantity < 1:
        raise invalid("order_info.quantity must be a positive integer")
    return info


async def create_order(request: Request) -> JSONResponse:
    sandbox, token = await _begin(request)
    body = await _json_object(request)
    _check_token_type(body.get("token_type"))
    amount = body.get("token_amount")
    if not is_int(amount) or amount < 1:
        raise invalid("token_amount is required and must be a positive integer")
    if not _valid_amount(amount):
        raise OpenApiError(
            MINI_BAD_PARAMS, f"token_amount must be from {MIN_REDEEM} to {MAX_REDEEM}"
        )
    info = _order_info(body.get("order_info"))
    client_key = sandbox.config.client_key
    if sandbox.store.order_by_client_order_id(client_key, info["order_id"]) is not None:
        raise OpenApiError(MINI_DUPLICATE_ORDER, "Duplicate order_id: use a new one per order.")
    order = Order(
        trade_order_id=new_id("TOID", 10),
        order_id=info["order_id"],
        open_id=token.open_id,
        client_key=client_key,
        token_amount=amount,
        product_name=info["product_name"],
        order_info=info,
        created_at=sandbox.now(),
    )
    sandbox.store.save(order)
    return ok(sandbox, {"trade_order_id": order.trade_order_id})


async def query_order(request: Request) -> JSONResponse:
    sandbox, token = await _begin(request)
    body = await _json_object(request)
    trade_order_id = body.get("trade_order_id")
    if not isinstance(trade_order_id, str) or not trade_order_id:
        raise invalid("trade_order_id is required and must be a non-empty string")
    order = sandbox.store.orders.get(trade_order_id)
    if order is None or order.open_id != token.open_id:
        raise OpenApiError(MINI_ORDER_NOT_FOUND, "The order does not exist.")
    return ok(sandbox, {"trade_order_status": order.status})


async def check_redeem_amounts(request: Request) -> JSONResponse:
    sandbox, _ = await _begin(request, kinds=("access", "client"))
    body = await _json_object(request)
    _check_token_type(body.get("token_type"))
    amounts = body.get("token_amounts")
    if not isinstance(amounts, list) or not amounts or not all(is_int(a) for a in amounts):
        raise invalid("token_amounts is required: a non-empty list of integers")
    return ok(sandbox, {"valid": all(_valid_amount(a) for a in amounts)})


def _tier(tier_id: str) -> dict[str, Any]:
    beans, price = TIERS[tier_id]
    return {
        "tier_id": tier_id,
        "tier_name": f"pd_beans_showcase_{beans}",
        "token_amount": beans,
        "token_type": "BEANS",
        "price": price,
        "currency": "USD",
        "symbol": "$",
    }


async def get_tier_infos(request: Request) -> JSONResponse:
    """Known tiers by id; unknown ids are left out of ``tier_infos``."""
    sandbox, _ = await _begin(request, kinds=("access", "client"))
    body = await _json_object(request)
    _check_token_type(body.get("token_type"))
    ids = body.get("tier_ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise invalid("tier_ids is required: a non-empty list of strings")
    return ok(sandbox, {"tier_infos": {i: _tier(i) for i in ids if i in TIERS}})
