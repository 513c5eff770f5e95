"""The profile: name, best score, inventory, skin choice, volumes and mute."""

from __future__ import annotations

from typing import Any

import pygame

from game.assets import INK, TEAL, WHITE, rle
from game.render import SKINS
from game.scenes.base import AUTOPLAY_WAIT, Scene
from game.services import quietly
from game.ui import Button, centered
from rules.world import WIDTH

MUTED = (110, 114, 140)
SKIN_Y = 330
STEP = 0.1


class ProfileScene(Scene):
    name = "profile"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.back = "title"
        self._big: dict[str, pygame.Surface] = {}

    def enter(self, payload: dict[str, Any]) -> None:
        self.back = str(payload.get("back", "title"))
        services = self.ctx.services
        if services.online:
            services.spawn(quietly(services.refresh_profile()))
        self._layout()

    def owned_skins(self) -> list[str]:
        return ["classic", *[s for s in self.ctx.services.inventory.skins if s in SKINS]]

    def _layout(self) -> None:
        owned = self.owned_skins()
        chosen = self.skin
        self.buttons = [Button("back", pygame.Rect(14, 14, 48, 48), icon="back", style="dark")]
        for i, skin in enumerate(SKINS):
            rect = pygame.Rect(24 + i * 64, SKIN_Y, 56, 64)
            style = "secondary" if skin == chosen else "light"
            self.buttons.append(Button(f"skin:{skin}", rect, style=style, enabled=skin in owned))
        for j, which in enumerate(("music", "sfx")):
            y = 458 + j * 62
            self.buttons.append(
                Button(f"{which}-", pygame.Rect(120, y, 44, 44), "-", style="light", size=34)
            )
            self.buttons.append(
                Button(f"{which}+", pygame.Rect(WIDTH - 62, y, 44, 44), "+", style="light", size=34)
            )
        muted = self.ctx.audio.user_muted
        self.buttons.append(
            Button(
                "mute",
                pygame.Rect(24, 580, WIDTH - 48, 50),
                "Sound off" if muted else "Sound on",
                icon="sound_off" if muted else "sound_on",
                style="primary" if muted else "secondary",
                size=26,
            )
        )

    def on_button(self, button_id: str) -> None:
        audio, store = self.ctx.audio, self.ctx.store
        if button_id == "back":
            self.go(self.back)
            return
        if button_id.startswith("skin:"):
            store.set(skin=button_id.removeprefix("skin:"))
        elif button_id == "mute":
            audio.set_user_muted(not audio.user_muted)
            store.set(muted=audio.user_muted)
        elif button_id[:-1] in ("music", "sfx"):
            delta = STEP if button_id.endswith("+") else -STEP
            if button_id.startswith("music"):
                audio.set_volumes(music=audio.music_volume + delta)
            else:
                audio.set_volumes(sfx=audio.sfx_volume + delta)
            store.set(music_volume=audio.music_volume, sfx_volume=audio.sfx_volume)
        self._layout()

    def update(self, dt: float) -> None:
        super().update(dt)
        if self.frames % 30 == 0:  # the inventory may have arrived meanwhile
            self._layout()
        if self.ctx.autoplay and self.frames == AUTOPLAY_WAIT:
            self.on_button("back")

    def draw(self, surface: pygame.Surface) -> None:
        a, p, r = self.ctx.assets, self.ctx.painter, self.ctx.renderer
        services = self.ctx.services
        r.draw_background(surface, 2400.0)
        centered(surface, a.outlined("Profile", 48, WHITE), 40)
        p.panel(surface, pygame.Rect(14, 80, WIDTH - 28, 200))
        bean = self._big.get(self.skin)
        if bean is None:
            big = pygame.transform.smoothscale(r.bean(self.skin), (76, 88))
            bean = self._big[self.skin] = rle(big)
        surface.blit(bean, (34, 100))
        surface.blit(a.text(services.display_name, 32), (128, 104))
        state = "Signed in" if services.online else "Guest (saved on this device)"
        surface.blit(a.text(state, 20, TEAL if services.online else MUTED), (128, 136))
        stats = (
            ("Best", str(services.best_score)),
            ("Coins", str(services.inventory.coins)),
            ("Revives", str(services.inventory.count("revive"))),
        )
        for i, (label, value) in enumerate(stats):
            x = 60 + i * 110
            centered(surface, a.text(value, 34), 222, x)
            centered(surface, a.text(label, 18, MUTED), 250, x)
        surface.blit(a.outlined("Skins", 28, WHITE), (24, 292))
        self.draw_buttons(surface)
        owned = self.owned_skins()
        for i, skin in enumerate(SKINS):
            rect = pygame.Rect(24 + i * 64, SKIN_Y, 56, 64)
            img = r.bean(skin)
            surface.blit(img, img.get_rect(center=rect.center))
            if skin not in owned:
                lock = a.image("ui/lock.png")
                surface.blit(lock, lock.get_rect(center=rect.center))
        hint = "Get more skins in the shop" if len(owned) < len(SKINS) else "All skins unlocked!"
        centered(surface, a.outlined(hint, 20, WHITE), 418)
        audio = self.ctx.audio
        levels = (("Music", audio.music_volume), ("Effects", audio.sfx_volume))
        for j, (name, level) in enumerate(levels):
            y = 458 + j * 62
            surface.blit(a.outlined(name, 24, WHITE), (24, y + 8))
            p.bar(surface, pygame.Rect(174, y + 14, WIDTH - 246, 16), level)
            pct = a.text(f"{round(level * 100)}%", 16, INK)
            surface.blit(pct, pct.get_rect(center=(174 + (WIDTH - 246) // 2, y + 22)))
