"""Scenes and the one manager that owns and switches them.

A scene asks for the next scene with :meth:`Scene.go`; the manager performs the switch after the
scene's update or event, calling ``exit`` on the old one and ``enter(payload)`` on the new one.
State travels in the payload, never through globals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pygame

from bridge.results import BridgeEvent
from game.assets import Assets
from game.audio import Audio
from game.render import Renderer
from game.runs import ServerRuns
from game.services import Services
from game.storage import LocalStore
from game.ui import Button, Painter

AUTOPLAY_WAIT = 60  # frames the autoplay bot looks at a screen before it taps


@dataclass
class Context:
    """What every scene is handed: assets, drawing, sound, services and run options."""

    assets: Assets
    renderer: Renderer
    painter: Painter
    audio: Audio
    services: Services
    store: LocalStore
    seed: int = 0
    autoplay: bool = False
    runs: int = 0  # finished runs in this session: the next run's seed is seed + runs
    last_score: int = 0
    last_height: int = 0
    last_coins: int = 0
    server_runs: ServerRuns = field(init=False)  # the server's side of the runs played

    def __post_init__(self) -> None:
        self.server_runs = ServerRuns(self.services)


class Scene:
    name = "scene"

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.buttons: list[Button] = []
        self.frames = 0  # frames since enter: scenes time themselves in frames, not wall-clock
        self.request: tuple[str, dict[str, Any]] | None = None
        self._pressed: str | None = None

    # ---- the protocol -----------------------------------------------------------------------

    def enter(self, payload: dict[str, Any]) -> None:
        pass

    def exit(self) -> None:
        pass

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            hit = self.button_at(event.pos)
            self._pressed = hit.id if hit else None
            if hit is None:
                self.on_tap(event.pos)
        elif event.type == pygame.MOUSEBUTTONUP and event.button == 1:
            hit = self.button_at(event.pos)
            if hit is not None and hit.id == self._pressed:
                self.ctx.audio.play("button")
                self.on_button(hit.id)
            self._pressed = None
        elif event.type == pygame.KEYDOWN:
            self.on_key(event.key)

    def update(self, dt: float) -> None:
        self.frames += 1

    def draw(self, surface: pygame.Surface) -> None:
        pass

    def on_platform_event(self, event: BridgeEvent) -> None:
        pass

    # ---- helpers for subclasses -------------------------------------------------------------

    @property
    def skin(self) -> str:
        """The chosen skin while the server says it is owned; else the classic bean."""
        chosen = str(self.ctx.store.get("skin"))
        owned = chosen == "classic" or self.ctx.services.inventory.count(f"skin.{chosen}") > 0
        return chosen if owned else "classic"

    def go(self, name: str, **payload: Any) -> None:
        self.request = (name, payload)

    def on_button(self, button_id: str) -> None:
        pass

    def on_tap(self, pos: tuple[int, int]) -> None:
        pass

    def on_key(self, key: int) -> None:
        pass

    def button(self, button_id: str) -> Button:
        for b in self.buttons:
            if b.id == button_id:
                return b
        raise KeyError(f"{self.name} has no button {button_id!r}")

    def button_at(self, pos: tuple[int, int]) -> Button | None:
        return next((b for b in self.buttons if b.hit(pos)), None)

    def draw_buttons(self, surface: pygame.Surface) -> None:
        for b in self.buttons:
            self.ctx.painter.button(surface, b, pressed=b.id == self._pressed)


class SceneManager:
    """Owns the scenes; forwards events, updates the current one and switches on request."""

    def __init__(
        self, scenes: dict[str, Scene], first: str, payload: dict[str, Any] | None = None
    ) -> None:
        assert first in scenes, f"unknown first scene {first!r}"
        self.scenes = scenes
        self.current = scenes[first]
        self.history: list[str] = [first]
        self.current.enter(payload or {})

    @property
    def name(self) -> str:
        return self.current.name

    def handle_event(self, event: pygame.event.Event) -> None:
        self.current.handle_event(event)
        self._switch()

    def platform_event(self, event: BridgeEvent) -> None:
        audio = self.current.ctx.audio
        if event.type == "hide":
            audio.mute("hidden")
        elif event.type == "show":
            audio.unmute("hidden")
        elif event.type == "ad_open":
            audio.mute("ad")
        elif event.type == "ad_close":
            audio.unmute("ad")
        self.current.on_platform_event(event)
        self._switch()

    def update(self, dt: float) -> None:
        self.current.update(dt)
        self._switch()

    def draw(self, surface: pygame.Surface) -> None:
        self.current.draw(surface)

    def _switch(self) -> None:
        while self.current.request is not None:
            name, payload = self.current.request
            self.current.request = None
            assert name in self.scenes, f"unknown scene {name!r}"
            self.current.exit()
            self.current = self.scenes[name]
            self.current.frames = 0
            self.current.request = None
            self.history.append(name)
            self.current.enter(payload)
