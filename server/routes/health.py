"""GET /healthz: 200 when the database answers, 503 otherwise."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from server.routes.deps import ServicesDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz(ctx: ServicesDep) -> dict[str, Any]:
    await ctx.db.run(ctx.db.ping)  # a database error becomes 503 database_unavailable
    return {"status": "ok", "database": "ok"}
