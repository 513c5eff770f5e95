"""The title screen: tap to play (which also unlocks browser audio), shop, profile."""

from __future__ import annotations

import math
from typing import Any

import pygame

from game.assets import INK, TEAL, WHITE
from game.scenes.base import Scene
from game.ui import Button, centered
from rules.world import HEIGHT, WIDTH

AUTOPLAY_START = 30


class TitleScene(Scene):
    name = "title"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.toured = False  # autoplay: the profile was visited after the first run
        self.buttons = [
            Button(
                "play",
                pygame.Rect(WIDTH // 2 - 120, 410, 240, 72),
                "Tap to play",
                icon="play",
                size=34,
            ),
            Button(
                "shop",
                pygame.Rect(WIDTH // 2 - 130, 500, 124, 56),
                "Shop",
                icon="shop",
                style="secondary",
                size=26,
            ),
            Button(
                "profile",
                pygame.Rect(WIDTH // 2 + 6, 500, 124, 56),
                "Me",
                icon="profile",
                style="gold",
                size=26,
            ),
            Button("sound", pygame.Rect(WIDTH - 62, 14, 48, 48), icon="sound_on", style="dark"),
        ]

    def enter(self, payload: dict[str, Any]) -> None:
        self._sync_sound()

    def _sync_sound(self) -> None:
        self.button("sound").icon = "sound_off" if self.ctx.audio.user_muted else "sound_on"

    def on_button(self, button_id: str) -> None:
        if button_id == "play":
            self.start()
        elif button_id in ("shop", "profile"):
            self.ctx.audio.start_music()
            self.go(button_id, back="title")
        elif button_id == "sound":
            self.ctx.audio.set_user_muted(not self.ctx.audio.user_muted)
            self.ctx.store.set(muted=self.ctx.audio.user_muted)
            self._sync_sound()

    def on_tap(self, pos: tuple[int, int]) -> None:
        self.start()

    def on_key(self, key: int) -> None:
        if key in (pygame.K_SPACE, pygame.K_RETURN, pygame.K_UP, pygame.K_w):
            self.start()

    def start(self) -> None:
        self.ctx.audio.start_music()  # the first gesture: browsers allow audio from here on
        self.go("play")

    def update(self, dt: float) -> None:
        super().update(dt)
        self.ctx.server_runs.prepare()  # the first run, while the title shows
        services = self.ctx.services
        ready = services.status != "connecting" and self.ctx.server_runs.settled
        if self.ctx.autoplay and self.frames >= AUTOPLAY_START and ready:
            # After the first run the bot tours the profile too (the shop comes from results),
            # so a headless run visits every scene.
            if self.ctx.runs == 1 and not self.toured:
                self.toured = True
                self.on_button("profile")
            else:
                self.start()

    def draw(self, surface: pygame.Surface) -> None:
        a, r = self.ctx.assets, self.ctx.renderer
        r.draw_background(surface, 0.0)
        t = self.frames / 60
        centered(surface, a.image("ui/logo.png"), 148 + int(math.sin(t * 2) * 4))
        hop = abs(math.sin(t * 3)) * 60
        bean = r.bean(self.skin, 1, 1 if hop > 30 else (-1 if hop < 8 else 0))
        surface.blit(bean, bean.get_rect(midbottom=(WIDTH // 2, 352 - hop)))
        plat = r.platforms[next(iter(r.platforms))]
        surface.blit(plat, plat.get_rect(midtop=(WIDTH // 2, 352)))
        best = self.ctx.services.best_score
        if best:
            centered(surface, a.outlined(f"Best {best}", 26, WHITE), 388)
        self.draw_buttons(surface)
        services = self.ctx.services
        color = TEAL if services.online else INK
        lines = a.wrapped(services.status_line, 20, WIDTH - 40, color)
        box = pygame.Rect(14, HEIGHT - 24 - 24 * len(lines), WIDTH - 28, 14 + 24 * len(lines))
        self.ctx.painter.panel(surface, box)
        for i, line in enumerate(lines):
            centered(surface, line, box.top + 19 + i * 24)
