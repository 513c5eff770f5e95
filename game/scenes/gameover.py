"""Game over: one revive offer per run (a rewarded ad, or a revive token spent on the server)."""

from __future__ import annotations

from typing import Any

import pygame

from game.assets import CORAL, INK, TEAL
from game.scenes.base import AUTOPLAY_WAIT, Scene
from game.services import AdOutcome, Job, ServiceError
from game.ui import Button, centered
from rules.world import WIDTH, World


class GameOverScene(Scene):
    name = "gameover"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.world = World(0)
        self.message = ""
        self.job: Job[Any] | None = None
        self.job_kind = ""
        cx = WIDTH // 2
        self.buttons = [
            Button(
                "revive_ad",
                pygame.Rect(cx - 140, 330, 280, 60),
                "Watch ad to revive",
                icon="ad",
                size=26,
            ),
            Button(
                "revive_token",
                pygame.Rect(cx - 140, 404, 280, 60),
                "Use a revive",
                icon="heart",
                style="gold",
                size=26,
            ),
            Button(
                "skip", pygame.Rect(cx - 140, 478, 280, 54), "No thanks", style="light", size=26
            ),
        ]

    def enter(self, payload: dict[str, Any]) -> None:
        world = payload.get("world")
        assert isinstance(world, World), "game over needs the finished world"
        self.world = world
        self.message = ""
        self.job, self.job_kind = None, ""
        self._refresh_buttons()

    def _refresh_buttons(self) -> None:
        services = self.ctx.services
        offer = not self.world.revived and self.job is None
        ad = self.button("revive_ad")
        ad.enabled = offer and services.ads_available
        ad.label = "Watch ad to revive" if services.ads_available else "Ads unavailable"
        tokens = services.inventory.count("revive")
        token = self.button("revive_token")
        token.enabled = offer and services.online and tokens > 0
        token.label = f"Use a revive ({tokens})" if services.online else "Revives: sign in"
        self.button("skip").enabled = self.job is None

    def on_button(self, button_id: str) -> None:
        services = self.ctx.services
        if button_id == "revive_ad":
            self.job, self.job_kind = services.spawn(services.watch_ad()), "ad"
            self.message = "Playing ad…"
        elif button_id == "revive_token":
            self.job, self.job_kind = self.ctx.server_runs.revive_with_token(self.world), "token"
            self.message = "Using a revive…"
        elif button_id == "skip":
            self.go("results", world=self.world)
        self._refresh_buttons()

    def update(self, dt: float) -> None:
        super().update(dt)
        if self.job is not None and self.job.done():
            self._finish_job()
        if self.ctx.autoplay and self.frames == AUTOPLAY_WAIT and self.job is None:
            self.on_button("skip")

    def _finish_job(self) -> None:
        assert self.job is not None
        job, kind = self.job, self.job_kind
        self.job, self.job_kind = None, ""
        error = job.error()
        if isinstance(error, ServiceError):
            self.message = f"Could not revive: {error.message}"
        elif error is not None:
            self.message = "Could not revive, try again"
        elif kind == "ad":
            outcome: AdOutcome = job.result()
            if outcome.rewarded:
                self._revive(claim=True)
                return
            self.message = outcome.message
        elif job.result():
            self._revive(claim=False)
            return
        else:
            self.message = "No revives left: get more in the shop"
        self._refresh_buttons()

    def _revive(self, *, claim: bool) -> None:
        if claim:  # counted against the daily ad cap; nothing to wait for
            self.ctx.server_runs.revived_by_ad(self.world)
        self.world.revive()
        self.go("play", world=self.world)

    def draw(self, surface: pygame.Surface) -> None:
        world = self.world
        key = (self.name, world.ticks, world.score, world.revived, self.skin)
        self.ctx.painter.frozen(surface, world, key, self._draw_frozen)
        self.draw_buttons(surface)
        if self.message:
            a = self.ctx.assets
            for i, line in enumerate(a.wrapped(self.message, 22, WIDTH - 70, INK)):
                centered(surface, line, 590 + i * 24)

    def _draw_frozen(self, surface: pygame.Surface) -> None:
        """The finished run under a dim and the panel: drawn once, not every frame."""
        a, p = self.ctx.assets, self.ctx.painter
        self.ctx.renderer.draw_world(surface, self.world, self.skin)
        p.dim(surface, 160)
        p.panel(surface, pygame.Rect(24, 110, WIDTH - 48, 450))
        centered(surface, a.outlined("Game over", 54, CORAL), 160)
        centered(surface, a.text("SCORE", 22, (120, 124, 150)), 212)
        centered(surface, a.text(str(self.world.score), 64), 252)
        if self.world.revived:
            centered(surface, a.text("Revive used for this run", 22, (120, 124, 150)), 305)
        else:
            centered(surface, a.text("Keep going? One revive per run", 22, TEAL), 305)
