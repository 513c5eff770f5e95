"""Runs for the server's tests: started over HTTP, played by the bot, their results posted."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import update

from server.models import Run
from tests.rules.support import play, result, seconds
from tests.server.conftest import Api, Session


async def start(api: Api, me: Session, *, seed: int | None = None) -> dict[str, Any]:
    """A run started by the server; ``seed`` replaces the server's random one (so a test knows
    what the bot will do in it)."""
    response = await api.client.post("/api/runs", headers=me.headers)
    assert response.status_code == 201, response.text
    run = dict(response.json())
    if seed is not None:
        with api.db.transaction() as session:
            session.execute(update(Run).where(Run.id == run["run_id"]).values(seed=seed))
        run["seed"] = seed
    return run


async def post_result(api: Api, me: Session, run_id: int | str, body: Any) -> httpx.Response:
    return await api.client.post(f"/api/runs/{run_id}/result", json=body, headers=me.headers)


async def played_run(api: Api, me: Session, *, seed: int) -> dict[str, Any]:
    """Start a run of ``seed``, let the bot play it in (clock) time, post it: the answer."""
    run = await start(api, me, seed=seed)
    world = play(seed)
    api.clock.advance(seconds(world))
    response = await post_result(api, me, run["run_id"], result(world))
    assert response.status_code == 200, response.text
    return dict(response.json())
