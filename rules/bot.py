"""The autoplay bot: reads the world, returns an Input. Deterministic for a given seed.

It aims for the highest platform it can still reach, picks up coins on the way, and makes more
mistakes as the climb gets harder, so a run always ends (which exercises game over). A ``careful``
bot makes no mistakes: it plays the long runs the server's replay benchmark needs. It lives with
the rules (pure, like them) so that benchmark can play; its own arithmetic never needs to be
reproducible elsewhere: what it decides reaches the world as quantised levels, in the log.
"""

from __future__ import annotations

import math
import random

from rules.world import GRAVITY, MAX_VX, WIDTH, Input, Kind, Platform, World, wrap_dx


class Bot:
    def __init__(self, seed: int, *, careful: bool = False) -> None:
        self.rng = random.Random(seed * 7919 + 17)
        self.careful = careful
        self.gave_up = False  # every bounce a slip: the run ends within a few bounces
        self.target: Platform | None = None
        self.slip_x: float | None = None  # where a distracted bot drifts to instead
        self._rising = False

    def decide(self, world: World) -> Input:
        bean = world.bean
        bounced = bean.vy > 0 and not self._rising
        self._rising = bean.vy > 0
        if bounced:
            # a fresh decision after each bounce: sometimes a slip, more often higher up
            slip = 0.0 if self.careful else 0.015 + 0.4 * world.difficulty + world.height / 60000
            slip = 1.0 if self.gave_up else slip
            self.slip_x = self.rng.uniform(0, WIDTH) if self.rng.random() < slip else None
        if self.slip_x is not None:
            return Input(_steer(wrap_dx(bean.x, self.slip_x)))
        if bounced or bean.vy > 0 or self.target is None or self.target.broken:
            self._choose(world)
        if self.target is None:
            return Input(0.0)
        return Input(_steer(wrap_dx(bean.x, self.target.x + self.target.vx * 0.2)))

    def give_up(self) -> None:
        """From now on the bot only slips, so its run ends soon whatever the seed."""
        self.gave_up = True

    def _choose(self, world: World) -> None:
        bean = world.bean
        apex = bean.y + (bean.vy * bean.vy / (2 * GRAVITY) if bean.vy > 0 else 0.0)
        best: Platform | None = None
        for p in world.platforms:
            if p.broken or p.y > apex - 4 or p.y < bean.y - 260:
                continue
            if p.kind is Kind.CRUMBLING:
                continue
            if abs(wrap_dx(bean.x, p.x)) > MAX_VX * _time_to(bean.y, bean.vy, p.y) + 20:
                continue
            if best is None or p.y > best.y:
                best = p
        self.target = best


def _steer(dx: float) -> float:
    return max(-1.0, min(1.0, dx / 24))


def _time_to(y: float, vy: float, target_y: float) -> float:
    """Seconds until a falling body at (y, vy) comes down to target_y (0 when it never does)."""
    # target_y = y + vy t - g t^2 / 2  ->  g/2 t^2 - vy t + (target_y - y) = 0
    disc = vy * vy - 2 * GRAVITY * (target_y - y)
    if disc < 0:
        return 0.0
    return (vy + math.sqrt(disc)) / GRAVITY
