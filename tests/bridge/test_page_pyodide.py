"""Opt-in: the real game on the Pyodide target in headless Chromium, plain and eval-free.

Skipped unless ``PYGAME_WASM_WHEEL`` points at pygame-ce's wasm wheel (pygbag's
``pygame_ce-2.5.7.dev1-cp312-cp312-wasm32_bi_emscripten.whl``; never part of the repository).
Boots the game, reaches the title screen, starts a run with a tap, buys an item through the
simulator's pay sheet; then the same in eval-free mode under
``Content-Security-Policy: script-src 'self' 'wasm-unsafe-eval'``. Prints the time to the first
frame and the bundle's sizes.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bridge.build import BuildOptions, build
from bridge.build.compress import is_sibling
from game.bench_page import COUNTER
from tests.bridge.conftest import free_port, running
from tests.bridge.test_build import project_ready

WHEEL = os.environ.get("PYGAME_WASM_WHEEL", "")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not (WHEEL and Path(WHEEL).is_file()),
        reason="set PYGAME_WASM_WHEEL to pygame-ce's wasm wheel to run the real game on Pyodide",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
STRICT_CSP = "script-src 'self' 'wasm-unsafe-eval'"
GAME_W, GAME_H = 360, 640

# Reads the running game's state from inside Pyodide (the test's window into the scenes).
PROBE = """
import gc, json
from game.scenes.base import SceneManager
_m = next((o for o in gc.get_objects() if isinstance(o, SceneManager)), None)
_s = _m.current if _m is not None else None  # None: main() has not built its scenes yet
_p = getattr(_s, "purchase", None)
json.dumps({
    "scene": _m.name if _m is not None else None,
    "online": _s is not None and _s.ctx.services.online,
    "purchase": _p.state if _p is not None else None,
    "buttons": [
        {"id": b.id, "x": b.rect.centerx, "y": b.rect.centery, "enabled": b.enabled,
         "icon": b.icon}
        for b in getattr(_s, "buttons", [])
    ],
})
"""


BUDGET = 6 * 2**20  # the whole self-contained bundle, gzipped (issue 11; docs/web.md)
PACKED: dict[str, int] = {}  # each bundle's gzipped size, filled by the site fixture


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Plain and eval-free Pyodide bundles of the real game, served by python -m server."""
    project_ready()
    web = tmp_path_factory.mktemp("pyodide")
    wheel = Path(WHEEL)
    for name, eval_free in (("plain", False), ("strict", True)):
        out = web / name
        build(BuildOptions(root=ROOT, out=out, runtime="pyodide", wheel=wheel, eval_free=eval_free))
        files = [p for p in out.rglob("*") if p.is_file() and not is_sibling(p)]
        raw = sum(p.stat().st_size for p in files)
        packed = sum(len(gzip.compress(p.read_bytes(), 6)) for p in files)
        PACKED[name] = packed
        print(
            f"\n[figures] {name} bundle: {raw / 2**20:.2f} MB raw, {packed / 2**20:.2f} MB gzipped"
        )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "SANDBOX": "1",
        "DATABASE_URL": f"sqlite:///{web / 'server.db'}",
        "WEB_DIR": str(web),
        "PUBLIC_BASE_URL": base,
    }
    command = [sys.executable, "-m", "server", "--host", "127.0.0.1", "--port", str(port)]
    with running(command, env, f"{base}/healthz", web / "server.log"):
        yield base


def test_each_bundle_stays_within_the_size_budget(site: str) -> None:
    """A budget, not a timing: a phone downloads all of it before the first frame."""
    assert set(PACKED) == {"plain", "strict"}
    for name, packed in PACKED.items():
        assert packed <= BUDGET, (
            f"the {name} bundle is {packed / 2**20:.2f} MB gzipped, over its 6 MB budget: "
            "docs/web.md says what the build trims and what each part weighs"
        )


def probe(page: Any) -> dict[str, Any]:
    return dict(json.loads(page.evaluate("(code) => window.beanhopPyodide.runPython(code)", PROBE)))


def wait_probe(page: Any, what: str, check: Any, timeout: float = 30) -> dict[str, Any]:
    deadline = page.evaluate("() => performance.now()") + timeout * 1000
    while True:
        state = probe(page)
        if check(state):
            return state
        if page.evaluate("() => performance.now()") > deadline:
            pytest.fail(f"the game never got to {what}: {state}")
        page.wait_for_timeout(100)


def tap(page: Any, x: float, y: float) -> None:
    """A tap at game coordinates (the canvas is letterboxed and scaled)."""
    box = page.locator("#canvas").bounding_box()
    page.mouse.click(box["x"] + x * box["width"] / GAME_W, box["y"] + y * box["height"] / GAME_H)


# Whether the canvas held a frame when the loading screen was first told to go (the game's first
# flip calls BeanhopBoot.started; a runtime that calls it earlier records false).
DRAWN_AT_START = """
Object.defineProperty(window, "BeanhopBoot", { configurable: true, set(boot) {
  const started = boot.started;
  boot.started = () => {
    if (!("drawnAtStart" in window)) {
      const pixel = document.getElementById("canvas").getContext("2d")
        .getImageData(180, 320, 1, 1).data;
      window.drawnAtStart = pixel[3] > 0;
    }
    started();
  };
  Object.defineProperty(window, "BeanhopBoot", { value: boot, writable: true });
} });
"""


def boot(page: Any, url: str) -> float:
    """Loads the page; returns the time from navigation to the first drawn frame (ms)."""
    page.goto(url)
    page.wait_for_function("() => window.BeanhopBoot.state !== 'loading'", timeout=90_000)
    assert page.evaluate("() => window.BeanhopBoot.state") == "started"
    assert page.evaluate("() => window.drawnAtStart") is True, "started before the first frame"
    page.wait_for_function(
        "() => document.getElementById('canvas').getContext('2d')"
        ".getImageData(180, 320, 1, 1).data[3] > 0",
        timeout=60_000,
        polling=50,
    )
    return float(page.evaluate("() => performance.now()"))


def play_and_buy(page: Any, url: str, label: str) -> None:
    first_frame = boot(page, url)
    print(f"\n[figures] {label}: first frame {first_frame / 1000:.2f} s after navigation")
    wait_probe(page, "the title screen", lambda s: s["scene"] == "title")
    tap(page, GAME_W / 2, 300)  # not a button: the title's "tap anywhere to play"
    wait_probe(page, "a run", lambda s: s["scene"] == "play")
    for key in ("ArrowLeft", "ArrowRight", "Space"):  # throws without the keyboard shim
        page.keyboard.press(key)
    page.wait_for_timeout(300)
    assert page.errors == [], page.errors

    page.reload()
    page.wait_for_function("() => window.BeanhopBoot.state === 'started'", timeout=90_000)
    wait_probe(page, "the title, signed in", lambda s: s["scene"] == "title" and s["online"])
    shop = next(b for b in probe(page)["buttons"] if b["id"] == "shop")
    tap(page, shop["x"], shop["y"])

    def beans_button(state: dict[str, Any]) -> bool:
        return state["scene"] == "shop" and any(
            b["icon"] == "beans" and b["enabled"] for b in state["buttons"]
        )

    state = wait_probe(page, "the shop with a Beans item", beans_button)
    item = next(b for b in state["buttons"] if b["icon"] == "beans" and b["enabled"])
    tap(page, item["x"], item["y"])
    page.wait_for_selector("#game-frame #tt-sim-pay", timeout=30_000)
    # A new player has no Beans: recharge on the sheet, then confirm (TikTok's own flow).
    page.click("#tt-sim-pay-recharge")
    page.wait_for_function("() => !document.querySelector('#tt-sim-pay-confirm').disabled")
    page.click("#tt-sim-pay-confirm")
    final = wait_probe(page, "a finished purchase", lambda s: s["purchase"] in ("done", "failed"))
    assert final["purchase"] == "done", final


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.errors = []
    page.csp = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("console", lambda m: page.csp.append(m.text) if "Content Security" in m.text else None)
    page.add_init_script(DRAWN_AT_START)
    yield page
    context.close()


def test_the_real_game_on_pyodide(page: Any, site: str) -> None:
    play_and_buy(page, f"{site}/plain/", "Pyodide")
    assert page.errors == []


def test_the_real_game_eval_free_under_a_strict_csp(page: Any, site: str) -> None:
    def with_csp(route: Any) -> None:
        response = route.fetch()
        route.fulfill(
            response=response, headers={**response.headers, "content-security-policy": STRICT_CSP}
        )

    page.route(f"{site}/strict/**", with_csp)
    play_and_buy(page, f"{site}/strict/", "Pyodide eval-free, strict CSP")
    assert page.evaluate("() => window.BeanhopEmAsm.hits") > 0, "snippets came from the table"
    assert page.csp == [] and page.errors == []


def test_one_frame_per_animation_frame_and_none_while_hidden(page: Any, site: str) -> None:
    """Counted at the canvas: at most one write per animation frame; the simulator's Hide stops
    them (the loop neither updates nor draws) until Show."""
    page.add_init_script(COUNTER)  # window.BeanhopBench: canvas writes, presented frames, rAFs
    boot(page, f"{site}/plain/")
    wait_probe(page, "the title screen", lambda s: s["scene"] == "title")
    page.wait_for_function("() => window.BeanhopBench.presented > 30")
    assert page.evaluate("() => window.BeanhopBench.doubled") == 0, (
        "never two canvas writes in one animation frame"
    )
    page.evaluate("() => TTMinisSim.hide()")
    page.wait_for_function("() => (window.hiddenAt = window.BeanhopBench.rafs) > 0")
    page.wait_for_function("() => window.BeanhopBench.rafs > window.hiddenAt + 5")  # hide seen
    quiet = page.evaluate("() => window.BeanhopBench.writes")
    page.wait_for_function("() => window.BeanhopBench.rafs > window.hiddenAt + 60")
    assert page.evaluate("() => window.BeanhopBench.writes") == quiet, "drawn while hidden"
    page.evaluate("() => TTMinisSim.show()")
    page.wait_for_function(f"() => window.BeanhopBench.writes > {quiet + 10}")
    assert page.errors == []
