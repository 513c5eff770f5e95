"""bridge.frames: which wait ends a frame on each runtime, and how long a native window waits."""

from __future__ import annotations

import asyncio
import types
from typing import Any

import pytest

from bridge import frames


class StandInBridge:
    """``TTBridge`` with a ``frame()`` that counts the animation frames asked for."""

    def __init__(self) -> None:
        self.asked = 0

    async def frame(self) -> float:
        self.asked += 1
        return 16.7


def stand_in_js(bridge: Any) -> Any:
    return types.SimpleNamespace(TTBridge=bridge)


async def test_pyodide_waits_for_the_hosts_animation_frame() -> None:
    bridge = StandInBridge()
    clock = frames.frame_clock(1 / 60, runtime_name="pyodide", js=stand_in_js(bridge))
    assert isinstance(clock, frames.AnimationFrames)
    for _ in range(3):
        await clock.next_frame()
    assert bridge.asked == 3


def test_a_page_without_the_bridges_frame_is_a_clear_error() -> None:
    for js in (types.SimpleNamespace(), stand_in_js(types.SimpleNamespace(call=None))):
        with pytest.raises(RuntimeError, match=r"TTBridge\.frame is missing"):
            frames.frame_clock(runtime_name="pyodide", js=js)


def test_pygbag_and_headless_only_yield() -> None:
    assert isinstance(frames.frame_clock(1 / 60, runtime_name="pygbag"), frames.Yielding)
    assert isinstance(frames.frame_clock(0, runtime_name="native"), frames.Yielding)
    assert isinstance(frames.frame_clock(1 / 60, runtime_name="native"), frames.Interval)
    assert isinstance(frames.frame_clock(1 / 60), frames.Interval), "native here"


async def test_a_window_waits_for_the_rest_of_the_period(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [100.0]
    waits: list[float] = []
    real = asyncio.sleep

    async def sleep(delay: float) -> None:
        waits.append(round(delay, 6))
        now[0] += delay
        await real(0)

    monkeypatch.setattr(asyncio, "sleep", sleep)
    clock = frames.Interval(0.02, clock=lambda: now[0])
    now[0] += 0.005  # the frame's work
    await clock.next_frame()
    now[0] += 0.03  # a slow frame: no wait at all
    await clock.next_frame()
    await clock.next_frame()
    assert waits == [0.015, 0.0, 0.02]


async def test_yielding_lets_other_tasks_run() -> None:
    ran = []

    async def other() -> None:
        ran.append(True)

    task = asyncio.ensure_future(other())
    await frames.Yielding().next_frame()
    assert ran == [True]
    await task
