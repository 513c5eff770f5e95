"""The benchmarks' scripted run: title, shop, title, then the autoplay bot plays."""

from __future__ import annotations

import json
from pathlib import Path

from game.main import main
from game.options import Options
from game.tour import TOUR_FRAMES, Tour
from tests.game.conftest import Game


async def test_the_tour_shows_the_title_and_the_shop_then_the_bot_plays(game: Game) -> None:
    await game.settle()
    tour = Tour(game.ctx)
    assert game.ctx.autoplay is False, "the bot waits for the tour"
    frames_on: dict[str, int] = {}
    for _ in range(3 * TOUR_FRAMES):
        tour.step(game.manager)
        frames_on[game.manager.name] = frames_on.get(game.manager.name, 0) + 1
        await game.frames(1)
        if game.manager.name == "play":
            break
    assert game.manager.history == ["title", "shop", "title", "play"]
    assert frames_on["shop"] == TOUR_FRAMES and frames_on["title"] >= TOUR_FRAMES
    assert tour.done and game.ctx.autoplay and game.scene.bot is not None


async def test_a_toured_run_reports_each_scenes_frame_work(tmp_path: Path) -> None:
    stats = tmp_path / "stats.json"
    options = Options(headless=True, autoplay=True, tour=True, frames=600, seed=1, stats=stats)
    assert await main(options) == 0
    scenes = json.loads(stats.read_text())["scenes"]
    assert {"title", "shop", "play"} <= set(scenes)
    assert sum(s["frames"] for s in scenes.values()) == 600
    assert scenes["shop"]["frames"] == TOUR_FRAMES
    for figures in scenes.values():
        assert 0 < figures["frame_ms"]["median"] <= figures["frame_ms"]["p95"]


async def test_the_tour_ends_a_long_run_so_every_scene_shows(tmp_path: Path) -> None:
    stats = tmp_path / "stats.json"
    # seed 8 alone climbs for 2187 frames: the tour makes its bot give up after RUN_FRAMES
    options = Options(headless=True, autoplay=True, tour=True, frames=1300, seed=8, stats=stats)
    assert await main(options) == 0
    assert {"title", "shop", "play", "gameover", "results"} <= set(
        json.loads(stats.read_text())["scenes"]
    )
