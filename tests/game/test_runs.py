"""The server's side of runs in the game: seeded by the server, verified by its replay of the
log, revives recorded on the run, clear messages when a run is not saved."""

from __future__ import annotations

import pygame

from bridge.transports import err, ok
from tests.game.conftest import Game, play_run


async def results(game: Game) -> None:
    game.click("skip")
    assert game.manager.name == "results"
    await game.frames(30, until=lambda: game.scene.result is not None)


async def test_a_revive_by_token_is_spent_on_the_run_and_replayed(game: Game) -> None:
    game.server.items = {"revive": 1}
    world = await play_run(game)
    game.click("revive_token")
    await game.frames(20, until=lambda: game.manager.name == "play")
    assert ("POST", "/api/runs/1/revive", {"paid_with": "token"}) in game.server.requests
    assert game.server.items["revive"] == 0 and world.revived
    await game.frames(3000, until=lambda: game.manager.name == "gameover")
    await results(game)
    outcome = game.server.runs[1]["outcome"]
    assert outcome.revived and outcome.steps == world.ticks
    assert (outcome.score, outcome.coins) == (world.score, world.coins_collected)
    assert game.scene.result.saved and game.scene.message == ""


async def test_a_revive_by_ad_is_counted_on_the_run(game: Game) -> None:
    world = await play_run(game)
    game.transport.script("showRewardedAd", ok({"rewarded": True}))
    game.click("revive_ad")
    await game.frames(20, until=lambda: game.manager.name == "play")
    await game.frames(3000, until=lambda: game.manager.name == "gameover")
    await results(game)
    assert ("POST", "/api/runs/1/revive", {"paid_with": "ad"}) in game.server.requests
    assert not any(b == {"placement": "revive"} for _, _, b in game.server.requests)
    assert game.server.runs[1]["outcome"].coins == world.coins_collected


async def test_a_revive_the_server_did_not_count_is_said(game: Game) -> None:
    """The ad cap refused the revive: the run is saved up to the fall, and the player is told."""
    world = await play_run(game)
    fell_at = world.ticks
    game.transport.script("showRewardedAd", ok({"rewarded": True}))
    original = game.server.route_runs

    def capped(method: str, path: str, body: object) -> tuple[int, object]:
        if path.endswith("/revive"):
            return 429, {"error": {"code": "ad_daily_cap", "message": "daily ad limit reached"}}
        return original(method, path, body)

    game.server.route_runs = capped  # type: ignore[method-assign]
    game.click("revive_ad")
    await game.frames(3000, until=lambda: game.manager.name == "gameover" and world.revived)
    await results(game)
    assert game.server.runs[1]["outcome"].steps == fell_at
    assert "Revive not counted" in game.scene.message


async def test_the_daily_cap_is_said_and_the_game_plays_on(game: Game) -> None:
    game.server.run_daily_cap = True
    world = await play_run(game)
    assert world.seed == game.ctx.seed, "a local seed"
    await results(game)
    assert not game.scene.result.saved
    assert "Daily coin limit" in game.scene.message
    assert not any(p.endswith("/result") for _, p, _ in game.server.requests)


async def test_a_rejected_run_is_said(game: Game) -> None:
    game.server.reject_results = True
    await play_run(game)
    await results(game)
    assert not game.scene.result.saved
    assert game.scene.message == "Run not saved: played too fast"


async def test_an_offline_player_plays_a_local_run(game: Game) -> None:
    game.transport.set_handler("http", lambda args: err("network", "offline"))
    world = await play_run(game)
    assert world.seed == game.ctx.seed
    await results(game)
    assert game.scene.message == "Guest: coins are not saved"


async def test_a_dragging_player_replays_exactly(game: Game) -> None:
    """Pointer drags through the real play scene: the server's replay is the player's run."""
    await game.settle()
    await game.frames(1)  # the title asks for the first run once signed in
    await game.frames(100, until=lambda: game.ctx.server_runs.settled)
    game.click("play")
    world = game.scene.world
    press = pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(180, 400), button=1)
    game.manager.handle_event(press)
    frame = 0
    while game.manager.name == "play" and frame < 3000:
        x = 180 + 150 * ((frame // 40) % 3 - 1) + frame % 7  # a finger wandering, jittering
        game.manager.handle_event(pygame.event.Event(pygame.MOUSEMOTION, pos=(x, 400), rel=(1, 0)))
        await game.frames(1)
        frame += 1
    assert game.manager.name == "gameover", "the drags steered the bean off the platforms"
    assert len(world.log.steer) > 20, "the steer changed level often"
    await results(game)
    outcome = game.server.runs[1]["outcome"]
    assert (outcome.score, outcome.coins, outcome.height, outcome.steps) == (
        world.score,
        world.coins_collected,
        world.height,
        world.ticks,
    )


async def test_the_next_run_is_asked_for_while_the_results_show(game: Game) -> None:
    game.server.seeds = [1, 5]
    await play_run(game)
    await results(game)
    await game.frames(30, until=lambda: len(game.server.runs) == 2)
    game.click("again")
    assert game.scene.world.seed == game.server.runs[2]["seed"] == 5
