"""Real input logs for tests: runs played by the game's autoplay bot on the shared rules."""

from __future__ import annotations

from typing import Any

from rules.bot import Bot
from rules.world import World


def play(seed: int, *, steps: int | None = None, revive: bool = False) -> World:
    """The bot plays a world of ``seed`` until it falls for good or ``steps`` have passed;
    ``revive``: the one revive is used at the first fall."""
    world, bot = World(seed), Bot(seed)
    while steps is None or world.ticks < steps:
        world.step(bot.decide(world))
        if world.over:
            if not revive or world.revived:
                break
            world.revive()
    return world


def result(world: World, **claims: int) -> dict[str, Any]:
    """The body of POST /api/runs/{id}/result for a played world (claims may be overridden)."""
    body: dict[str, Any] = {
        "log": world.log.log().to_json(),
        "score": world.score,
        "coins": world.coins_collected,
    }
    return body | claims


def seconds(world: World) -> float:
    """How long the run took to play at 60 steps a second."""
    return world.ticks / 60
