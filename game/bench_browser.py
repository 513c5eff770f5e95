"""python -m game.bench --browser: the scripted run on Pyodide in headless Chromium.

Builds the Pyodide bundle, serves it with ``python -m server`` (SANDBOX=1, so the shop is the
real one), opens ``?tour=1&seed=N`` and prints the first frame, the start phases the page
records (``window.BeanhopPhases``), frames presented per second per scene (counted at the
canvas: animation frames in which the canvas was written) and the game's own frame work per
scene, next to the same run natively. Figures only: nothing here passes or fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bridge.chromium import CHROMIUM
from game.bench_native import SCENES
from game.bench_page import Figures, play

ROOT = Path(__file__).resolve().parent.parent


def say(message: str) -> None:
    print(message, flush=True)


def preflight(wheel: Path | None) -> str | None:
    """What is missing to run the benchmark, said so a developer knows what to do; or None."""
    if wheel is None or not wheel.is_file():
        where = f" ({wheel} does not exist)" if wheel else ""
        return (
            f"the browser benchmark needs pygame-ce's wasm wheel{where}: set PYGAME_WASM_WHEEL "
            "or pass --wheel PATH (pygame_ce-2.5.7.dev1-cp312-cp312-wasm32_bi_emscripten.whl, "
            "see docs/web.md)"
        )
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing: install Debian's chromium (make browser), or set CHROMIUM"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is missing: make venv installs it (pip install -e '.[dev]')"
    return None


def _browse(
    frames: int, seed: int, wheel: Path, choices: dict[str, bool]
) -> tuple[Figures, tuple[int, int]]:
    with tempfile.TemporaryDirectory(prefix="beanhop-bench-") as tmp:
        web = Path(tmp) / "web"
        kind = "eval-free" if choices["eval_free"] else "plain"
        kind += "" if choices["bytecode"] else ", no bytecode"
        say(f"- building the Pyodide bundle ({kind}) with {wheel.name}")
        size = build_bundle(web, wheel, choices)
        say(f"  {size[0] / 2**20:.2f} MB raw, {size[1] / 2**20:.2f} MB gzipped")
        with serving(web) as base:
            say(f"- serving it at {base}/ (python -m server, SANDBOX=1)")
            return play(f"{base}/?tour=1&seed={seed}", frames, say), size


def build_bundle(out: Path, wheel: Path, choices: dict[str, bool]) -> tuple[int, int]:
    """The Pyodide bundle into ``out``; returns its size (raw, gzipped)."""
    from bridge.build import BuildOptions, build

    options = BuildOptions(root=ROOT, out=out, runtime="pyodide", wheel=wheel, **choices)
    with contextlib.redirect_stdout(io.StringIO()):
        result = build(options)
    return result.total


@contextlib.contextmanager
def serving(web: Path) -> Iterator[str]:
    """``python -m server`` with the sandbox and WEB_DIR on a free port; yields the page's URL."""
    from bridge.dev import free_port, running_server

    host = "127.0.0.1"
    database = web.parent / "bench.db"
    log = web.parent / "server.log"
    with running_server(
        ROOT, host, free_port(host), web_dir=web, database=database, log=log
    ) as url:
        yield url


def run(
    frames: int, seed: int, wheel: Path | None, choices: dict[str, bool], *, as_json: bool
) -> int:
    """The whole benchmark; ``choices`` are BuildOptions (eval_free, bytecode)."""
    problem = preflight(wheel)
    if problem is not None:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    assert wheel is not None
    from playwright.sync_api import Error as PlaywrightError

    from bridge.build import BuildError

    try:
        figures, size = _browse(frames, seed, wheel, choices)
    except (BuildError, RuntimeError, PlaywrightError) as exc:
        print(f"error: the browser benchmark failed: {exc}", file=sys.stderr)
        return 1
    figures.bundle = size
    say(f"- the same run natively ({figures.frames} frames, seed {seed})")
    from game.bench_native import bench

    figures.native = asyncio.run(bench(figures.frames, [seed]))[0]
    print(json.dumps(figures.as_dict(), indent=2) if as_json else report(figures))
    return 0


PHASES = {  # what each boot phase of bridge/web/pyodide-boot.js covers
    "boot": "the page and its scripts",
    "runtime": "Pyodide: download, compile, interpreter and standard library",
    "wheel": "pygame-ce's files written, its side module (compiled meanwhile) instantiated",
    "app": "the game's archive unpacked",
    "pygame": "import pygame",
    "game": "import game.main, main() scheduled",
}


def report(f: Figures) -> str:
    load = os.getloadavg()[0]
    lines = [
        f"Bean Hop in the browser: Pyodide, headless Chromium {f.chromium}, "
        f"{os.cpu_count()} cores, load {load:.1f}",
        f"bundle: {f.bundle[0] / 2**20:.2f} MB raw, {f.bundle[1] / 2**20:.2f} MB gzipped",
        f"first frame: {f.first_frame_ms / 1000:.2f} s after navigation "
        f"(CPU until then: main thread {f.first_frame_cpu_ms[0] / 1000:.2f} s, "
        f"renderer {f.first_frame_cpu_ms[1] / 1000:.2f} s)",
        "start phases (ms since navigation):",
    ]
    before = 0.0
    for phase in [*f.phases, {"name": "first frame", "ms": f.first_frame_ms}]:
        what = PHASES.get(phase["name"], "the game's first frame drawn")
        lines.append(
            f"  {phase['name']:<12} {phase['ms']:>7.0f} {phase['ms'] - before:>+7.0f}  {what}"
        )
        before = phase["ms"]
    lines.append(
        "frames presented per second (animation frames with a canvas write), "
        "of the page's animation frames per second:"
    )
    cells = [f"{s} {fps[0]:.1f} of {fps[1]:.1f}" for s in SCENES if (fps := f.fps(s))]
    rafs, seconds = f.page_frames
    lines.append(f"  {', '.join(cells)}; the whole run {rafs / seconds:.1f} animation frames/s")
    lines.append("frame work, update + draw ms, median / p95:")
    lines.append(f"  {'scene':<10} {'frames':>6}  {'browser':>17}  {'native (same run)':>17}")
    native = (f.native or {}).get("scenes", {})
    for name in SCENES:
        browser = f.stats.get("scenes", {}).get(name)
        if browser:
            there = native.get(name)
            lines.append(
                f"  {name:<10} {browser['frames']:>6}  {_pair(browser):>17}  "
                f"{_pair(there) if there else '-':>17}"
            )
    return "\n".join(lines)


def _pair(scene: dict[str, Any]) -> str:
    return f"{scene['frame_ms']['median']:.2f} / {scene['frame_ms']['p95']:.2f}"
