"""What every route needs: the services and the authenticated player."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from pydantic import BaseModel, ConfigDict

from server.services import Services


class Body(BaseModel):
    """Request bodies: strict types (no "3" for 3, no true for 1), unknown fields ignored."""

    model_config = ConfigDict(strict=True, extra="ignore")


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


# Dependencies are `async def`: FastAPI runs a plain `def` dependency in the thread pool, and that
# hop (on every request) costs far more than the work.
async def get_services(request: Request) -> Services:
    return services_of(request)


async def get_player_id(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> int:
    """The player of the `Authorization: Bearer` session token (401 otherwise)."""
    claims = services_of(request).sessions.from_header(authorization)
    return claims.player_id


ServicesDep = Annotated[Services, Depends(get_services)]
PlayerId = Annotated[int, Depends(get_player_id)]
