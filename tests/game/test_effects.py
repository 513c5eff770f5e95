"""Particles follow the world's events, fade out, and never change the rules."""

from __future__ import annotations

import pygame

from game.effects import MAX_PARTICLES, Effects
from rules.bot import Bot
from rules.world import World


def test_events_spawn_particles_that_expire(display: pygame.Surface) -> None:
    world, effects = World(1), Effects()
    world.events[:] = ["coin", "jump", "silence"]
    effects.emit(world)
    assert len(effects.particles) == 8 + 5
    for _ in range(60):
        effects.draw(display, world)
    assert effects.particles == []


def test_particles_are_bounded(display: pygame.Surface) -> None:
    world, effects = World(1), Effects()
    world.events[:] = ["powerup"] * 50
    effects.emit(world)
    assert len(effects.particles) == MAX_PARTICLES


def test_effects_do_not_change_the_run(display: pygame.Surface) -> None:
    def run(with_effects: bool) -> tuple[int, int, int]:
        world, bot, effects = World(5), Bot(5), Effects()
        while not world.over and world.ticks < 3000:
            world.step(bot.decide(world))
            if with_effects:
                effects.emit(world)
                effects.draw(display, world)
        return world.ticks, world.score, world.coins_collected

    assert run(True) == run(False)
