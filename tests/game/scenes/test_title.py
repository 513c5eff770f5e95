"""The title and silent login: signed in, or a guest who can still play."""

from __future__ import annotations

import pytest

from bridge.transports import err, ok
from tests.game.conftest import Game


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


async def test_back_online_a_guest_signs_in(game: Game) -> None:
    game.server.down = True
    await game.settle()
    assert game.ctx.services.status == "guest"
    game.server.down = False
    game.transport.push_event("network", online=True)
    for event in game.ctx.services.events():
        game.ctx.services.on_platform_event(event)
    assert game.ctx.services.status == "connecting"
    await game.frames(100, until=lambda: game.ctx.services.online)
    assert "Signed in as Hopper" in game.ctx.services.status_line
