"""Replaying a run: the same world, seed and inputs give the same score, coins and height.

The server grants what the replay computes, never what a client claims. A replay stops where the
run stopped: at a fall that no revive follows (a revive applies only at the tick of the fall it
undoes, and only when the caller says the revive was paid), or at the end of the log (a run the
player abandoned, or one cut at the log's bounds).
"""

from __future__ import annotations

from dataclasses import dataclass

from rules.log import InputLog
from rules.world import Input, World


@dataclass(frozen=True)
class Outcome:
    """What a replayed run earned."""

    score: int
    coins: int
    height: int
    steps: int  # steps the world took (the log's steps after a final fall are ignored)
    fell: bool  # the run ended by a fall, not at the end of the log
    revived: bool


def replay(seed: int, log: InputLog, *, revive_paid: bool = True) -> Outcome:
    """Step a fresh world of ``seed`` through ``log``; a revive counts only if ``revive_paid``."""
    world = replay_world(seed, log, revive_paid=revive_paid)
    return Outcome(
        score=world.score,
        coins=world.coins_collected,
        height=world.height,
        steps=world.ticks,
        fell=world.over,
        revived=world.revived,
    )


def replay_world(seed: int, log: InputLog, *, revive_paid: bool = True) -> World:
    """The world at the end of the replay (its whole state, for tests that compare runtimes)."""
    world = World(seed, recording=False)
    revive_at = log.revives[0] if log.revives and revive_paid else -1
    step = world.step
    for level, count in log.runs():
        inp = Input.of_level(level)
        for _ in range(count):
            step(inp)
            if world.over:
                if world.ticks != revive_at:
                    return world
                world.revive()
    return world
