"""The purchase flow's edges: refunds, a pay sheet that failed although the payment went through,
and guests."""

from __future__ import annotations

from bridge.transports import err, ok
from tests.game.conftest import Game


async def buy(game: Game, item_id: str = "revive_pack") -> str:
    purchase, job = game.ctx.services.buy(item_id)
    await job.wait()
    return purchase.state + ": " + purchase.message


async def test_a_refunded_order_is_a_failure(game: Game) -> None:
    await game.settle()
    game.server.fulfil_after_polls = 10**6
    game.transport.script("pay", ok({}))

    original = game.server.route

    def refunding(method: str, path: str, body: object, authed: bool) -> tuple[int, object]:
        status, data = original(method, path, body, authed)  # type: ignore[arg-type]
        if path.startswith("/api/orders/") and isinstance(data, dict):
            data = {**data, "status": "refunded"}
        return status, data

    game.server.route = refunding  # type: ignore[method-assign]
    assert (await buy(game)).startswith("failed: The payment was refunded")
    assert game.ctx.services.inventory.count("revive") == 0


async def test_a_failed_pay_sheet_whose_payment_went_through_is_a_success(game: Game) -> None:
    await game.settle()
    game.server.fulfil_after_polls = 0  # the webhook beat the pay sheet's answer
    game.transport.script("pay", err("timeout", "the sheet did not answer"))
    assert (await buy(game)).startswith("done")
    assert game.ctx.services.inventory.count("revive") == 5


async def test_guests_cannot_buy(game: Game) -> None:
    game.transport.script("login", err("platform_error"))
    await game.settle()
    assert (await buy(game)).startswith("failed: Purchases are unavailable in guest mode")
    assert not any(path == "/api/orders" for _, path, _ in game.server.requests)


async def test_an_order_the_server_refuses_is_a_clear_failure(game: Game) -> None:
    await game.settle()
    state = await buy(game, "no_such_item")
    assert state.startswith("failed: Purchase failed")
    assert not any(m == "pay" for m, _ in game.transport.calls)
