"""Results: the run's log goes to the server, which replays it; double coins for a watched ad."""

from __future__ import annotations

from bridge.transports import err, ok
from tests.game.conftest import Game, play_run, to_game_over


async def test_results_record_the_run_and_double_coins_for_an_ad(game: Game) -> None:
    world = await play_run(game)
    assert world.seed == game.server.runs[1]["seed"], "the server's run seeds the world"
    game.click("skip")
    assert game.manager.name == "results"
    await game.frames(20, until=lambda: game.scene.result is not None)
    assert game.scene.result.saved and game.scene.result.coins_granted == world.coins_collected
    outcome = game.server.runs[1]["outcome"]
    assert (outcome.score, outcome.coins, outcome.height) == (
        world.score,
        world.coins_collected,
        world.height,
    ), "the server's replay of the log is the run the player saw"
    assert game.ctx.services.inventory.coins == world.coins_collected > 0
    game.transport.script("showRewardedAd", ok({"rewarded": True}))
    game.click("double")
    await game.frames(20, until=lambda: game.scene.doubled)
    assert ("POST", "/api/ads/reward", {"placement": "double_coins"}) in game.server.requests
    assert game.scene.bonus == world.coins_collected
    assert game.ctx.services.inventory.coins == 2 * world.coins_collected
    assert not game.scene.button("double").enabled, "only once"
    game.click("again")
    assert game.manager.name == "play" and game.scene.world is not world


async def test_a_skipped_double_coins_ad_grants_nothing(game: Game) -> None:
    await play_run(game)
    game.click("skip")
    await game.frames(20, until=lambda: game.scene.result is not None)
    game.transport.script("showRewardedAd", ok({"rewarded": False}))
    game.click("double")
    await game.frames(20, until=lambda: game.scene.double is None)
    assert not game.scene.doubled
    assert not any(b == {"placement": "double_coins"} for _, _, b in game.server.requests)


async def test_guest_results_keep_the_best_score_locally(game: Game) -> None:
    game.transport.script("login", err("platform_error"))
    world = await to_game_over(game)
    world.max_y = 4321
    game.click("skip")
    await game.frames(5, until=lambda: game.scene.result is not None)
    assert game.ctx.store.best_score == 432
    assert not game.scene.button("double").enabled
    assert game.scene.message == "Guest: coins are not saved"
    assert not any(p.startswith("/api/runs") for _, p, _ in game.server.requests)
