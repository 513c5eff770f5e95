"""The renderer: reads a World and draws it. Every sprite variant is prepared once at start."""

from __future__ import annotations

import math

import pygame

from game.assets import GOLD, INK, WHITE, Assets, rle
from rules.world import HEIGHT, PLATFORM_WIDTH, WIDTH, Kind, World

SKINS = ("classic", "golden", "mint", "cocoa", "sprout")
COIN_FRAMES = 8


class Renderer:
    def __init__(self, assets: Assets) -> None:
        self.assets = assets
        img = assets.image
        self.sky = img("background/sky.png").convert()
        self.far = img("background/clouds_far.png")
        self.near = img("background/clouds_near.png")
        self.ground = img("background/ground.png")
        self.platforms = {k: img(f"sprites/platform_{k.value}.png") for k in Kind}
        self.broken = img("sprites/platform_broken.png")
        self.spring = img("sprites/spring.png")
        self.spring_open = img("sprites/spring_open.png")
        self.rocket = img("sprites/rocket.png")
        coin = img("sprites/coin.png")
        self.coins = [
            _squeezed(coin, abs(math.cos(i * math.pi / COIN_FRAMES))) for i in range(COIN_FRAMES)
        ]
        self.hud_coin = rle(pygame.transform.smoothscale(img("ui/coin.png"), (26, 26)))
        self._beans: dict[tuple[str, int, int], pygame.Surface] = {}
        self._flame = _flame()
        self._camera_seen: float | None = None  # the last camera_y drawn
        self._still: pygame.Surface | None = None  # the background at a camera that stayed put
        self._still_at: float | None = None

    def bean(self, skin: str, facing: int = 1, pose: int = 0) -> pygame.Surface:
        """The bean sprite: pose -1 squashed (landing), 0 normal, 1 stretched (rising)."""
        skin = skin if skin in SKINS else "classic"
        key = (skin, facing, pose)
        surf = self._beans.get(key)
        if surf is None:
            base = self.assets.image(f"sprites/bean_{skin}.png")
            w, h = base.get_size()
            size = {-1: (w + 6, h - 6), 0: (w, h), 1: (w - 4, h + 4)}[pose]
            surf = pygame.transform.smoothscale(base, size)
            if facing < 0:
                surf = pygame.transform.flip(surf, True, False)
            self._beans[key] = rle(surf)
        return surf

    # ---- the world --------------------------------------------------------------------------

    def draw_world(self, surface: pygame.Surface, world: World, skin: str = "classic") -> None:
        self.draw_background(surface, world.camera_y)
        sy = world.screen_y
        for p in world.platforms:
            y = sy(p.y) + p.fall
            if y < -30 or y > HEIGHT + 30:
                continue
            x = p.x - PLATFORM_WIDTH / 2
            if p.broken:
                surface.blit(self.broken, (x - 2, y - 2))
                continue
            squash = 3 if p.squash > 0 else 0
            surface.blit(self.platforms[p.kind], (x, y - 1 + squash))
            if p.kind is Kind.SPRING:
                spring = self.spring_open if p.squash > 0 else self.spring
                surface.blit(spring, (p.x - 12, y - spring.get_height() + 2))
        frame = (world.ticks // 5) % COIN_FRAMES
        for c in world.coins:
            img = self.coins[frame]
            surface.blit(img, img.get_rect(center=(c.x, sy(c.y))))
        bob = math.sin(world.ticks / 8) * 3
        for u in world.powerups:
            surface.blit(self.rocket, self.rocket.get_rect(center=(u.x, sy(u.y) + bob)))
        self._draw_bean(surface, world, skin)

    def _draw_bean(self, surface: pygame.Surface, world: World, skin: str) -> None:
        bean = world.bean
        pose = 1 if bean.vy > 600 else (-1 if -80 < bean.vy < 120 and bean.rocket <= 0 else 0)
        img = self.bean(skin, bean.facing, pose)
        y = world.screen_y(bean.y)
        if bean.rocket > 0:
            flame = self._flame[(world.ticks // 3) % 2]
            surface.blit(flame, flame.get_rect(midtop=(bean.x, y - 6)))
        rect = img.get_rect(midbottom=(bean.x, y + 4))
        surface.blit(img, rect)
        if rect.left < 0:  # wrap-around: show the part that is already on the other side
            surface.blit(img, rect.move(WIDTH, 0))
        elif rect.right > WIDTH:
            surface.blit(img, rect.move(-WIDTH, 0))

    def draw_background(self, surface: pygame.Surface, camera_y: float) -> None:
        """Sky, clouds and ground at ``camera_y``. Once the camera stays put for a second frame
        (every menu, a bean falling back down) one cached opaque copy replaces the six blits."""
        if camera_y != self._camera_seen:  # moving: straight onto the surface, nothing kept
            self._camera_seen = camera_y
            self._compose_background(surface, camera_y)
            return
        if self._still is None or self._still.get_size() != surface.get_size():
            self._still, self._still_at = pygame.Surface(surface.get_size(), 0, surface), None
        if self._still_at != camera_y:
            self._compose_background(self._still, camera_y)
            self._still_at = camera_y
        surface.blit(self._still, (0, 0))

    def _compose_background(self, surface: pygame.Surface, camera_y: float) -> None:
        surface.blit(self.sky, (0, 0))
        for layer, speed in ((self.far, 0.15), (self.near, 0.4)):
            offset = int(camera_y * speed) % HEIGHT
            surface.blit(layer, (0, offset - HEIGHT))
            surface.blit(layer, (0, offset))
        ground_top = HEIGHT - 150 + camera_y
        if ground_top < HEIGHT:
            surface.blit(self.ground, (0, ground_top))

    # ---- the heads-up display ---------------------------------------------------------------

    def draw_hud(self, surface: pygame.Surface, world: World) -> None:
        a = self.assets
        a.number(surface, world.score, (14, 10), 44)
        surface.blit(self.hud_coin, (16, 58))
        a.number(surface, world.coins_collected, (46, 57), 26, GOLD)
        if world.bean.rocket > 0:
            width = int(80 * world.bean.rocket / 2.0)
            pygame.draw.rect(surface, INK, (14, 92, 84, 10), border_radius=5)
            pygame.draw.rect(surface, WHITE, (16, 94, width, 6), border_radius=3)


def _squeezed(img: pygame.Surface, fraction: float) -> pygame.Surface:
    w, h = img.get_size()
    return rle(pygame.transform.smoothscale(img, (max(2, int(w * fraction)), h)))


def _flame() -> list[pygame.Surface]:
    frames = []
    for length in (26, 34):
        s = pygame.Surface((20, length), pygame.SRCALPHA)
        pygame.draw.ellipse(s, (255, 150, 60), (2, 0, 16, length))
        pygame.draw.ellipse(s, (255, 230, 120), (6, 0, 8, length * 2 // 3))
        frames.append(rle(s))
    return frames
