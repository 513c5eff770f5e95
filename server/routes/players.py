"""GET /api/me; the runs: POST /api/runs, /api/runs/{run_id}/revive, /api/runs/{run_id}/result."""

from __future__ import annotations

import functools
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import Field

from server import inventory, players, runs
from server.errors import BadRequest
from server.routes.deps import Body, PlayerId, ServicesDep
from server.services import Services

router = APIRouter(tags=["players"])
CLAIM_MAX = 2**31 - 1


class RunStartIn(Body):
    # An old client posted a finished run here ({"score", "coins"}): it gets a clear 400.
    score: Any = None
    coins: Any = None


class ReviveIn(Body):
    paid_with: Literal["ad", "token"]


class RunResultIn(Body):
    log: dict[str, Any]
    score: int = Field(ge=0, le=CLAIM_MAX)
    coins: int = Field(ge=0, le=CLAIM_MAX)


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


@router.post("/api/runs", status_code=201)
async def start_run(
    player_id: PlayerId, ctx: ServicesDep, body: RunStartIn | None = None
) -> dict[str, Any]:
    """A server-issued run: `{"run_id", "seed", "coins_left_today"}` (429 past the daily cap)."""
    if body is not None and (body.score is not None or body.coins is not None):
        raise BadRequest(
            "this version of the game can no longer save runs: update it", code="outdated_client"
        )
    return await ctx.db.run(functools.partial(runs.start, ctx, player_id=player_id))


@router.post("/api/runs/{run_id}/revive")
async def revive_run(
    run_id: str, body: ReviveIn, player_id: PlayerId, ctx: ServicesDep
) -> dict[str, Any]:
    """The run's one revive: `{"run_id", "revive", "inventory"}`."""
    revive = functools.partial(
        runs.revive, ctx, player_id=player_id, run_id=run_id, paid_with=body.paid_with
    )
    return await ctx.db.run(revive)


@router.post("/api/runs/{run_id}/result")
async def finish_run(
    run_id: str, body: RunResultIn, player_id: PlayerId, ctx: ServicesDep
) -> dict[str, Any]:
    """The run's input log, replayed: what it earned, granted once (docs/interfaces.md)."""
    claim = runs.Claim(score=body.score, coins=body.coins)
    return await runs.finish(
        ctx, player_id=player_id, run_id=run_id, log_json=body.log, claim=claim
    )
