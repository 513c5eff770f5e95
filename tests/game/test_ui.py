"""The painter's frozen picture: composed once, again only when its owner or key changes."""

from __future__ import annotations

import pygame
import pytest

from game.assets import Assets
from game.ui import Painter


class Owner:
    def __init__(self, color: tuple[int, int, int]) -> None:
        self.color = color
        self.composed = 0

    def compose(self, surface: pygame.Surface) -> None:
        self.composed += 1
        surface.fill(self.color)


def test_frozen_composes_once_per_owner_and_key(display: pygame.Surface) -> None:
    painter = Painter(Assets())
    red, blue = Owner((200, 0, 0)), Owner((0, 0, 200))
    for _ in range(3):
        painter.frozen(display, red, ("a",), red.compose)
    assert red.composed == 1 and display.get_at((5, 5))[:3] == (200, 0, 0)
    painter.frozen(display, red, ("b",), red.compose)
    assert red.composed == 2, "a new key composes again"
    painter.frozen(display, blue, ("b",), blue.compose)
    assert blue.composed == 1 and display.get_at((5, 5))[:3] == (0, 0, 200)
    red.color = (0, 200, 0)
    painter.frozen(display, red, ("b",), red.compose)
    assert red.composed == 3 and display.get_at((5, 5))[:3] == (0, 200, 0)


def test_frozen_after_a_failed_compose_composes_again(display: pygame.Surface) -> None:
    painter = Painter(Assets())
    owner = Owner((10, 20, 30))

    def broken(surface: pygame.Surface) -> None:
        surface.fill((255, 0, 255))
        raise RuntimeError("half drawn")

    painter.frozen(display, owner, ("k",), owner.compose)
    with pytest.raises(RuntimeError):
        painter.frozen(display, owner, ("other",), broken)
    painter.frozen(display, owner, ("k",), owner.compose)
    assert owner.composed == 2 and display.get_at((5, 5))[:3] == (10, 20, 30)
