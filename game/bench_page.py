"""The browser side of ``python -m game.bench --browser``: headless Chromium on the game's page.

A script added before the page's own counts canvas writes and the animation frames in which the
canvas was written (frames presented). Every 0.25 s the benchmark samples those counters and the
running game's scene (a probe into Pyodide), and gives each interval that begins and ends in one
scene to that scene. At the end it reads the game's own frame stats (update + draw per scene).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from bridge.chromium import launch

POLL_S = 0.25
BOOT_TIMEOUT_MS = 180_000

COUNTER = """(() => {
  const bench = window.BeanhopBench = {
    writes: 0, presented: 0, doubled: 0, rafs: 0, firstWrite: null,
  };
  const proto = CanvasRenderingContext2D.prototype;
  for (const name of ["putImageData", "drawImage"]) {
    const real = proto[name];
    proto[name] = function () {
      bench.writes += 1;
      if (bench.firstWrite === null) bench.firstWrite = performance.now();
      return real.apply(this, arguments);
    };
  }
  let seen = 0;
  const tick = () => {
    bench.rafs += 1;
    if (bench.writes !== seen) {
      bench.presented += 1;
      bench.doubled += bench.writes - seen - 1;  // writes beyond one in this animation frame
      seen = bench.writes;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();"""

# The game's scene manager and frame stats, looked up once (like tests/bridge/test_page_pyodide).
PROBE = """
import gc, json
if "_bench" not in globals():
    _bench = {}
if len(_bench) < 2:
    from game.scenes.base import SceneManager
    from game.stats import FrameStats
    for _o in gc.get_objects():
        if isinstance(_o, SceneManager):
            _bench["manager"] = _o
        elif isinstance(_o, FrameStats):
            _bench["stats"] = _o
json.dumps({
    "scene": _bench["manager"].name if "manager" in _bench else None,
    "frames": _bench["stats"].frames if "stats" in _bench else 0,
    "figures": _bench["stats"].as_dict() if FINAL and "stats" in _bench else None,
})
"""

SAMPLE = (
    """(final) => {
  const py = window.beanhopPyodide;
  if (!py) return null;
  py.globals.set("FINAL", final);
  const game = JSON.parse(py.runPython(PROBE));
  const b = window.BeanhopBench;
  return {...game, t: performance.now(), presented: b.presented, rafs: b.rafs};
}"""
).replace("PROBE", json.dumps(PROBE))


@dataclass
class Figures:
    """What one browser run showed; ``native`` is the game's --stats of the same run natively."""

    first_frame_ms: float = 0.0
    first_frame_cpu_ms: list[float] = field(default_factory=lambda: [0.0, 0.0])  # main, process
    phases: list[dict[str, Any]] = field(default_factory=list)  # {name, ms since navigation}
    downloads: list[dict[str, Any]] = field(default_factory=list)  # {name, start, end, bytes}
    presented: dict[str, list[float]] = field(default_factory=dict)  # scene: [frames, rAFs, s]
    page_frames: list[float] = field(default_factory=lambda: [0.0, 0.0])  # rAFs, seconds
    stats: dict[str, Any] = field(default_factory=dict)  # the game's FrameStats.as_dict()
    frames: int = 0
    chromium: str = ""
    bundle: tuple[int, int] = (0, 0)
    native: dict[str, Any] | None = None

    def fps(self, scene: str) -> tuple[float, float] | None:
        """Frames presented per second in ``scene``, and the page's animation frames per second."""
        frames, rafs, seconds = self.presented.get(scene, (0.0, 0.0, 0.0))
        return (frames / seconds, rafs / seconds) if seconds > 0 else None

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def play(url: str, frames: int, say: Any) -> Figures:
    """Loads ``url`` in headless Chromium and follows the run until ``frames`` are drawn."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.add_init_script(COUNTER)
            figures = Figures(chromium=browser.version)
            _boot(page, url, figures)
            say(
                f"- first frame after {figures.first_frame_ms / 1000:.2f} s; playing {frames} frames"
            )
            _follow(page, frames, figures, say)
            if errors:
                raise RuntimeError(f"the page failed: {errors[0]}")
            return figures
        finally:
            browser.close()


def _boot(page: Any, url: str, figures: Figures) -> None:
    """Loads the page up to its first frame; CPU time too (on a shared machine the wall clock
    mostly measures the others)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    page.goto(url)
    page.wait_for_function(
        "() => window.BeanhopBench.firstWrite !== null || "
        "(window.BeanhopBoot && window.BeanhopBoot.state === 'failed')",
        timeout=BOOT_TIMEOUT_MS,
        polling=20,
    )
    if page.evaluate("() => window.BeanhopBoot.state") == "failed":
        raise RuntimeError(page.evaluate("() => document.getElementById('load-error').innerText"))
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    figures.first_frame_cpu_ms = [metrics["ThreadTime"] * 1000, metrics["ProcessTime"] * 1000]
    cdp.detach()
    page.wait_for_function("() => window.beanhopPyodide !== undefined", timeout=BOOT_TIMEOUT_MS)
    figures.first_frame_ms = float(page.evaluate("() => window.BeanhopBench.firstWrite"))
    figures.phases = list(page.evaluate("() => window.BeanhopPhases || []"))
    figures.downloads = list(
        page.evaluate(
            """() => performance.getEntriesByType("resource").map((r) => ({
                name: r.name.split("/").pop(), start: r.startTime, end: r.responseEnd,
                bytes: r.encodedBodySize}))"""
        )
    )


def _follow(page: Any, frames: int, figures: Figures, say: Any) -> None:
    """Samples the counters and the scene until the game has drawn ``frames`` frames."""
    last = page.evaluate(SAMPLE, False)
    first = last
    deadline = time.monotonic() + 60 + frames / 10  # at least 10 frames/s, or something is wrong
    while last is None or last["frames"] < frames:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the game drew only {last and last['frames']} of {frames} frames")
        page.wait_for_timeout(POLL_S * 1000)
        now = page.evaluate(SAMPLE, False)
        if last is not None and now["scene"] == last["scene"] and now["scene"] is not None:
            span = figures.presented.setdefault(now["scene"], [0.0, 0.0, 0.0])
            span[0] += now["presented"] - last["presented"]
            span[1] += now["rafs"] - last["rafs"]
            span[2] += (now["t"] - last["t"]) / 1000
        if last is not None and now["scene"] != last["scene"]:
            say(f"  {now['frames']:>5} frames: {now['scene']}")
        first = first or now
        last = now
    final = page.evaluate(SAMPLE, True)
    figures.stats = final["figures"]
    figures.frames = int(final["frames"])
    figures.page_frames = [final["rafs"] - first["rafs"], (final["t"] - first["t"]) / 1000]
