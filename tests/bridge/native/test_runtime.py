"""The emulated runtime in real Chromium: drawing, touches, no DOM, no eval, lifecycle."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.bridge.native.conftest import (
    console,
    emulator,
    open_page,
    package,
    status,
    wait_console,
    wait_state,
)

pytestmark = [pytest.mark.browser]
# No game server: these packages make no requests (connections to port 9 are refused at once).
NO_SERVER = "http://127.0.0.1:9"


def pixel(png: bytes, x: int, y: int) -> tuple[int, int, int]:
    import pygame

    surface = pygame.image.load(io.BytesIO(png))
    r, g, b, *_ = surface.get_at((x, y))
    return r, g, b


def close(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    return all(abs(p - q) <= 8 for p, q in zip(a, b, strict=True))


def test_a_package_draws_and_answers_touches(browser: Any, tmp_path: Path) -> None:
    with emulator(package("draw", tmp_path), NO_SERVER, tmp_path) as emu:
        page = open_page(browser, emu.url)
        state = wait_state(page, "running", "failed")
        assert state["state"] == "running", state["errors"]
        wait_console(page, "screen 360x640 @2 safe top 24 canvas 720x1280")
        assert "second canvas true png data:image/png;base64," in console(page)
        box = page.locator("#screen").bounding_box()
        assert (box["width"], box["height"]) == (360, 640)
        page.mouse.click(box["x"] + 100, box["y"] + 200)
        assert "id=1 x=100 y=200 touches=1 time=number" in wait_console(page, "touch start")
        assert "touches=0" in wait_console(page, "touch end")
        frames = status(page)["frames"]
        page.wait_for_function("(n) => window.nativeEmulator.status.frames > n + 3", arg=frames)
        png = page.locator("#screen").screenshot()
        assert close(pixel(png, 100, 200), (255, 0, 0))  # the square where the touch landed
        assert close(pixel(png, 300, 500), (0x10, 0x20, 0x30))  # the background
        final = status(page)
        assert final["fps"] > 0 and final["errors"] == []
        assert final["calls"]["TTMinis.game.onTouchStart"] == 1
        assert final["calls"]["TTMinis.game.createCanvas"] == 2
        page.close()


def test_the_panel_hides_and_shows_the_app(browser: Any, tmp_path: Path) -> None:
    with emulator(package("draw", tmp_path), NO_SERVER, tmp_path) as emu:
        page = open_page(browser, emu.url)
        wait_state(page, "running")
        page.click("#tt-sim-hide")
        wait_console(page, "lifecycle hide")
        page.click("#tt-sim-show")
        wait_console(page, "lifecycle show")
        page.close()


def test_preferred_frames_per_second_spaces_the_animation_frames(
    browser: Any, tmp_path: Path
) -> None:
    """20 frames/s: the runtime skips display frames so that two animation frames are at least
    a 20th of a second apart (2 ms of slack); a value that is not a number means 60 again."""
    with emulator(package("pacing", tmp_path), NO_SERVER, tmp_path) as emu:
        page = open_page(browser, emu.url)
        assert wait_state(page, "running", "failed")["state"] == "running"
        slow = int(wait_console(page, "at 20 fps").split(" is ")[1].split()[0])
        assert slow >= 48, f"two frames {slow} ms apart at 20 frames/s"
        fast = int(wait_console(page, "at 60 fps").split(" is ")[1].split()[0])
        assert fast < 45, f"at 60 frames/s no two of 30 frames came closer than {fast} ms"
        assert status(page)["calls"]["TTMinis.game.setPreferredFramesPerSecond"] == 2
        page.close()


def test_no_dom_and_no_browser_api(browser: Any, tmp_path: Path) -> None:
    with emulator(package("document", tmp_path), NO_SERVER, tmp_path) as emu:
        page = open_page(browser, emu.url)
        state = wait_state(page, "running", "failed")
        assert state["state"] == "failed"
        assert any("ReferenceError: document is not defined" in e for e in state["errors"])
        line = wait_console(page, "globals ")
        kinds = json.loads(line.removeprefix("globals "))
        assert kinds == dict.fromkeys(kinds, "undefined"), kinds
        assert "runtime object object object function function true" in console(page)
        assert "typeof document: undefined" in console(page)
        # What the package can see: ECMAScript and the runtime, nothing of the browser.
        visible = set(state["globals"])
        assert {"GameGlobal", "TTMinis", "TTWebAssembly", "require", "console"} <= visible
        assert not visible & {"self", "fetch", "WebAssembly", "navigator", "location", "Response"}
        page.close()


def test_eval_fails_as_on_a_device(browser: Any, tmp_path: Path) -> None:
    with emulator(package("eval", tmp_path), NO_SERVER, tmp_path) as emu:
        page = open_page(browser, emu.url)
        state = wait_state(page, "running", "failed")
        assert state["state"] == "failed"
        lines = console(page)
        assert "new Function: EvalError" in lines
        assert "string setTimeout: TypeError" in lines
        assert "indirect eval: EvalError" in lines
        assert "now eval, uncaught" in lines and not any("not reached" in x for x in lines)
        assert any(e.startswith("Uncaught EvalError") for e in state["errors"])
        # TikTok's review scan would have said so before any device: a warning, not a refusal.
        assert any(": eval: " in w for w in state["warnings"])
        assert "review scan would reject" in emu.log.read_text()
        page.close()


def test_require_is_commonjs_over_package_files(browser: Any, tmp_path: Path) -> None:
    with emulator(package("modules", tmp_path), NO_SERVER, tmp_path) as emu:
        page = open_page(browser, emu.url)
        state = wait_state(page, "running", "failed")
        assert state["state"] == "running", state["errors"]
        lines = console(page)
        assert "a a sees b b cached true" in lines
        assert 'b saw a partial: {"name":"a"}' in lines  # the cycle sees what a had so far
        assert "index lib/index.js this is exports true" in lines
        assert "module var global: undefined" in lines
        missing = next(x for x in lines if x.startswith("missing: "))
        assert "module './lib/missing' is not defined" in missing
        assert next(x for x in lines if x.startswith("outside: ")).startswith(
            "outside: module '../outside.js'"
        )
        page.close()
