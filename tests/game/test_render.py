"""The renderer's cached background: a still camera is served from a copy, never a stale one."""

from __future__ import annotations

import pygame

from game.assets import Assets
from game.render import Renderer


def picture(renderer: Renderer, display: pygame.Surface, camera_y: float) -> bytes:
    renderer.draw_background(display, camera_y)
    return pygame.image.tobytes(display, "RGB")


def test_a_still_camera_shows_the_same_background_and_a_moved_one_moves(
    display: pygame.Surface,
) -> None:
    assets = Assets()
    fresh = {y: picture(Renderer(assets), display, y) for y in (0.0, 137.0, 900.0)}
    assert len(set(fresh.values())) == 3, "the clouds and the ground move with the camera"
    renderer = Renderer(assets)
    for y in (0.0, 0.0, 0.0, 137.0, 137.0, 900.0, 900.0, 900.0, 0.0, 0.0, 137.0):
        assert picture(renderer, display, y) == fresh[y], f"camera at {y}"
