"""GET /api/me, POST /api/runs."""

from __future__ import annotations

import functools
from typing import Any

from fastapi import APIRouter
from pydantic import Field

from server import inventory, players, runs
from server.routes.deps import Body, PlayerId, ServicesDep
from server.services import Services

router = APIRouter(tags=["players"])


class RunIn(Body):
    score: int = Field(ge=0)
    coins: int = Field(ge=0)


def _me(ctx: Services, player_id: int) -> dict[str, Any]:
    with ctx.db.read() as session:
        player = players.get_player(session, player_id=player_id)
        return {
            "player": players.public(player),
            "best_score": player.best_score,
            "inventory": inventory.view(session, player_id=player_id),
        }


@router.get("/api/me")
async def me(player_id: PlayerId, ctx: ServicesDep) -> dict[str, Any]:
    return await ctx.db.run(_me, ctx, player_id)


@router.post("/api/runs")
async def record_run(body: RunIn, player_id: PlayerId, ctx: ServicesDep) -> dict[str, Any]:
    """A finished run: `{"run_id", "best_score", "coins_granted", "inventory"}`."""
    record = functools.partial(
        runs.record, ctx, player_id=player_id, score=body.score, coins=body.coins
    )
    return await ctx.db.run(record)
