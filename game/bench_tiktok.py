"""python -m game.bench --tiktok-native: the game as a TikTok native-runtime package, in the
emulator.

Builds the package (``python -m bridge.build --target tiktok-native``), runs it with
``python -m bridge.native`` (which starts the game server with its sandbox) and opens it in
headless Chromium with the launch query ``autoplay=1&seed=N``; prints the package's parts against
TikTok's limits, the time from ``game.js`` to the game's first frame with the boot's phases (the
line the package logs when it starts), and the frames the emulator saw presented in each second
while the bot plays. Figures only: nothing here passes or fails.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from game.bench_browser import ROOT, preflight, say

BOOT_LINE = re.compile(r"Bean Hop boot \(ms since game\.js started\): (?P<phases>.*)")
BOOT_TIMEOUT_S = 180.0
PHASES = {  # what each phase of bridge/native_package/boot.js covers
    "canvas": "the loading screen on the first canvas",
    "runtime": "the runtime subpackage loaded",
    "python": "the python subpackage loaded",
    "precompiled": "the precompiled wasm modules compiled",
    "pyodide": "Pyodide: its module compiled, the interpreter and standard library up",
    "pygame": "pygame-ce's files written, its side module instantiated",
    "app": "the game's archive written",
    "main": "import game.main, main() scheduled",
    "frame": "the game's first frame drawn",
}


@dataclass
class Figures:
    package: str = ""  # bridge.build.native.summary's table
    parts: dict[str, int] = field(default_factory=dict)  # main/subpackages/total, bytes
    phases: dict[str, int] = field(default_factory=dict)  # ms since game.js started
    fps: list[int] = field(default_factory=list)  # frames presented, each second of the run
    chromium: str = ""
    load: float = 0.0


def run(seconds: int, seed: int, wheel: Path | None, *, as_json: bool) -> int:
    problem = preflight(wheel)
    if problem is not None:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    assert wheel is not None
    from playwright.sync_api import Error as PlaywrightError

    from bridge.build import BuildError

    try:
        figures = _measure(seconds, seed, wheel)
    except (BuildError, RuntimeError, PlaywrightError) as exc:
        print(f"error: the native-runtime benchmark failed: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(asdict(figures), indent=2) if as_json else report(figures))
    return 0


def _measure(seconds: int, seed: int, wheel: Path) -> Figures:
    with tempfile.TemporaryDirectory(prefix="beanhop-bench-native-") as tmp:
        package = Path(tmp) / "package"
        say(f"- building the native-runtime package with {wheel.name}")
        figures = Figures()
        figures.package, figures.parts = _build(package, wheel)
        with _emulator(package, Path(tmp)) as url:
            say(f"- the emulator at {url} (python -m bridge.native, with the sandbox)")
            _play(f"{url}/?autoplay=1&seed={seed}", seconds, figures)
    figures.load = os.getloadavg()[0]
    return figures


def _build(out: Path, wheel: Path) -> tuple[str, dict[str, int]]:
    from bridge.build import BuildOptions, build, native
    from bridge.build.options import NATIVE
    from bridge.check import native as rules

    options = BuildOptions(
        root=ROOT, out=out, target=NATIVE, runtime="pyodide", wheel=wheel,
        server_origin="http://127.0.0.1:8000",  # the emulator sends it to the server it runs
    )  # fmt: skip
    with contextlib.redirect_stdout(io.StringIO()):
        build(options)
    layout = rules.inspect(out, native.sizes(out))
    parts = {"main": layout.main_bytes, **layout.subpackage_bytes, "total": layout.total_bytes}
    return native.summary(out).replace(f"Built {out} (", "The package (", 1), parts


@contextlib.contextmanager
def _emulator(package: Path, tmp: Path) -> Iterator[str]:
    from bridge.dev import free_port

    port = free_port("127.0.0.1")
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "bridge.native", str(package), "--port", str(port)]
    command += ["--state", str(tmp / "state")]
    log = tmp / "emulator.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 (our own argv, no shell)
            command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            _wait_answers(f"{url}/__emu/package", process, log)
            yield url
        finally:
            process.terminate()  # the emulator stops its game server on the way out
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_answers(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace").strip().splitlines()[-10:]
            raise RuntimeError("the emulator exited:\n" + "\n".join(tail))
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own 127.0.0.1)
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"the emulator did not answer {url} within 120 s")


def _play(url: str, seconds: int, figures: Figures) -> None:
    from playwright.sync_api import sync_playwright

    from bridge.chromium import launch

    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            figures.chromium = browser.version
            page = browser.new_page(viewport={"width": 1280, "height": 860})
            page.goto(url)
            figures.phases = _boot(page)
            frame = figures.phases.get("frame", 0) / 1000
            say(f"- first frame {frame:.2f} s after game.js started; {seconds} s of autoplay")
            for _ in range(seconds):
                page.wait_for_timeout(1000)
                figures.fps.append(int(_status(page)["fps"]))
        finally:
            browser.close()


def _status(page: Any) -> dict[str, Any]:
    return dict(page.evaluate("() => window.nativeEmulator.status"))


def _boot(page: Any) -> dict[str, int]:
    """Waits for the package's boot line; its phases (ms since game.js started)."""
    deadline = time.monotonic() + BOOT_TIMEOUT_S
    while time.monotonic() < deadline:
        status = _status(page)
        if status["state"] in ("failed", "refused"):
            said = [line["text"] for line in status["console"] if line["level"] == "error"]
            raise RuntimeError(f"the package {status['state']}: {said[-3:] or status['refusals']}")
        for line in status["console"]:
            found = BOOT_LINE.search(line["text"])
            if found:
                pairs = (part.rsplit(" ", 1) for part in found["phases"].split(", "))
                return {name: int(ms) for name, ms in pairs}
        page.wait_for_timeout(250)
    raise RuntimeError(f"the game drew no frame within {BOOT_TIMEOUT_S:.0f} s")


def report(f: Figures) -> str:
    lines = [
        f"Bean Hop as a TikTok native-runtime package, in the emulator: headless Chromium "
        f"{f.chromium}, {os.cpu_count()} cores, load {f.load:.1f}",
        f.package,
        f"first frame: {f.phases.get('frame', 0) / 1000:.2f} s after game.js started",
        "boot phases (ms since game.js started):",
    ]
    before = 0
    for name, ms in sorted(f.phases.items(), key=lambda kv: kv[1]):
        lines.append(f"  {name:<12} {ms:>6} {ms - before:>+6}  {PHASES.get(name, '')}".rstrip())
        before = ms
    median = statistics.median(f.fps) if f.fps else 0
    lines.append(
        f"frames presented per second while the bot plays (the emulator's count, each second): "
        f"{' '.join(str(n) for n in f.fps)} (median {median:g})"
    )
    return "\n".join(lines)
