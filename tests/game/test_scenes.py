"""Scene flows through the real scenes and services, with the fake bridge transport."""

from __future__ import annotations

import asyncio

import pytest

from bridge.transports import err, ok
from game.world import Bean, Input, World
from tests.game.conftest import Game


def finished_world(seed: int = 1) -> World:
    world = World(seed)
    world.bean = Bean(180, world.camera_y - 500)
    world.step(Input(0.0))
    assert world.over
    return world


async def to_game_over(game: Game) -> World:
    await game.settle()
    world = finished_world()
    game.scene.go("gameover", world=world)
    game.manager._switch()
    assert game.manager.name == "gameover"
    return world


# ---- login ------------------------------------------------------------------------------------


async def test_silent_login_signs_in_and_loads_profile_and_catalog(game: Game) -> None:
    game.server.best, game.server.coins = 420, 55
    await game.settle()
    services = game.ctx.services
    assert services.online and services.display_name == "Hopper"
    assert services.best_score == 420 and services.inventory.coins == 55
    assert [i["id"] for i in services.catalog] == ["revive_pack", "skin_golden"]
    assert ("POST", "/api/session", {"code": "code-1"}) in game.server.requests
    assert "Signed in as Hopper" in services.status_line


async def test_login_failure_means_guest_mode_and_no_purchases(game: Game) -> None:
    game.transport.script("login", err("platform_error", "login failed"))
    await game.settle()
    services = game.ctx.services
    assert services.status == "guest" and not services.online
    assert "purchases unavailable" in services.status_line
    assert not any(path == "/api/session" for _, path, _ in game.server.requests)
    game.click("shop")
    await game.frames(50, until=lambda: bool(game.scene.items))
    assert game.manager.name == "shop"
    assert all(not b.enabled for b in game.scene.buttons if b.id.startswith("buy:"))
    game.click("back")
    game.click("play")  # still playable
    assert game.manager.name == "play"
    await game.frames(30)
    assert game.scene.world.ticks == 30


async def test_server_down_means_guest_mode(game: Game) -> None:
    game.server.down = True
    await game.settle()
    assert game.ctx.services.status == "guest"
    assert game.ctx.services.guest_reason == "server unreachable"


async def test_a_rejected_login_code_means_guest_mode(game: Game) -> None:
    game.transport.script("login", ok({"code": "stale"}))
    await game.settle()
    assert game.ctx.services.status == "guest"
    assert game.ctx.services.guest_reason == "bad login code"


# ---- pause ------------------------------------------------------------------------------------


async def test_hide_pauses_and_mutes_show_unmutes_and_resume_continues(game: Game) -> None:
    await game.settle()
    game.click("play")
    await game.frames(20)
    world = game.scene.world
    ticks = world.ticks
    game.transport.push_event("hide")
    for event in game.ctx.services.events():
        game.manager.platform_event(event)
    assert game.manager.name == "pause"
    assert game.ctx.audio.muted
    await game.frames(30)
    assert world.ticks == ticks, "nothing moves while paused"
    game.transport.push_event("show")
    for event in game.ctx.services.events():
        game.manager.platform_event(event)
    assert not game.ctx.audio.muted
    assert game.manager.name == "pause", "the player resumes, not the platform"
    game.click("resume")
    await game.frames(5)
    assert game.manager.name == "play" and game.scene.world is world and world.ticks == ticks + 5


async def test_an_ad_opening_mutes_until_it_closes(game: Game) -> None:
    await game.settle()
    game.transport.push_event("ad_open")
    for event in game.ctx.services.events():
        game.manager.platform_event(event)
    assert game.ctx.audio.muted
    game.transport.push_event("ad_close")
    for event in game.ctx.services.events():
        game.manager.platform_event(event)
    assert not game.ctx.audio.muted


# ---- revive -----------------------------------------------------------------------------------


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


# ---- results ----------------------------------------------------------------------------------


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


# ---- shop -------------------------------------------------------------------------------------


async def open_shop(game: Game) -> None:
    await game.settle()
    game.click("shop")
    await game.frames(50, until=lambda: len(game.scene.items) == 3 and game.scene.load_job is None)


async def test_purchase_goes_pending_processing_then_fulfilled(game: Game) -> None:
    await open_shop(game)
    game.server.fulfil_after_polls = 3
    game.transport.script("pay", ok({}))
    game.click("buy:revive_pack")
    purchase = game.scene.purchase
    states = []
    for _ in range(60):
        states.append(purchase.state)
        if purchase.finished:
            break
        await game.frames(1)
    assert states[0] == "creating" and "processing" in states and purchase.state == "done"
    assert game.ctx.services.inventory.count("revive") == 5, "granted by the server's inventory"
    assert [m for m, _ in game.transport.calls if m == "pay"] == ["pay"]
    assert game.transport.calls[[m for m, _ in game.transport.calls].index("pay")][1] == {
        "trade_order_id": "tt-1"
    }
    polls = [p for m, p, _ in game.server.requests if m == "GET" and p == "/api/orders/ord-1"]
    assert len(polls) == 4
    assert "is yours" in game.scene.status


async def test_pay_success_alone_grants_nothing(game: Game) -> None:
    await open_shop(game)
    game.server.fulfil_after_polls = 10**6  # the webhook never comes
    game.ctx.services.purchase_timeout = 0.0
    game.transport.script("pay", ok({}))
    game.click("buy:revive_pack")
    await game.frames(50, until=lambda: game.scene.purchase_job is None)
    assert game.scene.purchase.state == "failed"
    assert game.ctx.services.inventory.count("revive") == 0
    assert "Still processing" in game.scene.status


async def test_a_cancelled_payment_says_so_and_grants_nothing(game: Game) -> None:
    await open_shop(game)
    game.transport.script("pay", err("cancelled", "user closed the sheet"))
    game.click("buy:skin_golden")
    await game.frames(30, until=lambda: game.scene.purchase_job is None)
    assert game.scene.purchase.state == "cancelled"
    assert "cancelled" in game.scene.status.lower()
    assert game.ctx.services.inventory.count("skin.golden") == 0
    assert game.scene.button("buy:skin_golden").enabled, "the player may try again"


async def test_a_failed_payment_says_so(game: Game) -> None:
    await open_shop(game)
    game.transport.script("pay", err("platform_error", "boom"))
    game.click("buy:revive_pack")
    await game.frames(30, until=lambda: game.scene.purchase_job is None)
    assert game.scene.purchase.state == "failed"
    assert "failed" in game.scene.status.lower()
    assert game.ctx.services.inventory.count("revive") == 0


async def test_a_second_purchase_uses_a_fresh_order(game: Game) -> None:
    await open_shop(game)
    game.transport.script("pay", err("cancelled"), ok({}))
    game.click("buy:revive_pack")
    await game.frames(30, until=lambda: game.scene.purchase_job is None)
    game.click("buy:revive_pack")
    await game.frames(30, until=lambda: game.scene.purchase_job is None)
    pays = [a["trade_order_id"] for m, a in game.transport.calls if m == "pay"]
    assert pays == ["tt-1", "tt-2"]
    assert game.scene.purchase.state == "done"


async def test_owned_permanent_items_show_owned(game: Game) -> None:
    game.server.items = {"skin.golden": 1}
    await open_shop(game)
    button = game.scene.button("buy:skin_golden")
    assert button.label == "Owned" and not button.enabled


async def test_coin_items_are_bought_on_the_server(game: Game) -> None:
    game.server.coins = 100
    await open_shop(game)
    game.click("buy:skin_cocoa")
    await game.frames(20, until=lambda: game.scene.coin_job is None)
    assert game.scene.message == "Not enough coins"
    game.server.coins = 400
    game.click("buy:skin_cocoa")
    await game.frames(20, until=lambda: game.scene.coin_job is None)
    assert game.scene.message == "Unlocked!"
    assert game.ctx.services.inventory.count("skin.cocoa") == 1
    assert game.scene.button("buy:skin_cocoa").label == "Owned"


# ---- profile ----------------------------------------------------------------------------------


async def test_profile_chooses_owned_skins_and_sets_volumes(game: Game) -> None:
    game.server.items = {"skin.golden": 1}
    await game.settle()
    game.click("profile")
    await game.frames(31)
    assert game.scene.owned_skins() == ["classic", "golden"]
    assert not game.scene.button("skin:cocoa").enabled
    game.click("skin:golden")
    assert game.ctx.store.get("skin") == "golden"
    before = game.ctx.audio.music_volume
    game.click("music-")
    assert game.ctx.audio.music_volume == round(before - 0.1, 2)
    game.click("mute")
    assert game.ctx.audio.user_muted and game.ctx.store.get("muted") is True
    game.click("back")
    assert game.manager.name == "title"


async def test_the_shop_opened_while_signing_in_loads_once_sign_in_settles(game: Game) -> None:
    release = asyncio.Event()

    async def slow_login(args: dict[str, object]) -> dict[str, object]:
        await release.wait()
        return ok({"code": "code-1"})

    game.transport.set_handler("login", slow_login)
    game.ctx.services.start()
    game.click("shop")
    await game.frames(10)
    assert game.ctx.services.status == "connecting" and game.scene.items == []
    assert not game.scene.button_at((300, 200))
    release.set()
    await game.frames(50, until=lambda: len(game.scene.items) == 3 and game.scene.load_job is None)
    assert game.scene.button("buy:revive_pack").enabled


@pytest.mark.parametrize(
    "answer",
    [
        {"status": 200, "headers": {}, "body": "[1, 2]"},
        {"status": 200, "headers": {}, "body": "<html>proxy</html>"},
        {"status": 502, "headers": {}, "body": "bad gateway"},
        {"status": 200, "headers": {}, "body": '{"token": "t", "player": "not a dict"}'},
    ],
)
async def test_odd_server_answers_at_login_mean_guest_mode(
    game: Game, answer: dict[str, object]
) -> None:
    game.transport.script("http", ok(answer))
    await game.settle()
    assert game.ctx.services.status == "guest"
    game.click("play")
    assert game.manager.name == "play"


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
