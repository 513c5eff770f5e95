"""The play scene: keys, holding either half, dragging, pausing; and the renderer it drives."""

from __future__ import annotations

import pygame

from game.render import SKINS
from rules.world import WIDTH, Bean, Coin, Kind, Platform, PowerUp
from tests.game.conftest import Game


async def start_play(game: Game) -> None:
    game.click("play")
    assert game.manager.name == "play"
    world = game.scene.world
    world.bean = Bean(180, world.camera_y + 300, vy=300)


def press(game: Game, kind: int, **attrs: object) -> None:
    game.manager.handle_event(pygame.event.Event(kind, **attrs))


async def test_arrow_keys_and_a_d_steer(game: Game) -> None:
    await start_play(game)
    press(game, pygame.KEYDOWN, key=pygame.K_LEFT)
    await game.frames(10)
    assert game.scene.world.bean.vx < -200
    press(game, pygame.KEYUP, key=pygame.K_LEFT)
    press(game, pygame.KEYDOWN, key=pygame.K_d)
    await game.frames(15)
    assert game.scene.world.bean.vx > 200


async def test_holding_either_half_steers_that_way(game: Game) -> None:
    await start_play(game)
    press(game, pygame.MOUSEBUTTONDOWN, pos=(40, 500), button=1)
    await game.frames(10)
    assert game.scene.world.bean.vx < -200
    press(game, pygame.MOUSEBUTTONUP, pos=(40, 500), button=1)
    press(game, pygame.MOUSEBUTTONDOWN, pos=(WIDTH - 40, 500), button=1)
    await game.frames(15)
    assert game.scene.world.bean.vx > 200
    press(game, pygame.MOUSEBUTTONUP, pos=(WIDTH - 40, 500), button=1)
    assert game.scene.steer() == 0.0


async def test_dragging_makes_the_bean_follow_the_finger(game: Game) -> None:
    await start_play(game)
    bean = game.scene.world.bean
    press(game, pygame.MOUSEBUTTONDOWN, pos=(300, 500), button=1)
    press(game, pygame.MOUSEMOTION, pos=(240, 500), rel=(-60, 0), buttons=(1, 0, 0))
    await game.frames(60)
    assert abs(bean.x - 240) < 20, "followed the finger, not the right half"


async def test_the_pause_button_and_escape_pause(game: Game) -> None:
    await start_play(game)
    game.click("pause")
    assert game.manager.name == "pause"
    press(game, pygame.KEYDOWN, key=pygame.K_ESCAPE)
    assert game.manager.name == "play"
    press(game, pygame.KEYDOWN, key=pygame.K_ESCAPE)
    assert game.manager.name == "pause"
    game.click("home")
    assert game.manager.name == "results"
    game.click("home")
    assert game.manager.name == "title"


async def test_falling_off_leads_to_game_over(game: Game) -> None:
    await start_play(game)
    world = game.scene.world
    world.platforms.clear()
    world.generate = False
    await game.frames(200, until=lambda: game.manager.name == "gameover")
    assert world.over and game.scene.world is world


async def test_the_renderer_draws_every_state(game: Game) -> None:
    await start_play(game)
    world = game.scene.world
    world.platforms = [
        Platform(kind, 60 + 70 * i, world.camera_y + 100 + 60 * i) for i, kind in enumerate(Kind)
    ]
    world.platforms[0].broken = True
    world.platforms[-1].squash = 0.1
    world.coins = [Coin(100, world.camera_y + 400)]
    world.powerups = [PowerUp(200, world.camera_y + 450)]
    world.bean = Bean(3, world.camera_y + 300, vy=900, rocket=1.0, facing=-1)  # across the edge
    for skin in SKINS:
        game.ctx.store.set(skin=skin)
        game.manager.draw(game.surface)
    assert game.surface.get_at((180, 5))[:3] != (0, 0, 0), "the sky was drawn"
