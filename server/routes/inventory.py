"""GET /api/inventory, POST /api/inventory/consume, POST /api/shop/coins."""

from __future__ import annotations

import functools
from typing import Any

from fastapi import APIRouter
from pydantic import Field

from server import inventory
from server.routes.deps import Body, PlayerId, ServicesDep
from server.services import Services

router = APIRouter(tags=["inventory"])


class ConsumeIn(Body):
    item_id: str = Field(min_length=1, max_length=64)
    quantity: int = 1


class CoinPurchaseIn(Body):
    item_id: str = Field(min_length=1, max_length=64)


def _view(ctx: Services, player_id: int) -> dict[str, Any]:
    with ctx.db.read() as session:
        return inventory.view(session, player_id=player_id)


@router.get("/api/inventory")
async def get_inventory(player_id: PlayerId, ctx: ServicesDep) -> dict[str, Any]:
    return await ctx.db.run(_view, ctx, player_id)


@router.post("/api/inventory/consume")
async def consume(body: ConsumeIn, player_id: PlayerId, ctx: ServicesDep) -> dict[str, Any]:
    """Use up consumables atomically: the new inventory, or 409 `not_enough`."""
    return await ctx.db.run(
        functools.partial(
            inventory.consume,
            ctx,
            player_id=player_id,
            item_id=body.item_id,
            quantity=body.quantity,
        )
    )


@router.post("/api/shop/coins")
async def buy_with_coins(
    body: CoinPurchaseIn, player_id: PlayerId, ctx: ServicesDep
) -> dict[str, Any]:
    """Buy a coin-priced cosmetic: `{"inventory"}`, or 409 not enough coins / already owned."""
    new = await ctx.db.run(
        functools.partial(
            inventory.buy_with_coins,
            ctx,
            catalog=ctx.catalog,
            player_id=player_id,
            item_id=body.item_id,
        )
    )
    return {"inventory": new}
