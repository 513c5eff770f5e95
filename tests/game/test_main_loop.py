"""game.main's loop on a web runtime, driven through a stand-in for the page's ``TTBridge``.

The stand-in host hands out animation frames only when the test fires them, like a browser's
``requestAnimationFrame``: the loop must draw exactly one frame per animation frame, never sleep
after its work, and draw nothing between a ``hide`` and a ``show``. No timing is measured.
"""

from __future__ import annotations

import asyncio
import json
import sys
import types
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pygame
import pytest

from bridge import runtime
from game.main import main
from game.options import Options

NOT_HERE = json.dumps(
    {"ok": False, "error": {"code": "not_supported", "message": "stand-in", "platform": None}}
)


class Inbox(list[str]):
    """A JS array as Pyodide hands it to Python: ``length`` and ``shift()``."""

    @property
    def length(self) -> int:
        return len(self)

    def shift(self) -> str:
        return self.pop(0)


@dataclass
class Host:
    """``window.TTBridge`` and the page's animation frames; the test decides when a frame comes."""

    log: list[str] = field(default_factory=list)  # "frame?" (the loop waits), "flip"
    waiting: list[asyncio.Future[float]] = field(default_factory=list)
    inbox: Inbox = field(default_factory=Inbox)
    fired: int = 0

    def frame(self) -> asyncio.Future[float]:
        future = asyncio.get_running_loop().create_future()
        self.waiting.append(future)
        self.log.append("frame?")
        return future

    async def call(self, method: str, args_json: str) -> str:
        assert isinstance(method, str) and isinstance(json.loads(args_json), dict)
        return NOT_HERE  # the platform offers nothing: the game plays as a guest

    def fire(self) -> None:
        """The display refreshes: every pending animation frame callback runs."""
        self.fired += 1
        waiting, self.waiting = self.waiting, []
        for future in waiting:
            future.set_result(16.7 * self.fired)

    def push(self, event_type: str) -> None:
        self.inbox.append(json.dumps({"type": event_type, "data": {}}))

    @property
    def flips(self) -> int:
        return self.log.count("flip")


@pytest.fixture
def host(monkeypatch: pytest.MonkeyPatch) -> Iterator[Host]:
    """The web runtime as game.main sees it: runtime ``pyodide`` and a ``js`` module."""
    host = Host()
    js = types.ModuleType("js")
    js.TTBridge = types.SimpleNamespace(  # type: ignore[attr-defined]
        frame=host.frame, call=host.call, inbox=host.inbox
    )
    monkeypatch.setitem(sys.modules, "js", js)
    monkeypatch.setattr(runtime, "detect", lambda: "pyodide")
    flip = pygame.display.flip
    monkeypatch.setattr(pygame.display, "flip", lambda: (host.log.append("flip"), flip())[1])
    yield host


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every ``asyncio.sleep`` with a delay, anywhere: the loop must not have any."""
    delays: list[float] = []
    real = asyncio.sleep

    async def sleep(delay: float, result: Any = None) -> Any:
        if delay > 0:
            delays.append(delay)
        return await real(0, result)

    monkeypatch.setattr(asyncio, "sleep", sleep)
    return delays


async def until(condition: Callable[[], bool], what: str) -> None:
    """Lets the event loop run until ``condition`` holds (bounded in turns, not in time)."""
    for _ in range(10_000):
        if condition():
            return
        await asyncio.sleep(0)
    pytest.fail(f"never happened: {what}")


async def idle(turns: int = 200) -> None:
    """Many turns of the event loop: whatever could happen without a new frame has happened."""
    for _ in range(turns):
        await asyncio.sleep(0)


async def running(options: Options, body: Callable[[asyncio.Task[int]], Awaitable[None]]) -> int:
    task = asyncio.ensure_future(main(options))
    try:
        await body(task)
    finally:
        if not task.done():
            task.cancel()
    return await task


async def test_one_frame_is_drawn_per_animation_frame_and_nothing_in_between(
    host: Host, sleeps: list[float]
) -> None:
    async def body(task: asyncio.Task[int]) -> None:
        await until(lambda: host.waiting, "the loop waits for an animation frame")
        assert host.log == ["flip", "frame?"], "the first frame is drawn at once"
        for n in range(1, 6):
            await idle()
            assert host.flips == n, "no frame without an animation frame"
            host.fire()
            await until(lambda: len(host.waiting) == 1 or task.done(), "the next wait")
            assert host.flips == n + 1
        expected = ["flip", "frame?"] * 5 + ["flip"]  # the sixth frame ends the run
        assert host.log == expected, "exactly one wait per frame, after the draw"

    assert await running(Options(headless=True, frames=6), body) == 0
    assert sleeps == [], "the loop waits for the display, never for a timer"


async def test_a_hidden_app_draws_nothing_until_it_is_shown(
    host: Host, sleeps: list[float]
) -> None:
    async def body(task: asyncio.Task[int]) -> None:
        await until(lambda: host.waiting, "the first wait")
        host.push("hide")
        for _ in range(5):  # frames keep coming (an H5 host may not stop them): nothing is drawn
            host.fire()
            await until(lambda: len(host.waiting) == 1, "the loop waits again")
        assert host.flips == 1, "nothing drawn from the frame that saw the hide on"
        host.push("show")
        while not task.done():
            host.fire()
            await until(lambda: len(host.waiting) == 1 or task.done(), "the next frame")

    assert await running(Options(headless=True, frames=4), body) == 0
    assert host.log == ["flip", "frame?"] + ["frame?"] * 5 + ["flip", "frame?"] * 2 + ["flip"]
    assert sleeps == []


async def test_no_animation_frame_no_work(host: Host) -> None:
    """A hidden browser tab gives no animation frames: the loop does nothing at all."""
    polls = 0
    real_get = pygame.event.get

    def counting_get(*args: Any, **kwargs: Any) -> Any:
        nonlocal polls
        polls += 1
        return real_get(*args, **kwargs)

    async def body(task: asyncio.Task[int]) -> None:
        await until(lambda: host.waiting, "the first wait")
        before = polls
        await idle(2000)
        assert (polls, host.flips) == (before, 1) and not task.done()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pygame.event, "get", counting_get)
        with pytest.raises(asyncio.CancelledError):
            await running(Options(headless=True, frames=3), body)
