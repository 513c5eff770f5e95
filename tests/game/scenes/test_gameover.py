"""Game over: one revive per run, by a rewarded ad or a token spent on the server."""

from __future__ import annotations

from bridge.transports import err, ok
from tests.game.conftest import Game, to_game_over


async def test_revive_by_a_watched_ad(game: Game) -> None:
    world = await to_game_over(game)
    game.transport.script("showRewardedAd", ok({"rewarded": True}))
    game.click("revive_ad")
    await game.frames(20, until=lambda: game.manager.name == "play")
    assert game.scene.world is world and not world.over and world.revived
    await game.frames(
        5, until=lambda: any(p == "/api/ads/reward" for _, p, _ in game.server.requests)
    )
    assert ("POST", "/api/ads/reward", {"placement": "revive"}) in game.server.requests


async def test_a_skipped_ad_does_not_revive(game: Game) -> None:
    world = await to_game_over(game)
    game.transport.script("showRewardedAd", ok({"rewarded": False}))
    game.click("revive_ad")
    await game.frames(20, until=lambda: not game.scene.message.startswith("Playing"))
    assert game.manager.name == "gameover" and world.over and not world.revived
    assert "whole ad" in game.scene.message
    assert game.scene.button("revive_ad").enabled, "the offer stands until a revive happens"


async def test_no_ad_to_show_says_so(game: Game) -> None:
    await to_game_over(game)
    game.transport.script("showRewardedAd", err("no_fill", "none"))
    game.click("revive_ad")
    await game.frames(20, until=lambda: "No ad" in game.scene.message)
    assert game.manager.name == "gameover"


async def test_revive_by_token_is_spent_on_the_server(game: Game) -> None:
    game.server.items = {"revive": 2}
    world = await to_game_over(game)
    assert game.scene.button("revive_token").label == "Use a revive (2)"
    game.click("revive_token")
    await game.frames(20, until=lambda: game.manager.name == "play")
    assert world.revived and game.server.items["revive"] == 1
    assert (
        "POST",
        "/api/inventory/consume",
        {"item_id": "revive", "quantity": 1},
    ) in game.server.requests
    assert game.ctx.services.inventory.count("revive") == 1


async def test_a_token_the_server_no_longer_has_does_not_revive(game: Game) -> None:
    game.server.items = {"revive": 1}
    world = await to_game_over(game)
    game.server.items["revive"] = 0  # spent elsewhere meanwhile
    game.click("revive_token")
    await game.frames(20, until=lambda: "No revives" in game.scene.message)
    assert not world.revived and game.manager.name == "gameover"
    assert not game.scene.button("revive_token").enabled


async def test_only_one_revive_per_run(game: Game) -> None:
    game.server.items = {"revive": 3}
    world = await to_game_over(game)
    game.click("revive_token")
    await game.frames(20, until=lambda: game.manager.name == "play")
    world.bean.y = world.camera_y - 500
    await game.frames(5, until=lambda: game.manager.name == "gameover")
    assert not game.scene.button("revive_ad").enabled
    assert not game.scene.button("revive_token").enabled
    game.click("skip")
    assert game.manager.name == "results"


async def test_guests_cannot_use_revive_tokens(game: Game) -> None:
    game.transport.script("login", err("platform_error"))
    await to_game_over(game)
    assert not game.scene.button("revive_token").enabled
    assert game.scene.button("revive_ad").enabled


async def test_no_rewarded_video_on_this_platform_means_no_ad_buttons(game: Game) -> None:
    game.transport.set_handler("canIUse", lambda args: ok({"available": False}))
    world = await to_game_over(game)
    assert ("canIUse", {"schema": "createRewardedVideoAd"}) in game.transport.calls
    button = game.scene.button("revive_ad")
    assert not button.enabled and button.label == "Ads unavailable"
    world.coins_collected = 4
    game.click("skip")
    await game.frames(20, until=lambda: game.scene.result is not None)
    assert not game.scene.button("double").enabled
    assert not any(m == "showRewardedAd" for m, _ in game.transport.calls)
