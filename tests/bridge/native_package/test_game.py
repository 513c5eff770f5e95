"""Opt-in: the real game as a TikTok native-runtime package, played in the emulator.

Skipped unless ``PYGAME_WASM_WHEEL`` points at pygame-ce's wasm wheel. Builds the package with
``--target tiktok-native`` against ``python -m server`` (SQLite, the TikTok sandbox), runs it with
``python -m bridge.native`` in headless Chromium and plays it as a user would, by taps on the
emulator's screen and clicks on its simulator panel: title, a run steered by holding either
half, game over, a revive by rewarded ad, the shop with each item's picture, a Beans purchase
(server order, pay sheet, webhook), the profile, the mute switch kept in the platform's storage
across a reload, Hide/Show. The game's state is read from inside Pyodide in the emulator's
worker (``tests/bridge/worker_eval.py``). Prints the package's size table, the time to the
first frame and the frames per second of a run.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bridge.build import BuildOptions, build, native
from bridge.build.options import NATIVE
from tests.bridge.conftest import free_port, running
from tests.bridge.native_package.conftest import AUDIO_SPY, PLAYING
from tests.bridge.test_build import project_ready
from tests.bridge.worker_eval import WorkerError, WorkerEval

WHEEL = os.environ.get("PYGAME_WASM_WHEEL", "")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not (WHEEL and Path(WHEEL).is_file()),
        reason="set PYGAME_WASM_WHEEL to pygame-ce's wasm wheel to play the native package",
    ),
]

ROOT = Path(__file__).resolve().parents[3]
GAME_W, GAME_H = 360, 640
BOOT_MS = 180_000

# The running game, found once in the interpreter and kept in a global of the probe.
PROBE = """
import gc, json
_g = globals().setdefault("_native_probe", {})
if "manager" not in _g:
    from game.scenes.base import SceneManager
    _g["manager"] = next((o for o in gc.get_objects() if isinstance(o, SceneManager)), None)
_m = _g["manager"]
_s = _m.current if _m is not None else None
_w = getattr(_s, "world", None)
_p = getattr(_s, "purchase", None)
json.dumps({
    "scene": _m.name if _m is not None else None,
    "online": _s is not None and _s.ctx.services.online,
    "muted": _s is not None and _s.ctx.audio.muted,
    "user_muted": _s is not None and _s.ctx.audio.user_muted,
    "sound": _s is not None and _s.ctx.audio.available,
    "purchase": _p.state if _p is not None else None,
    "message": getattr(_s, "message", ""),
    "bean_x": _w.bean.x if _w is not None else None,
    "over": _w.over if _w is not None else None,
    "revived": _w.revived if _w is not None else None,
    "thumbs": sorted(getattr(_s, "_thumbs", {}).keys()),
    "items": [str(i.get("image")) for i in getattr(_s, "items", [])],
    "buttons": [
        {"id": b.id, "x": b.rect.centerx, "y": b.rect.centery, "enabled": b.enabled,
         "icon": b.icon}
        for b in getattr(_s, "buttons", [])
    ],
})
"""


@dataclass
class Site:
    server: str
    package: Path
    tmp: Path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The game server with its sandbox, and the package built against it."""
    project_ready()
    tmp = tmp_path_factory.mktemp("native-game")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    out = tmp / "package"
    build(
        BuildOptions(
            root=ROOT, out=out, target=NATIVE, runtime="pyodide", wheel=Path(WHEEL),
            server_origin=base,
        )
    )  # fmt: skip
    print(f"\n[figures] {native.summary(out)}")
    env = {
        **os.environ,
        "SANDBOX": "1",
        "DATABASE_URL": f"sqlite:///{tmp / 'server.db'}",
        "PUBLIC_BASE_URL": base,
        "AD_REWARD_COOLDOWN_SECONDS": "0",
    }
    command = [sys.executable, "-m", "server", "--host", "127.0.0.1", "--port", str(port)]
    with running(command, env, f"{base}/healthz", tmp / "server.log"):
        yield Site(base, out, tmp)


@dataclass
class Emulated:
    url: str
    state: Path


@pytest.fixture
def emulator(site: Site, tmp_path: Path) -> Iterator[Emulated]:
    port = free_port()
    state = tmp_path / "state"
    command = [sys.executable, "-m", "bridge.native", str(site.package), "--port", str(port)]
    command += ["--server", site.server, "--state", str(state)]
    url = f"http://127.0.0.1:{port}"
    with running(command, dict(os.environ), f"{url}/__emu/package", tmp_path / "emulator.log"):
        yield Emulated(url, state)


class Game:
    """The emulator's page, the game's worker, and the game as a player sees it."""

    def __init__(self, browser: Any, url: str) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 860})
        self.page = self.context.new_page()
        self.page.set_default_timeout(60_000)
        self.page.add_init_script(AUDIO_SPY)
        self.page.goto(url)
        self.worker = WorkerEval(browser, self.page)
        self.worker.attach()

    def boot(self) -> dict[str, Any]:
        """Waits until the game drew its first frame; returns the boot's phases (ms)."""
        waited = 0
        while True:
            state = self.js("globalThis.BeanhopBoot && BeanhopBoot.state")
            if state == "running":
                return dict(self.js("BeanhopBoot.phases"))
            assert state != "failed", self.js("BeanhopBoot.error")
            assert waited < BOOT_MS, f"the package never started: {self.emulator()}"
            self.page.wait_for_timeout(250)
            waited += 250

    def js(self, expression: str) -> Any:
        try:
            return self.worker.evaluate(expression)
        except WorkerError as exc:
            if "is not defined" in str(exc):  # the runtime's globals are not there yet
                return None
            raise

    def probe(self) -> dict[str, Any]:
        code = json.dumps(PROBE)
        return dict(json.loads(self.worker.evaluate(f"beanhopPyodide.runPython({code})")))

    def wait(self, what: str, check: Callable[[dict[str, Any]], bool], timeout_s: float = 60):
        waited = 0.0
        while True:
            state = self.probe()
            if check(state):
                return state
            if waited > timeout_s:
                pytest.fail(f"the game never got to {what}: {state}")
            self.page.wait_for_timeout(100)
            waited += 0.1

    def emulator(self) -> dict[str, Any]:
        return dict(self.page.evaluate("() => window.nativeEmulator.status"))

    def screen(self) -> Any:
        return self.page.locator("#game-frame canvas").first.bounding_box()

    def point(self, x: float, y: float) -> tuple[float, float]:
        box = self.screen()
        return box["x"] + x * box["width"] / GAME_W, box["y"] + y * box["height"] / GAME_H

    def tap(self, x: float, y: float) -> None:
        self.page.mouse.click(*self.point(x, y))

    def tap_button(self, button_id: str) -> None:
        state = self.wait(f"a button {button_id}", lambda s: _button(s, button_id) is not None)
        button = _button(state, button_id)
        assert button is not None
        self.tap(button["x"], button["y"])

    def hold(self, x: float, y: float, ms: int) -> None:
        self.page.mouse.move(*self.point(x, y))
        self.page.mouse.down()
        self.page.wait_for_timeout(ms)
        self.page.mouse.up()

    def close(self) -> None:
        self.worker.detach()
        self.context.close()


def _moved(before: float, after: float) -> float:
    """The bean's horizontal move on a world that wraps around (the shorter way round)."""
    return (after - before + GAME_W / 2) % GAME_W - GAME_W / 2


def _button(state: dict[str, Any], button_id: str) -> dict[str, Any] | None:
    return next((b for b in state["buttons"] if b["id"] == button_id and b["enabled"]), None)


@pytest.fixture
def game(browser: Any, emulator: Emulated) -> Iterator[Game]:
    game = Game(browser, emulator.url + "/?seed=7")
    yield game
    game.close()


def test_the_game_in_the_native_emulator(game: Game, emulator: Emulated) -> None:
    phases = game.boot()
    print(
        f"\n[figures] native package: first frame {phases['frame'] / 1000:.2f} s after game.js "
        f"started; phases (ms) {phases}"
    )
    wasm = game.js("BeanhopBoot.wasm")
    assert wasm["misses"] == [], "every module made from bytes came from the package's table"
    state = game.wait("the title, signed in", lambda s: s["scene"] == "title" and s["online"])
    assert state["sound"], "sounds play through createInnerAudioContext"

    game.tap(GAME_W / 2, 300)  # the title's "tap anywhere to play"
    state = game.wait("a run", lambda s: s["scene"] == "play")
    start = state["bean_x"]
    game.hold(60, 400, 300)  # hold the left half: the bean goes left (the world wraps around)
    left = game.probe()["bean_x"]
    game.hold(300, 400, 300)  # then the right half: right
    right = game.probe()["bean_x"]
    assert _moved(start, left) < 0 < _moved(left, right), (start, left, right)
    played = game.page.evaluate("() => window.beanhopPlayed")
    assert any(name.endswith(".ogg") for name in played), played

    for _ in range(60):  # keep to one side: the bean soon misses its platforms
        if game.probe()["scene"] == "gameover":
            break
        game.hold(40, 400, 2000)
    game.wait("game over", lambda s: s["scene"] == "gameover")
    game.tap_button("revive_ad")
    game.page.wait_for_selector("#game-frame #tt-sim-ad")
    game.page.wait_for_function(
        "() => !document.querySelector('#tt-sim-ad-close').disabled"
        " && /close/i.test(document.querySelector('#tt-sim-ad-close').textContent)"
    )
    game.page.wait_for_timeout(5500)  # the simulator's ad runs 5 s: watched to the end
    game.page.click("#tt-sim-ad-close")
    state = game.wait("the revived run", lambda s: s["scene"] == "play" and s["revived"])

    # Hide pauses the run and mutes it; Show brings it back on the pause screen.
    game.page.wait_for_function(PLAYING)  # the music, started by the title's tap
    game.page.click("text=Hide app")
    game.page.wait_for_function(f"() => !({PLAYING})()")  # nothing plays while hidden
    game.page.click("text=Show app")
    game.wait("the pause screen after Show", lambda s: s["scene"] == "pause" and not s["muted"])


def test_shop_purchase_profile_and_saves(game: Game, emulator: Emulated) -> None:
    game.boot()
    game.wait("the title, signed in", lambda s: s["scene"] == "title" and s["online"])
    game.tap_button("sound")  # muted: kept in the platform's storage
    game.wait("muted", lambda s: s["user_muted"])
    game.tap_button("shop")
    state = game.wait("the shop with its items", lambda s: s["scene"] == "shop" and s["thumbs"])
    assert state["items"], state
    game.page.wait_for_timeout(500)
    state = game.probe()
    assert set(state["thumbs"]) == set(state["items"]), "every item shows its own picture"

    item = next(b for b in state["buttons"] if b["icon"] == "beans" and b["enabled"])
    game.tap(item["x"], item["y"])
    game.page.wait_for_selector("#game-frame #tt-sim-pay")
    game.page.click("#tt-sim-pay-recharge")  # a new player has no Beans: TikTok's own recharge
    game.page.wait_for_function("() => !document.querySelector('#tt-sim-pay-confirm').disabled")
    game.page.click("#tt-sim-pay-confirm")
    final = game.wait("a finished purchase", lambda s: s["purchase"] in ("done", "failed"))
    assert final["purchase"] == "done", final

    game.tap_button("back")
    game.tap_button("profile")
    game.wait("the profile", lambda s: s["scene"] == "profile")

    saved = json.loads((emulator.state / "storage.json").read_text())  # values as JSON text
    assert json.loads(saved["beanhop.save"])["muted"] is True, saved
    game.page.click("#emu-reload")
    game.worker.detach()
    game.worker = WorkerEval(game.context.browser, game.page)
    game.worker.attach()
    game.boot()
    game.wait("the title, still muted", lambda s: s["scene"] == "title" and s["user_muted"])
    assert game.emulator()["errors"] == []


# The two ways to put a frame on TikTok's canvas, timed in the running game (60 frames each;
# the runtime's clock has millisecond steps): SDL's own flip into the canvas the adapter gives it,
# or the screen's pixels copied out by pygame and drawn with putImageData through JS.
PRESENT = """
import time, json, pygame, js
from pyodide.ffi import to_js
screen = pygame.display.get_surface()
ctx = js.TTMinis.game.createCanvas().getContext("2d")
image = ctx.createImageData(360, 640)
def through_js():
    image.data.set(to_js(pygame.image.tobytes(screen, "RGBA")))
    ctx.putImageData(image, 0, 0)
def ms(fn, n=60):
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return round((time.perf_counter() - start) * 1000 / n, 2)
json.dumps({"sdl_flip": ms(pygame.display.flip), "tobytes_putImageData": ms(through_js)})
"""


def test_frames_per_second_in_a_run(browser: Any, emulator: Emulated) -> None:
    """The bot plays (autoplay); prints the frames the emulator saw presented per second, and
    what presenting one frame costs (SDL's flip, and the alternative through JS)."""
    game = Game(browser, emulator.url + "/?autoplay=1&seed=1")
    try:
        game.boot()
        game.wait("a run", lambda s: s["scene"] == "play")
        samples = []
        for _ in range(10):
            game.page.wait_for_timeout(1000)
            if game.probe()["scene"] == "play":
                samples.append(game.emulator()["fps"])
        load = os.getloadavg()[0]
        print(
            f"\n[figures] native package, a run: {statistics.median(samples)} frames/s "
            f"(median of {samples}; load average {load:.1f})"
        )
        assert samples
        cost = json.loads(game.worker.evaluate(f"beanhopPyodide.runPython({json.dumps(PRESENT)})"))
        print(f"[figures] presenting one 360x640 frame, ms: {cost}")
        assert cost["sdl_flip"] >= 0 and cost["tobytes_putImageData"] >= 0
    finally:
        game.close()
