"""The asset generator and the screenshot script keep working (they made what is committed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pygame

from tests.game.conftest import THUMB, difference, thumbnail

ROOT = Path(__file__).resolve().parents[2]
SCENES = {"title", "play", "pause", "gameover", "results", "shop", "shop_processing", "profile"}


def run_script(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / name), *args],
        cwd=ROOT,
        env={**os.environ, "PYGAME_HIDE_SUPPORT_PROMPT": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_make_assets_draws_every_committed_image(tmp_path: Path) -> None:
    done = run_script("make_assets.py", "--out", str(tmp_path), "--no-sounds")
    assert done.returncode == 0, done.stderr
    made = {p.relative_to(tmp_path) for p in tmp_path.rglob("*.png")}
    committed = {p.relative_to(ROOT / "assets") for p in (ROOT / "assets").rglob("*.png")}
    assert made == committed


def test_screenshots_of_every_scene(tmp_path: Path, display: pygame.Surface) -> None:
    done = run_script("screenshots.py", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "starting the game server" in done.stdout, "the pictures come from the real server"
    shots = {p.stem: p for p in tmp_path.glob("*.png")}
    assert set(shots) == SCENES
    for path in shots.values():
        assert pygame.image.load(str(path)).get_size() == (360, 640)
    assert {p.stem for p in (ROOT / "docs" / "screenshots").glob("*.png")} == SCENES
    # The shop's cards show the catalog's own pictures (a wrong image path draws hearts).
    shop = pygame.image.load(str(shots["shop"]))
    raw = json.loads((ROOT / "server" / "catalog.json").read_text())
    for index, item in enumerate([*raw["items"], *raw["coin_items"]]):
        picture = pygame.image.load(str(ROOT / "assets" / item["image"])).convert_alpha()
        expected = pygame.transform.smoothscale(picture, (THUMB, THUMB))
        assert difference(thumbnail(shop, index), expected) < 3, item["id"]
