"""Buttons and panels: big touch targets, drawn once and cached."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pygame

from game.assets import CORAL, CREAM, GOLD, GREY, INK, SHADOW, TEAL, WHITE, Assets, Color, rle

STYLES: dict[str, tuple[Color, Color]] = {  # face, label
    "primary": (CORAL, WHITE),
    "secondary": (TEAL, WHITE),
    "gold": (GOLD, INK),
    "light": ((226, 228, 240), INK),
    "dark": ((64, 68, 104), WHITE),
}


@dataclass
class Button:
    id: str
    rect: pygame.Rect
    label: str = ""
    icon: str = ""  # an image under assets/ui/
    style: str = "primary"
    enabled: bool = True
    size: int = 30

    def hit(self, pos: tuple[int, int]) -> bool:
        return self.enabled and self.rect.collidepoint(pos)


class Painter:
    """Draws buttons and panels from a cache keyed by everything that changes their look."""

    def __init__(self, assets: Assets) -> None:
        self.assets = assets
        self._cache: dict[tuple[object, ...], pygame.Surface] = {}
        self._frozen: pygame.Surface | None = None
        self._frozen_by: tuple[object, tuple[object, ...]] | None = None

    def button(self, surface: pygame.Surface, b: Button, pressed: bool = False) -> None:
        key = ("button", b.label, b.icon, b.style, b.enabled, b.rect.size, b.size)
        img = self._cache.get(key)
        if img is None:
            img = rle(self._render_button(b))
            self._cache[key] = img
        surface.blit(img, b.rect.move(0, 3 if pressed else 0))

    def _render_button(self, b: Button) -> pygame.Surface:
        w, h = b.rect.size
        face, ink = STYLES[b.style]
        if not b.enabled:
            face, ink = (196, 198, 214), (120, 124, 146)
        img = pygame.Surface((w, h + 6), pygame.SRCALPHA)
        radius = min(h // 2, 22)
        pygame.draw.rect(img, (*SHADOW, 110), (0, 6, w, h), border_radius=radius)
        pygame.draw.rect(img, _darker(face), (0, 3, w, h), border_radius=radius)
        pygame.draw.rect(img, face, (0, 0, w, h - 1), border_radius=radius)
        pygame.draw.rect(img, _lighter(face), (radius // 2, 4, w - radius, 5), border_radius=3)
        parts: list[pygame.Surface] = []
        if b.icon:
            icon = self.assets.image(f"ui/{b.icon}.png")
            if ink != WHITE and b.icon not in ("coin", "beans", "heart", "ad"):
                icon = _tinted(icon, ink)
            parts.append(icon)
        if b.label:
            parts.append(self.assets.text(b.label, b.size, ink))
        total = sum(p.get_width() for p in parts) + 8 * (len(parts) - 1)
        x = (w - total) // 2
        for p in parts:
            img.blit(p, (x, (h - p.get_height()) // 2))
            x += p.get_width() + 8
        return img

    def panel(self, surface: pygame.Surface, rect: pygame.Rect, color: Color = CREAM) -> None:
        key = ("panel", rect.size, color)
        img = self._cache.get(key)
        if img is None:
            w, h = rect.size
            img = pygame.Surface((w, h + 8), pygame.SRCALPHA)
            pygame.draw.rect(img, (*SHADOW, 90), (0, 8, w, h), border_radius=24)
            pygame.draw.rect(img, color, (0, 0, w, h), border_radius=24)
            pygame.draw.rect(img, _darker(color), (0, 0, w, h), width=3, border_radius=24)
            self._cache[key] = img = rle(img)
        surface.blit(img, rect)

    def dim(self, surface: pygame.Surface, alpha: int = 140) -> None:
        key = ("dim", surface.get_size(), alpha)
        img = self._cache.get(key)
        if img is None:
            img = pygame.Surface(surface.get_size())
            img.fill(SHADOW)
            img.set_alpha(alpha)
            self._cache[key] = img
        surface.blit(img, (0, 0))

    def frozen(
        self,
        surface: pygame.Surface,
        owner: object,
        key: tuple[object, ...],
        compose: Callable[[pygame.Surface], None],
    ) -> None:
        """Blit a full-screen picture that only changes with ``owner`` (compared by identity) and
        ``key`` (by value), e.g. a finished run under a dim: ``compose`` draws it once into an
        opaque surface, and each frame costs one copy instead of the world's blits and a
        full-screen blend. One picture is kept: the scene on screen is the only one drawing."""
        size = surface.get_size()
        if self._frozen is None or self._frozen.get_size() != size:
            self._frozen, self._frozen_by = pygame.Surface(size, 0, surface), None
        by = self._frozen_by
        if by is None or by[0] is not owner or by[1] != key:
            self._frozen_by = None  # until compose has finished
            compose(self._frozen)
            self._frozen_by = (owner, key)
        surface.blit(self._frozen, (0, 0))

    def bar(self, surface: pygame.Surface, rect: pygame.Rect, fraction: float) -> None:
        pygame.draw.rect(surface, (214, 216, 230), rect, border_radius=rect.height // 2)
        filled = rect.copy()
        filled.width = max(rect.height, int(rect.width * max(0.0, min(1.0, fraction))))
        pygame.draw.rect(
            surface, TEAL if fraction > 0 else GREY, filled, border_radius=rect.height // 2
        )


def centered(surface: pygame.Surface, img: pygame.Surface, y: int, x: int | None = None) -> None:
    """Blit ``img`` with its centre at (x or the middle, y)."""
    cx = surface.get_width() // 2 if x is None else x
    surface.blit(img, img.get_rect(center=(cx, y)))


def _darker(c: Color) -> Color:
    return (int(c[0] * 0.75), int(c[1] * 0.75), int(c[2] * 0.75))


def _lighter(c: Color) -> Color:
    return (min(255, c[0] + 40), min(255, c[1] + 40), min(255, c[2] + 40))


def _tinted(icon: pygame.Surface, color: Color) -> pygame.Surface:
    out = icon.copy()
    out.fill((*color, 255), special_flags=pygame.BLEND_RGBA_MIN)
    return out


__all__ = ["CORAL", "GOLD", "INK", "TEAL", "WHITE", "Button", "Painter", "centered"]
