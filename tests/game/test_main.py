"""python -m game as a user, a CI job or a benchmark runs it: a real subprocess, headless."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pygame
import pytest

from game.cli import parse
from game.main import main
from game.options import Options

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"frames", "score", "height", "coins", "frame_ms", "update_ms", "draw_ms"}


def run_game(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYGAME_HIDE_SUPPORT_PROMPT": "1"}
    env.pop("SDL_VIDEODRIVER", None)  # --headless must choose the dummy drivers by itself
    env.pop("SDL_AUDIODRIVER", None)
    return subprocess.run(
        [sys.executable, "-m", "game", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def stats_of(tmp_path: Path, seed: int, name: str) -> dict[str, object]:
    out = tmp_path / f"{name}.json"
    shot = tmp_path / f"{name}.png"
    done = run_game(
        "--headless", "--autoplay", "--frames", "1800", "--seed", str(seed),
        "--stats", str(out), "--screenshot", str(shot),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert shot.exists()
    return json.loads(out.read_text())


@pytest.mark.slow
def test_the_same_seed_plays_the_same_run_and_another_seed_does_not(tmp_path: Path) -> None:
    first, again, other = (stats_of(tmp_path, s, n) for s, n in ((1, "a"), (1, "b"), (2, "c")))
    assert first.keys() >= KEYS
    for key in ("score", "height", "coins", "runs", "frames"):
        assert first[key] == again[key], key
    assert first["frames"] == 1800
    assert (first["score"], first["height"]) != (other["score"], other["height"])
    assert first["runs"] >= 1, "the bot fell at least once: game over and results were played"
    for key in ("frame_ms", "update_ms", "draw_ms"):
        figures = first[key]
        assert isinstance(figures, dict) and set(figures) == {"median", "p95", "p99"}
        assert 0 < figures["median"] <= figures["p95"] <= figures["p99"]


def test_screenshot_is_a_portrait_png(tmp_path: Path) -> None:
    shot = tmp_path / "deep" / "last.png"
    done = run_game("--headless", "--frames", "3", "--seed", "5", "--screenshot", str(shot))
    assert done.returncode == 0, done.stderr
    assert pygame.image.load(str(shot)).get_size() == (360, 640)


def test_runs_from_a_staged_app_folder_without_httpx_or_numpy(tmp_path: Path) -> None:
    """As the web build stages it: game/, rules/, bridge/ and assets/ copied into an app folder."""
    app = tmp_path / "app"
    ignore = shutil.ignore_patterns("__pycache__", "js", "build", "check", "web")
    for folder in ("game", "rules", "bridge", "assets"):
        shutil.copytree(ROOT / folder, app / folder, ignore=ignore)
    code = (
        "import asyncio, sys, game, bridge, rules\n"
        f"assert game.__file__.startswith({str(app)!r}), game.__file__\n"
        f"assert rules.__file__.startswith({str(app)!r}), rules.__file__\n"
        f"assert bridge.__file__.startswith({str(app)!r}), bridge.__file__\n"
        "from game.main import main\n"
        "from game.options import Options\n"
        "status = asyncio.run(main(Options(headless=True, frames=30, autoplay=True)))\n"
        "assert 'httpx' not in sys.modules and 'numpy' not in sys.modules, 'browser has neither'\n"
        "sys.exit(status)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(app)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env,
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_help_names_every_flag() -> None:
    done = run_game("--help")
    assert done.returncode == 0
    for flag in (
        "--headless",
        "--frames",
        "--seed",
        "--autoplay",
        "--tour",
        "--screenshot",
        "--stats",
        "--server",
    ):
        assert flag in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--frames", "many"], "not a whole number"),
        (["--frames", "-3"], "must be 0 or more"),
        (["--server", "localhost:8000"], "must be an http(s) URL"),
        (["--seed", "x"], "invalid int value"),
    ],
)
def test_bad_flags_are_clear_errors_not_tracebacks(args: list[str], message: str) -> None:
    done = run_game("--headless", *args)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr


def test_options_parse() -> None:
    o = parse(
        ["--headless", "--frames", "10", "--seed", "3", "--autoplay", "--server", "http://x:1"]
    )
    assert o == Options(headless=True, frames=10, seed=3, autoplay=True, server="http://x:1")


async def test_main_runs_in_process_with_no_server(tmp_path: Path) -> None:
    stats = tmp_path / "s.json"
    status = await main(Options(headless=True, frames=120, seed=9, autoplay=True, stats=stats))
    assert status == 0
    data = json.loads(stats.read_text())
    assert data["frames"] == 120 and data["scene"] == "play" and data["height"] > 0


def test_an_unwritable_output_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    done = run_game("--headless", "--frames", "2", "--stats", str(blocker / "stats.json"))
    assert done.returncode == 1
    assert "cannot write" in done.stderr and "Traceback" not in done.stderr


def test_a_bad_simulator_setting_is_a_clear_error() -> None:
    env_done = subprocess.run(
        [sys.executable, "-m", "game", "--headless", "--frames", "2"],
        cwd=ROOT, env={**os.environ, "BEANHOP_SIM_AD": "bogus"},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert env_done.returncode == 2
    assert "BEANHOP_SIM_AD" in env_done.stderr and "Traceback" not in env_done.stderr


async def test_the_page_hears_of_the_first_flip_and_of_a_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """bridge.runtime.boot_started after the first flip (not before); boot_failed on an error."""
    from bridge import runtime

    events: list[str] = []
    flip = pygame.display.flip
    monkeypatch.setattr(pygame.display, "flip", lambda: (events.append("flip"), flip())[1])
    monkeypatch.setattr(runtime, "boot_started", lambda: events.append("started"))
    monkeypatch.setattr(runtime, "boot_failed", lambda error: events.append(f"failed {error}"))
    assert await main(Options(headless=True, frames=3, seed=1)) == 0
    assert events[:2] == ["flip", "started"] and events.count("flip") == 3

    events.clear()

    def no_display(*args: object, **kwargs: object) -> None:
        raise pygame.error("no display here")

    monkeypatch.setattr(pygame.display, "set_mode", no_display)
    with pytest.raises(pygame.error):
        await main(Options(headless=True, frames=3, seed=1))
    assert events == ["failed no display here"]


async def test_the_stdlib_discovery_run_visits_every_scene(monkeypatch: pytest.MonkeyPatch) -> None:
    """bridge.build.stdlib watches this headless run: it must reach each scene's code."""
    from bridge.build.stage import DISCOVERY_ARGV
    from game.scenes.base import SceneManager

    managers: list[SceneManager] = []
    init = SceneManager.__init__

    def spy(self: SceneManager, *args: object, **kwargs: object) -> None:
        init(self, *args, **kwargs)  # type: ignore[arg-type]
        managers.append(self)

    monkeypatch.setattr(SceneManager, "__init__", spy)
    assert await main(parse(list(DISCOVERY_ARGV))) == 0
    visited = set(managers[0].history)
    assert visited >= {"title", "play", "gameover", "results", "shop", "profile"}, visited
