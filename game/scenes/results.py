"""The results of a run: score, best, coins (saved on the server), double coins for an ad."""

from __future__ import annotations

from typing import Any

import pygame

from game.assets import CORAL, GOLD, INK, WHITE
from game.scenes.base import AUTOPLAY_WAIT, Scene
from game.services import Job, RunResult, ServiceError
from game.ui import Button, centered
from rules.world import HEIGHT, WIDTH, World


class ResultsScene(Scene):
    name = "results"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.world = World(0)
        self.record: Job[RunResult] | None = None
        self.result: RunResult | None = None
        self.double: Job[int] | None = None
        self.doubled = False
        self.bonus = 0
        self.message = ""
        self.new_best = False
        cx = WIDTH // 2
        self.buttons = [
            Button(
                "double",
                pygame.Rect(cx - 140, 382, 280, 60),
                "Double coins",
                icon="ad",
                style="gold",
                size=26,
            ),
            Button(
                "again", pygame.Rect(cx - 140, 456, 280, 64), "Play again", icon="play", size=30
            ),
            Button(
                "home",
                pygame.Rect(cx - 140, 534, 136, 54),
                "Home",
                icon="home",
                style="light",
                size=24,
            ),
            Button(
                "shop",
                pygame.Rect(cx + 4, 534, 136, 54),
                "Shop",
                icon="shop",
                style="secondary",
                size=24,
            ),
        ]

    def enter(self, payload: dict[str, Any]) -> None:
        world = payload.get("world")
        assert isinstance(world, World), "results need the finished world"
        self.world = world
        ctx, services = self.ctx, self.ctx.services
        ctx.runs += 1
        ctx.last_score, ctx.last_height, ctx.last_coins = (
            world.score,
            world.height,
            world.coins_collected,
        )
        self.new_best = world.score > services.best_score
        self.result, self.double, self.doubled, self.bonus, self.message = None, None, False, 0, ""
        self.record = ctx.server_runs.finish(world)
        self._refresh_buttons()

    def _refresh_buttons(self) -> None:
        saved = self.result is not None and self.result.saved
        b = self.button("double")
        ads = self.ctx.services.ads_available
        b.enabled = (
            saved
            and ads
            and not self.doubled
            and self.double is None
            and self.world.coins_collected > 0
        )
        b.label = "Coins doubled" if self.doubled else "Double coins"

    def on_button(self, button_id: str) -> None:
        if button_id == "again":
            self.go("play")
        elif button_id == "home":
            self.go("title")
        elif button_id == "shop":
            self.go("shop", back="title")
        elif button_id == "double":
            self.double = self.ctx.services.spawn(self._double())
            self.message = "Playing ad…"
            self._refresh_buttons()

    async def _double(self) -> int:
        services = self.ctx.services
        outcome = await services.watch_ad()
        if not outcome.rewarded:
            raise ServiceError(outcome.message)
        before = services.inventory.coins
        await services.claim_ad_reward("double_coins")
        gained = services.inventory.coins - before
        return gained if gained > 0 else self.world.coins_collected

    def update(self, dt: float) -> None:
        super().update(dt)
        if self.record is not None and self.record.done():
            error = self.record.error()
            self.result = (
                self.record.result() if error is None else RunResult(0, 0, False, "Run not saved")
            )
            self.message = self.result.message
            self.record = None
            self._refresh_buttons()
        if self.double is not None and self.double.done():
            error = self.double.error()
            if error is None:
                self.bonus, self.doubled = self.double.result(), True
                self.message = f"+{self.bonus} bonus coins!"
            else:
                self.message = (
                    error.message if isinstance(error, ServiceError) else "No bonus this time"
                )
            self.double = None
            self._refresh_buttons()
        self.ctx.server_runs.prepare()  # the next run, while the player reads the results
        ready = self.record is None and self.ctx.server_runs.settled
        if self.ctx.autoplay and self.frames >= AUTOPLAY_WAIT and ready:
            self.on_button("shop" if self.ctx.runs == 1 else "again")  # the shop once, then play

    def draw(self, surface: pygame.Surface) -> None:
        a = self.ctx.assets
        key = (self.name, self.world.camera_y)
        self.ctx.painter.frozen(surface, self.world, key, self._draw_frozen)
        centered(surface, a.text("SCORE", 22, (120, 124, 150)), 160)
        centered(surface, a.text(str(self.world.score), 72), 204)
        best = max(self.ctx.services.best_score, self.world.score)
        label = "New best!" if self.new_best else f"Best {best}"
        centered(surface, a.text(label, 26, CORAL if self.new_best else INK), 252)
        coin = self.ctx.renderer.hud_coin
        total = self.world.coins_collected + self.bonus
        text = a.text(f"+{total} coins", 34, INK)
        x = (WIDTH - coin.get_width() - 10 - text.get_width()) // 2
        surface.blit(coin, (x, 300))
        surface.blit(text, (x + coin.get_width() + 10, 298))
        if self.message:
            centered(surface, a.text(self.message, 20, (110, 114, 140)), 350)
        self.draw_buttons(surface)
        if self.record is not None:
            centered(surface, a.text("Saving…", 20, WHITE), HEIGHT - 16)

    def _draw_frozen(self, surface: pygame.Surface) -> None:
        """The sky where the run ended under a dim and the panel: drawn once, not every frame."""
        p = self.ctx.painter
        self.ctx.renderer.draw_background(surface, self.world.camera_y)
        p.dim(surface, 90)
        p.panel(surface, pygame.Rect(24, 60, WIDTH - 48, 550))
        centered(surface, self.ctx.assets.outlined("Results", 50, GOLD), 108)
