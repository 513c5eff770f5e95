"""The shop: Beans purchases through server order, bridge pay and polling; coin items."""

from __future__ import annotations

import asyncio

from bridge.transports import err, ok
from tests.game.conftest import Game


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


async def test_not_enough_beans_says_so_and_the_player_can_buy_after_recharging(
    game: Game,
) -> None:
    await open_shop(game)
    short = err("insufficient_balance", "insufficient balance: 0 Beans, the order needs 10")
    game.transport.script("pay", short, ok({}))
    game.click("buy:revive_pack")
    await game.frames(30, until=lambda: game.scene.purchase_job is None)
    assert game.scene.purchase.state == "failed"
    assert game.scene.status == "Not enough Beans: recharge in TikTok, then try again"
    assert game.ctx.services.inventory.count("revive") == 0
    assert game.scene.button("buy:revive_pack").enabled, "nothing stuck: the player may retry"

    game.click("buy:revive_pack")  # recharged meanwhile: a fresh order, paid
    await game.frames(30, until=lambda: game.scene.purchase_job is None)
    assert [a["trade_order_id"] for m, a in game.transport.calls if m == "pay"] == ["tt-1", "tt-2"]
    assert game.scene.purchase.state == "done"
    assert game.ctx.services.inventory.count("revive") == 5
