"""python -m game.bench: the native figures, and (opt-in) the same run in headless Chromium.

Figures are printed, never asserted on: these tests check that every figure is there.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WHEEL = os.environ.get("PYGAME_WASM_WHEEL", "")
SCENES = ("title", "shop", "play", "gameover", "results")
SEED = 58
FRAMES = 1600  # the tour ends its run after 8 s of climbing: every scene within 1600 frames
# The benchmarks that play the real game: opt-in, like the browser tests (.ci/run sets the wheel).
WITH_THE_WHEEL = pytest.mark.skipif(
    not (WHEEL and Path(WHEEL).is_file()),
    reason="set PYGAME_WASM_WHEEL to pygame-ce's wasm wheel to run the game's browser benchmarks",
)


def bench(*args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != "PYGAME_WASM_WHEEL"}
    return subprocess.run(
        [sys.executable, "-m", "game.bench", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_native_figures_per_seed_and_scene() -> None:
    done = bench("--frames", str(FRAMES), "--seeds", str(SEED))
    assert done.returncode == 0, done.stderr
    assert f"{SEED:>5}    {FRAMES}" in done.stdout
    for scene in SCENES:
        assert re.search(rf"^\s+{scene}\s+\d+\s+[\d.]+ / [\d.]+ / [\d.]+$", done.stdout, re.M), (
            scene
        )


def test_the_browser_run_without_the_wheel_says_what_to_do(tmp_path: Path) -> None:
    done = bench("--browser")
    assert done.returncode == 2
    assert "PYGAME_WASM_WHEEL" in done.stderr and "Traceback" not in done.stderr
    missing = tmp_path / "nope.whl"
    done = bench("--browser", "--wheel", str(missing))
    assert done.returncode == 2 and f"({missing} does not exist)" in done.stderr


@pytest.mark.browser
@pytest.mark.slow
@WITH_THE_WHEEL
def test_the_browser_benchmark_reports_every_figure(chromium_path: str) -> None:
    done = bench(
        "--browser", "--frames", str(FRAMES), "--seeds", str(SEED),
        timeout=900, PYGAME_WASM_WHEEL=WHEEL, CHROMIUM=chromium_path,
    )  # fmt: skip
    out = done.stdout
    print(out)
    assert done.returncode == 0, out + done.stderr
    for step in ("- building the Pyodide bundle", "- serving it at", "- the same run natively"):
        assert step in out
    assert re.search(r"^bundle: [\d.]+ MB raw, [\d.]+ MB gzipped$", out, re.M)
    assert re.search(
        r"^first frame: [\d.]+ s after navigation \(CPU until then: main thread [\d.]+ s, "
        r"renderer [\d.]+ s\)$",
        out,
        re.M,
    )
    for phase in ("boot", "runtime", "wheel", "app", "pygame", "game", "first frame"):
        assert re.search(rf"^  {phase}\s+\d+\s+\+\d+  \S", out, re.M), phase
    fps = r"[\d.]+ of [\d.]+"
    assert re.search(
        rf"^  title {fps}, .*play {fps}.*; the whole run [\d.]+ animation frames/s$", out, re.M
    )
    for scene in SCENES:
        number = r"[\d.]+ / [\d.]+"
        assert re.search(rf"^  {scene}\s+\d+\s+{number}\s+{number}$", out, re.M), scene


def test_the_native_runtime_benchmark_without_the_wheel_says_what_to_do() -> None:
    done = bench("--tiktok-native")
    assert done.returncode == 2
    assert "PYGAME_WASM_WHEEL" in done.stderr and "Traceback" not in done.stderr
    done = bench("--tiktok-native", "--seconds", "0")
    assert done.returncode == 2 and "--seconds must be at least 1" in done.stderr


@pytest.mark.browser
@pytest.mark.slow
@WITH_THE_WHEEL
def test_the_native_runtime_benchmark_reports_every_figure(chromium_path: str) -> None:
    done = bench(
        "--tiktok-native", "--seconds", "3", "--seeds", str(SEED),
        timeout=900, PYGAME_WASM_WHEEL=WHEEL, CHROMIUM=chromium_path,
    )  # fmt: skip
    out = done.stdout
    print(out)
    assert done.returncode == 0, out + done.stderr
    for step in ("- building the native-runtime package", "- the emulator at", "- first frame"):
        assert step in out
    for part in ("main package", "subpackage runtime", "subpackage python", "total"):
        assert re.search(rf"^  {part}\s+[\d.]+ MB\s+[\d.]+ MB\s+\d+%$", out, re.M), part
    assert re.search(r"^first frame: [\d.]+ s after game\.js started$", out, re.M)
    for phase in ("canvas", "runtime", "python", "pyodide", "pygame", "app", "main", "frame"):
        assert re.search(rf"^  {phase}\s+\d+\s+[+-]\d+  \S", out, re.M), phase
    assert re.search(r"^frames presented per second .*: \d+ \d+ \d+ \(median [\d.]+\)$", out, re.M)
