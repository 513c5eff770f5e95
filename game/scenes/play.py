"""Playing and pausing: the world stepped at a fixed rate, steered by keys, touch or the bot."""

from __future__ import annotations

from typing import Any

import pygame

from bridge.results import BridgeEvent
from game.assets import GOLD, SHADOW, WHITE, rle
from game.effects import Effects
from game.scenes.base import Scene
from game.ui import Button, centered
from rules.bot import Bot
from rules.log import quantise
from rules.world import DT, HEIGHT, PIXELS_PER_POINT, WIDTH, Input, World, wrap_dx

HINT_TICKS = 150  # the steering hint shows for the first seconds of a run
MAX_STEPS = 5  # after a long stall, catch up at most this many steps
DRAG_START = 12  # pixels a pointer must move before it steers by dragging
LEFT_KEYS = (pygame.K_LEFT, pygame.K_a)
RIGHT_KEYS = (pygame.K_RIGHT, pygame.K_d)


class PlayScene(Scene):
    name = "play"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.world = World(0)
        self.bot: Bot | None = None
        self.buttons = [
            Button("pause", pygame.Rect(WIDTH - 62, 14, 48, 48), icon="pause", style="dark")
        ]
        self._keys: set[int] = set()
        self._pointer: tuple[float, float] | None = None  # where the press started, current x
        self._dragging = False
        self._accumulator = 0.0
        self._level = 0  # the quantised steer of the last step
        self.effects = Effects()
        self._hint: pygame.Surface | None = None

    def enter(self, payload: dict[str, Any]) -> None:
        world = payload.get("world")
        if isinstance(world, World):
            self.world = world
        else:  # a new run: the server's when it is ready (it then verifies the run)
            self.world = self.ctx.server_runs.begin(self.ctx.seed + self.ctx.runs)
            self.bot = Bot(self.world.seed) if self.ctx.autoplay else None
            self.effects.clear()
        self._level = 0
        self._keys.clear()
        self._pointer, self._dragging, self._accumulator = None, False, 0.0

    # ---- input ------------------------------------------------------------------------------

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame.KEYDOWN:
            if event.key in (pygame.K_ESCAPE, pygame.K_p, pygame.K_SPACE):
                self.pause()
            self._keys.add(event.key)
        elif event.type == pygame.KEYUP:
            self._keys.discard(event.key)
        elif event.type == pygame.MOUSEMOTION and self._pointer is not None:
            start, _ = self._pointer
            self._pointer = (start, event.pos[0])
            self._dragging = self._dragging or abs(event.pos[0] - start) > DRAG_START
        elif event.type == pygame.MOUSEBUTTONUP and event.button == 1:
            self._pointer, self._dragging = None, False
        elif event.type in (pygame.WINDOWMINIMIZED, pygame.APP_WILLENTERBACKGROUND):
            self.pause()
        super().handle_event(event)

    def on_tap(self, pos: tuple[int, int]) -> None:
        self._pointer, self._dragging = (pos[0], pos[0]), False

    def on_button(self, button_id: str) -> None:
        if button_id == "pause":
            self.pause()

    def on_platform_event(self, event: BridgeEvent) -> None:
        if event.type in ("hide", "ad_open"):
            self.pause()

    def pause(self) -> None:
        self.go("pause", world=self.world)

    def steer(self) -> float:
        steer = 0.0
        if any(k in self._keys for k in LEFT_KEYS):
            steer -= 1.0
        if any(k in self._keys for k in RIGHT_KEYS):
            steer += 1.0
        if self._pointer is not None:
            start, x = self._pointer
            if self._dragging:  # follow the finger
                steer = max(-1.0, min(1.0, wrap_dx(self.world.bean.x, x) / 30))
            else:  # hold the left or right half
                steer = -1.0 if start < WIDTH / 2 else 1.0
        return steer

    # ---- the step ---------------------------------------------------------------------------

    def update(self, dt: float) -> None:
        super().update(dt)
        self._accumulator = min(self._accumulator + dt, DT * MAX_STEPS)
        while self._accumulator >= DT - 1e-9:
            self._accumulator -= DT
            if self.bot is not None:
                inp = self.bot.decide(self.world)
            else:  # quantised here, as the world and its log (and so the server's replay) see it
                self._level = quantise(self.steer(), self._level)
                inp = Input.of_level(self._level)
            self.world.step(inp)
            self.effects.emit(self.world)
            for name in self.world.events:
                self.ctx.audio.play(name)
            if self.world.over:
                self.go("gameover", world=self.world)
                return

    def draw(self, surface: pygame.Surface) -> None:
        self.ctx.renderer.draw_world(surface, self.world, self.skin)
        self.effects.draw(surface, self.world)
        self._draw_best(surface)
        self.ctx.renderer.draw_hud(surface, self.world)
        if self.world.ticks < HINT_TICKS and not self.world.revived:
            self._draw_hint(surface)
        self.draw_buttons(surface)

    def _draw_hint(self, surface: pygame.Surface) -> None:
        if self._hint is None:
            self._hint = _hint_card(self.ctx.assets.text("Hold left or right to steer", 24, WHITE))
        surface.blit(self._hint, self._hint.get_rect(center=(WIDTH // 2, HEIGHT - 90)))

    def _draw_best(self, surface: pygame.Surface) -> None:
        """A line at the height of the best score, so a record is something to aim at."""
        best = self.ctx.services.best_score
        y = int(self.world.screen_y(best * PIXELS_PER_POINT))
        if best <= 0 or not 0 <= y < HEIGHT:
            return
        for x in range(0, WIDTH, 24):
            pygame.draw.line(surface, WHITE, (x, y), (x + 12, y), 3)
        label = self.ctx.assets.outlined("BEST", 20, WHITE)
        surface.blit(label, (WIDTH - label.get_width() - 8, y - label.get_height() - 2))


def _hint_card(text: pygame.Surface) -> pygame.Surface:
    w, h = text.get_width() + 96, 54
    card = pygame.Surface((w, h), pygame.SRCALPHA)
    pygame.draw.rect(card, (*SHADOW, 170), (0, 0, w, h), border_radius=h // 2)
    for x, d in ((24, -1), (w - 24, 1)):
        tip = [(x + 10 * d, h // 2), (x - 6 * d, h // 2 - 11), (x - 6 * d, h // 2 + 11)]
        pygame.draw.polygon(card, GOLD, tip)
    card.blit(text, text.get_rect(center=(w // 2, h // 2)))
    return rle(card)


class PauseScene(Scene):
    name = "pause"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.world = World(0)
        cx = WIDTH // 2
        self.buttons = [
            Button("resume", pygame.Rect(cx - 120, 300, 240, 64), "Resume", icon="play"),
            Button(
                "sound",
                pygame.Rect(cx - 120, 380, 240, 56),
                "Sound on",
                icon="sound_on",
                style="secondary",
                size=26,
            ),
            Button(
                "home",
                pygame.Rect(cx - 120, 450, 240, 56),
                "Home",
                icon="home",
                style="light",
                size=26,
            ),
        ]

    def enter(self, payload: dict[str, Any]) -> None:
        world = payload.get("world")
        assert isinstance(world, World), "pause needs the world it pauses"
        self.world = world
        self._sync_sound()

    def _sync_sound(self) -> None:
        muted = self.ctx.audio.user_muted
        b = self.button("sound")
        b.label, b.icon = ("Sound off", "sound_off") if muted else ("Sound on", "sound_on")

    def on_button(self, button_id: str) -> None:
        if button_id == "resume":
            self.go("play", world=self.world)
        elif button_id == "home":
            self.go("results", world=self.world, abandoned=True)
        elif button_id == "sound":
            self.ctx.audio.set_user_muted(not self.ctx.audio.user_muted)
            self.ctx.store.set(muted=self.ctx.audio.user_muted)
            self._sync_sound()

    def on_key(self, key: int) -> None:
        if key in (pygame.K_ESCAPE, pygame.K_p, pygame.K_SPACE, pygame.K_RETURN):
            self.go("play", world=self.world)

    def draw(self, surface: pygame.Surface) -> None:
        world = self.world
        key = (self.name, world.ticks, world.score, world.revived, self.skin)
        self.ctx.painter.frozen(surface, world, key, self._draw_frozen)
        self.draw_buttons(surface)

    def _draw_frozen(self, surface: pygame.Surface) -> None:
        """The paused run under a dim and the panel: drawn once, not every frame."""
        r, p, a = self.ctx.renderer, self.ctx.painter, self.ctx.assets
        r.draw_world(surface, self.world, self.skin)
        r.draw_hud(surface, self.world)
        p.dim(surface)
        p.panel(surface, pygame.Rect(30, 180, WIDTH - 60, 360))
        centered(surface, a.text("Paused", 52), 235)
        hint = "Tap Resume when you are ready"
        centered(surface, a.text(hint, 20, (110, 114, 140)), 272)
        centered(surface, a.outlined(f"Score {self.world.score}", 30, WHITE), HEIGHT - 80)
