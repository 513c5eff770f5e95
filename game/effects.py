"""Cosmetic particles (dust on a bounce, sparkles on a coin, chunks of a crumbling platform).

They belong to the renderer, not the rules: they never touch the world, and their randomness is
their own, so the same seed still plays the same game.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import pygame

from rules.world import DT, World

Color = tuple[int, int, int]
STYLES: dict[str, tuple[int, Color, float, float]] = {  # count, colour, speed, life
    "jump": (5, (255, 255, 255), 80.0, 0.35),
    "spring": (10, (255, 170, 190), 160.0, 0.5),
    "coin": (8, (255, 214, 90), 140.0, 0.45),
    "crumble": (8, (150, 98, 60), 90.0, 0.6),
    "powerup": (14, (255, 150, 60), 180.0, 0.6),
}
MAX_PARTICLES = 120


@dataclass
class Particle:
    x: float
    y: float  # world coordinates
    vx: float
    vy: float
    life: float
    age: float
    color: Color


class Effects:
    def __init__(self) -> None:
        self.rng = random.Random(0)
        self.particles: list[Particle] = []

    def emit(self, world: World) -> None:
        """Spawn particles for the events of the world's last step."""
        for event in world.events:
            style = STYLES.get(event)
            if style is None:
                continue
            count, color, speed, life = style
            y = world.bean.y + (18 if event in ("coin", "powerup") else 2)
            for _ in range(count):
                vx = self.rng.uniform(-speed, speed)
                vy = self.rng.uniform(0.2, 1.0) * speed * (1 if event != "crumble" else -1)
                self.particles.append(Particle(world.bean.x, y, vx, vy, life, 0.0, color))
        del self.particles[:-MAX_PARTICLES]

    def clear(self) -> None:
        self.particles.clear()

    def draw(self, surface: pygame.Surface, world: World, advance: bool = True) -> None:
        alive = []
        for p in self.particles:
            if advance:
                p.age += DT
                p.x += p.vx * DT
                p.y += p.vy * DT
                p.vy -= 400 * DT
            if p.age >= p.life:
                continue
            alive.append(p)
            radius = max(1, round(4 * (1 - p.age / p.life)))
            pygame.draw.circle(surface, p.color, (round(p.x), round(world.screen_y(p.y))), radius)
        self.particles = alive
