"""What the game loop awaits once per frame: the display's pace, on every runtime.

| runtime | one frame ends with |
| --- | --- |
| Pyodide | ``await TTBridge.frame()``: the host's next ``requestAnimationFrame`` (a 60 Hz timer where the host has none). One frame per display refresh, and none while the host shows no frames (a hidden tab). |
| pygbag | ``await asyncio.sleep(0)``: pygbag already runs Python's loop once per animation frame. |
| native | the rest of ``period`` since the previous frame began (a window: 1/60 s); ``period=0`` (headless) never waits. |

The game asks :func:`frame_clock` for its clock and never looks at the runtime itself.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, Protocol

from bridge import runtime


class FrameClock(Protocol):
    async def next_frame(self) -> None:
        """Returns when the next frame may begin."""


class AnimationFrames:
    """One frame per animation frame of the JS host, through ``TTBridge.frame()``."""

    def __init__(self, js: Any) -> None:
        bridge = getattr(js, "TTBridge", None)
        if bridge is None or getattr(bridge, "frame", None) is None:
            raise RuntimeError(
                "TTBridge.frame is missing: the page must load js/ttbridge.js before the game"
            )
        self._bridge = bridge

    async def next_frame(self) -> None:
        await self._bridge.frame()


class Yielding:
    """Only lets other tasks run: for loops that something else paces (pygbag) or none (headless)."""

    async def next_frame(self) -> None:
        await asyncio.sleep(0)


class Interval:
    """Frames ``period`` seconds apart, counted from when the previous frame began."""

    def __init__(self, period: float, clock: Callable[[], float] = time.perf_counter) -> None:
        assert period > 0, "Interval needs a positive period; use Yielding for none"
        self._period = period
        self._clock = clock
        self._began = clock()

    async def next_frame(self) -> None:
        await asyncio.sleep(max(0.0, self._period - (self._clock() - self._began)))
        self._began = self._clock()


def frame_clock(
    period: float = 0.0, *, runtime_name: runtime.Runtime | None = None, js: Any = None
) -> FrameClock:
    """The clock for this runtime; ``period`` paces native windows only (0: as fast as it goes)."""
    where = runtime_name or runtime.detect()
    if where == "pyodide":
        if js is None:
            import js as js_module

            js = js_module
        return AnimationFrames(js)
    if where == "pygbag" or period <= 0:
        return Yielding()
    return Interval(period)
