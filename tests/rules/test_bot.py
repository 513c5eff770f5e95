"""The autoplay bot climbs, collects, and eventually falls; the same seed replays exactly."""

from __future__ import annotations

import pytest

from rules.bot import Bot
from rules.world import World


def play(seed: int, limit: int = 60 * 120) -> tuple[int, int, int]:
    world, bot = World(seed), Bot(seed)
    while not world.over and world.ticks < limit:
        world.step(bot.decide(world))
    return world.ticks, world.score, world.coins_collected


@pytest.mark.parametrize("seed", range(1, 9))
def test_the_bot_climbs_and_eventually_falls(seed: int) -> None:
    ticks, score, _ = play(seed)
    assert ticks < 60 * 120, "every run ends"
    assert score > 50, "it climbs a fair way first"


def test_the_bot_collects_coins() -> None:
    assert sum(play(seed)[2] for seed in range(1, 9)) > 20


def test_the_same_seed_replays_and_seeds_differ() -> None:
    assert play(3) == play(3)
    assert len({play(seed) for seed in range(1, 6)}) == 5


@pytest.mark.parametrize("seed", range(1, 41))
def test_a_careful_bot_that_gives_up_falls_within_seconds(seed: int) -> None:
    world, bot = World(seed), Bot(seed, careful=True)
    while world.ticks < 60 * 8:
        world.step(bot.decide(world))
    assert not world.over, "a careful bot climbs for eight seconds"
    bot.give_up()
    while not world.over and world.ticks < 60 * 30:
        world.step(bot.decide(world))
    assert world.over, "once it gives up, the run ends"
