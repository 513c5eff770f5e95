"""POST /api/orders, GET /api/orders/{order_id}: buying with Beans."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Response
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from server import orders, recovery
from server.models import Order
from server.routes.deps import Body, PlayerId, ServicesDep
from server.services import Services

router = APIRouter(tags=["orders"])


class OrderIn(Body):
    item_id: str = Field(min_length=1, max_length=64)


def _read(ctx: Services, player_id: int, order_id: str) -> Order:
    with ctx.db.read() as session:
        return orders.get_order(session, player_id=player_id, order_id=order_id)


@router.post(
    "/api/orders",
    status_code=201,
    responses={200: {"description": "the order this Idempotency-Key already created"}},
)
async def create_order(
    body: OrderIn,
    response: Response,
    player_id: PlayerId,
    ctx: ServicesDep,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Open an order at the catalog's price: 201 new, 200 a replay of the same Idempotency-Key."""
    order, created = await orders.create_order(
        ctx, player_id=player_id, item_id=body.item_id, idempotency_key=idempotency_key
    )
    if not created:
        response.status_code = 200
    return orders.public(order)


@router.get("/api/orders/{order_id}")
async def get_order(order_id: str, player_id: PlayerId, ctx: ServicesDep) -> dict[str, Any]:
    """The player's own order, for polling after the pay sheet closes (others' are 404)."""
    order = await run_in_threadpool(_read, ctx, player_id, order_id)
    # Lost-webhook recovery: a pending order is checked with TikTok (throttled per order).
    order = await recovery.check_pending(ctx, order)
    return orders.public(order)
