"""GET /api/catalog: the shop."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from server.routes.deps import ServicesDep

router = APIRouter(tags=["shop"])


@router.get("/api/catalog")
async def get_catalog(ctx: ServicesDep) -> dict[str, Any]:
    """Items for Beans (`items`) and cosmetics for coins (`coin_items`)."""
    return ctx.catalog.public(ctx.base_url)
