"""The shop: Beans purchases through server order, bridge pay and polling; coin items."""

from __future__ import annotations

import asyncio
import io
import logging
from pathlib import Path

import httpx
import pygame
import pytest

from bridge import Bridge
from bridge.transports import err, ok
from bridge.transports.native import NativeTransport
from game.assets import ASSETS_DIR
from game.scenes import build_manager
from game.scenes.shop import NO_IMAGE, image_asset
from game.services import Services
from game.storage import LocalStore
from rules.world import DT
from tests.game.conftest import CATALOG, THUMB, Game, difference, make_context, thumbnail


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


def scaled(png: bytes) -> pygame.Surface:
    picture = pygame.image.load(io.BytesIO(png), "picture.png").convert_alpha()
    return pygame.transform.smoothscale(picture, (THUMB, THUMB))


async def test_each_card_shows_the_picture_the_real_server_serves_for_it(
    display: pygame.Surface, server_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The catalog -> thumbnail contract, end to end: the real server's catalog, its pictures."""
    transport = NativeTransport(server_url, state_path=tmp_path / "sim.json")
    services = Services(Bridge(transport), LocalStore(None), server_url=server_url)
    manager = build_manager(make_context(services), "shop")
    services.start()
    scene = manager.current
    try:
        for _ in range(2000):  # the frame loop, with real time for the network between frames
            manager.update(DT)
            manager.draw(display)
            if services.online and scene.items and scene.load_job is None:
                break
            await asyncio.sleep(0.01)
        assert services.online and scene.load_job is None, services.guest_reason
    finally:
        await services.close()
    manager.draw(display)
    items = scene.items
    assert {i["id"] for i in items} >= {"revive_pack", "skin_golden", "starter_bundle"}
    async with httpx.AsyncClient(base_url=server_url) as http:
        served = [(await http.get(str(item["image"]))) for item in items]
    assert [r.status_code for r in served] == [200] * len(items), "image is a URL path it serves"
    pictures = [scaled(r.content) for r in served]
    heart = pygame.transform.smoothscale(
        pygame.image.load(str(ASSETS_DIR / NO_IMAGE)).convert_alpha(), (THUMB, THUMB)
    )
    for index, item in enumerate(items):
        drawn = thumbnail(display, index)
        assert difference(drawn, pictures[index]) < 3, f"card {item['id']} shows another picture"
        for other in [heart, *pictures[:index], *pictures[index + 1 :]]:
            assert difference(drawn, other) > 10, "the comparison must tell the pictures apart"
    assert not [r for r in caplog.records if r.name == "game.scenes.shop"], "no fallback"


async def test_an_unknown_image_falls_back_to_a_heart_and_says_so_once(
    game: Game, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(CATALOG["items"][0], "image", "/assets/shop/not_drawn_yet.png")
    with caplog.at_level(logging.WARNING, logger="game.scenes.shop"):
        await open_shop(game)
        await game.frames(20)
    warnings = [r.getMessage() for r in caplog.records if r.name == "game.scenes.shop"]
    assert len(warnings) == 1, warnings
    assert "revive_pack" in warnings[0] and "not_drawn_yet.png" in warnings[0]
    heart = pygame.transform.smoothscale(game.ctx.assets.image(NO_IMAGE), (THUMB, THUMB))
    assert difference(thumbnail(game.surface, 0), heart) < 3
    golden = pygame.transform.smoothscale(
        game.ctx.assets.image("shop/skin_golden.png"), (THUMB, THUMB)
    )
    assert difference(thumbnail(game.surface, 1), golden) < 3, "the others keep their pictures"


@pytest.mark.parametrize(
    ("image", "asset"),
    [
        ("/assets/shop/skin_golden.png", "shop/skin_golden.png"),
        ("http://127.0.0.1:8000/assets/shop/skin_golden.png", "shop/skin_golden.png"),
        ("shop/skin_golden.png", None),  # not a URL path the server serves
        ("/static/shop/skin_golden.png", None),
        ("/assets/", None),
        ("/assets//etc/passwd", None),
        ("/assets/../server/catalog.json", None),
        ("", None),
        (None, None),
    ],
)
def test_image_asset_maps_the_servers_url_paths_to_the_games_assets(
    image: object, asset: str | None
) -> None:
    assert image_asset(image) == asset
