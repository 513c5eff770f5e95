"""POST /api/session: a TikTok login code in, a session token out."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from limits import parse
from pydantic import Field

from server import players
from server.errors import TooManyRequests
from server.routes.deps import Body, ServicesDep

router = APIRouter(tags=["session"])


class SessionIn(Body):
    code: str = Field(min_length=1, max_length=2048)


def _rate_limit(request: Request) -> None:
    limiter = request.app.state.limiter
    limit = parse(request.app.state.services.settings.session_rate_limit)
    client = request.client.host if request.client else "unknown"
    if not limiter.hit(limit, "session", client):
        reset, _ = limiter.get_window_stats(limit, "session", client)
        wait = int(reset - request.app.state.services.clock().timestamp()) + 1
        raise TooManyRequests("too many logins from this address", retry_after=wait)


@router.post("/api/session")
async def create_session(body: SessionIn, request: Request, ctx: ServicesDep) -> dict[str, Any]:
    """Exchange a `TTMinis.game.login` code; answer a signed, expiring session token."""
    _rate_limit(request)
    player = await players.login(ctx, code=body.code)
    token = ctx.sessions.issue(player_id=player.id, open_id=player.open_id)
    return {
        "token": token,
        "token_type": "Bearer",
        "expires_in": ctx.sessions.ttl_seconds,
        "player": players.public(player),
    }
