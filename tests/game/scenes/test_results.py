"""Results: the run is recorded on the server, double coins for a watched ad."""

from __future__ import annotations

from bridge.transports import err, ok
from tests.game.conftest import Game, to_game_over


async def test_results_record_the_run_and_double_coins_for_an_ad(game: Game) -> None:
    world = await to_game_over(game)
    world.coins_collected = 7
    game.click("skip")
    assert game.manager.name == "results"
    await game.frames(20, until=lambda: game.scene.result is not None)
    assert ("POST", "/api/runs", {"score": world.score, "coins": 7}) in game.server.requests
    game.transport.script("showRewardedAd", ok({"rewarded": True}))
    game.click("double")
    await game.frames(20, until=lambda: game.scene.doubled)
    assert ("POST", "/api/ads/reward", {"placement": "double_coins"}) in game.server.requests
    assert game.scene.bonus == 7 and game.ctx.services.inventory.coins == 14
    assert not game.scene.button("double").enabled, "only once"
    game.click("again")
    assert game.manager.name == "play" and game.scene.world is not world


async def test_a_skipped_double_coins_ad_grants_nothing(game: Game) -> None:
    world = await to_game_over(game)
    world.coins_collected = 3
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
    assert not any(p == "/api/runs" for _, p, _ in game.server.requests)
