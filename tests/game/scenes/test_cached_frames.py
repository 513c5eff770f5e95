"""Cached pictures never show stale state: after each change a scene's frame is the same as one
drawn with empty caches (fresh assets, renderer and painter)."""

from __future__ import annotations

import pygame

from game.assets import ASSETS_DIR, Assets
from game.render import Renderer
from game.ui import Painter
from rules.world import PIXELS_PER_POINT
from tests.game.conftest import Game, finished_world, to_game_over


def uncached_frame(game: Game) -> pygame.Surface:
    """The current scene drawn with fresh caches, into a copy of the screen's format."""
    ctx = game.ctx
    kept = ctx.assets, ctx.renderer, ctx.painter
    assets = Assets(ASSETS_DIR)
    ctx.assets, ctx.renderer, ctx.painter = assets, Renderer(assets), Painter(assets)
    try:
        out = game.surface.copy()
        out.fill((0, 0, 0))
        game.manager.draw(out)
    finally:
        ctx.assets, ctx.renderer, ctx.painter = kept
    return out


def assert_fresh(game: Game, what: str) -> None:
    game.manager.draw(game.surface)
    fresh = uncached_frame(game)
    cached = pygame.image.tobytes(game.surface, "RGB")
    assert cached == pygame.image.tobytes(fresh, "RGB"), f"a stale picture after {what}"


async def test_game_over_shows_a_changed_score_and_button_labels(game: Game) -> None:
    game.server.items = {"revive": 2}
    world = await to_game_over(game)
    await game.frames(3)
    assert_fresh(game, "entering game over")
    world.max_y += 123 * PIXELS_PER_POINT  # the score is part of the frozen picture
    assert_fresh(game, "a changed score")
    game.ctx.services.inventory.items["revive"] = 1
    game.scene._refresh_buttons()
    assert game.scene.button("revive_token").label == "Use a revive (1)"
    assert_fresh(game, "a changed button label")
    game.ctx.services.inventory.items["revive"] = 0
    game.scene._refresh_buttons()
    assert not game.scene.button("revive_token").enabled
    assert_fresh(game, "a disabled button")


async def test_a_new_finished_run_is_not_the_old_picture(game: Game) -> None:
    world = await to_game_over(game)
    game.manager.draw(game.surface)
    before = pygame.image.tobytes(game.surface, "RGB")
    other = finished_world(seed=2)
    other.ticks, other.max_y = world.ticks, world.max_y  # the same numbers, another run
    game.scene.go("gameover", world=other)
    game.manager._switch()
    assert_fresh(game, "another run ended")
    assert pygame.image.tobytes(game.surface, "RGB") != before, "its platforms are not the same"


async def test_pause_shows_a_changed_skin(game: Game) -> None:
    game.server.items = {"skin.golden": 1}
    await game.settle()
    game.click("play")
    await game.frames(10)
    game.scene.pause()
    game.manager._switch()
    assert game.manager.name == "pause"
    assert_fresh(game, "pausing")
    game.ctx.store.set(skin="golden")
    assert game.scene.skin == "golden"
    assert_fresh(game, "a changed skin")


async def test_results_follow_the_run_they_show(game: Game) -> None:
    await to_game_over(game)
    game.click("skip")
    await game.frames(20, until=lambda: game.scene.result is not None)
    assert_fresh(game, "the saved run")
    game.scene.go("results", world=finished_world(seed=3))
    game.manager._switch()
    game.scene.world.camera_y += 700  # another run that ended higher up
    assert_fresh(game, "another run's results")
