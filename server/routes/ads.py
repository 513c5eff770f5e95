"""POST /api/ads/reward: the reward for a watched rewarded ad (capped)."""

from __future__ import annotations

import functools
from typing import Any

from fastapi import APIRouter
from pydantic import Field

from server import ads
from server.routes.deps import Body, PlayerId, ServicesDep

router = APIRouter(tags=["ads"])


class RewardIn(Body):
    placement: str = Field(min_length=1, max_length=64)


@router.post("/api/ads/reward")
async def reward(body: RewardIn, player_id: PlayerId, ctx: ServicesDep) -> dict[str, Any]:
    """`{"placement", "granted", "inventory"}`; 429 with Retry-After beyond the caps."""
    claim = functools.partial(ads.claim, ctx, player_id=player_id, placement=body.placement)
    return await ctx.db.run(claim)
