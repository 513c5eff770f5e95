"""server/payments.py (and deliveries.py): exactly-once grants and the refund policy, over HTTP
through the app (ASGI), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from server import ledger
from server.db import Database
from server.models import LedgerEntry, OrderEvent, Player, WebhookDelivery
from server.settings import Settings
from server.webhooks import EVENT_AUTHORIZATION_REMOVED, EVENT_SUCCESS
from tests.server.conftest import Api, login, start_api
from tests.server.payments_support import (
    deliver,
    envelope,
    items,
    open_order,
    refund_body,
    status,
    success_body,
)


def deliveries(api: Api) -> list[WebhookDelivery]:
    with api.db.read() as session:
        return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def ledger_rows(api: Api, order_id: str) -> list[LedgerEntry]:
    with api.db.read() as session:
        query = select(LedgerEntry).where(LedgerEntry.order_id == order_id)
        return list(session.scalars(query.order_by(LedgerEntry.id)))


async def test_success_grants_the_items_once(api: Api) -> None:
    me = await login(api)
    order = await open_order(api, me, "starter_bundle")
    first = await deliver(api, success_body(api, order, is_sandbox=True))
    assert first.status_code == 200, first.text
    assert first.json()["outcome"] == "applied"
    for _ in range(3):  # TikTok retries: the same body, a fresh signature
        again = await deliver(api, success_body(api, order, is_sandbox=True))
        assert again.status_code == 200 and again.json()["outcome"] == "duplicate"
    assert await items(api, me) == {"revive": 3, "coins": 500, "skin.sprout": 1}
    polled = await status(api, me, order)
    assert polled["status"] == "paid" and polled["fulfilled"] is True
    assert [d.outcome for d in deliveries(api)] == ["applied"] + ["duplicate"] * 3
    assert {r.reason for r in ledger_rows(api, order["order_id"])} == {"order"}
    with api.db.read() as session:
        assert ledger.derived_balances(session, player_id=me.player_id) == ledger.inventory(
            session, player_id=me.player_id
        )


async def test_concurrent_deliveries_grant_once(api: Api) -> None:
    me = await login(api)
    order = await open_order(api, me)
    body = success_body(api, order)
    responses = await asyncio.gather(*(deliver(api, body) for _ in range(40)))
    assert [r.status_code for r in responses] == [200] * 40
    outcomes = sorted(r.json()["outcome"] for r in responses)
    assert outcomes == ["applied"] + ["duplicate"] * 39
    assert await items(api, me) == {"revive": 5}
    with api.db.read() as session:
        events = session.scalar(select(func.count()).select_from(OrderEvent))
    assert events == 1


async def test_a_delivery_is_stored_with_its_headers_and_body(api: Api) -> None:
    me = await login(api)
    order = await open_order(api, me)
    body = success_body(api, order)
    at = int(api.clock.epoch()) - 5
    response = await deliver(api, body, at=at)
    stored = deliveries(api)[0]
    assert stored.id == response.json()["delivery_id"]
    assert stored.body.encode() == body and stored.order_id == order["order_id"]
    assert stored.event == EVENT_SUCCESS and stored.event_key == "success"
    assert "tiktok-signature" in json.loads(stored.headers)
    assert stored.signed_at == at and stored.source == "webhook"


async def test_sandbox_flag_is_kept(api: Api) -> None:
    me = await login(api)
    real, test = await open_order(api, me), await open_order(api, me)
    await deliver(api, success_body(api, real))
    await deliver(api, success_body(api, test, is_sandbox=True))
    with api.db.read() as session:
        from server.models import Order

        flags = dict(session.execute(select(Order.order_id, Order.is_sandbox)).all())
    assert flags[real["order_id"]] is False and flags[test["order_id"]] is True


async def test_a_consumable_refund_takes_back_a_rounded_up_share(api: Api) -> None:
    me = await login(api)
    order = await open_order(api, me)  # 10 Beans, 5 revives
    await deliver(api, success_body(api, order))
    first = await deliver(api, refund_body(api, order, 3, create_time=100))
    assert first.json()["outcome"] == "applied"
    assert await items(api, me) == {"revive": 3}  # ceil(5 * 3 / 10) = 2 taken
    assert (await status(api, me, order))["status"] == "partially_refunded"
    repeat = await deliver(api, refund_body(api, order, 3, create_time=100))
    assert repeat.json()["outcome"] == "duplicate"
    assert await items(api, me) == {"revive": 3}
    await deliver(api, refund_body(api, order, 7, create_time=200))  # now 10 of 10
    assert await items(api, me) == {}
    assert (await status(api, me, order))["status"] == "refunded"


async def test_two_refunds_of_the_same_amount_at_different_times_both_count(api: Api) -> None:
    me = await login(api)
    order = await open_order(api, me)
    await deliver(api, success_body(api, order))
    await deliver(api, refund_body(api, order, 2, create_time=100))
    await deliver(api, refund_body(api, order, 2, create_time=101))
    assert await items(api, me) == {"revive": 3}  # ceil(5 * 4 / 10) = 2


async def test_a_refund_never_takes_more_than_the_player_still_has(api: Api) -> None:
    me = await login(api)
    order = await open_order(api, me)
    await deliver(api, success_body(api, order))
    used = await api.client.post(
        "/api/inventory/consume", json={"item_id": "revive", "quantity": 4}, headers=me.headers
    )
    assert used.status_code == 200, used.text
    response = await deliver(api, refund_body(api, order, 10))
    assert response.status_code == 200 and response.json()["outcome"] == "applied"
    assert await items(api, me) == {}
    rows = [r for r in ledger_rows(api, order["order_id"]) if r.reason == "refund"]
    assert [r.delta for r in rows] == [-1] and "forgiven" in rows[0].note
    with api.db.read() as session:
        assert ledger.balance(session, player_id=me.player_id, stock_id="revive") == 0


async def test_a_permanent_item_is_revoked_at_half_the_price(api: Api) -> None:
    me = await login(api)
    order = await open_order(api, me, "skin_golden")  # 50 Beans
    await deliver(api, success_body(api, order))
    await deliver(api, refund_body(api, order, 24, create_time=1))
    assert await items(api, me) == {"skin.golden": 1}
    assert (await status(api, me, order))["status"] == "partially_refunded"
    await deliver(api, refund_body(api, order, 1, create_time=2))  # 25 of 50
    assert await items(api, me) == {}
    assert (await status(api, me, order))["status"] == "refunded"
    await deliver(api, refund_body(api, order, 25, create_time=3))
    assert await items(api, me) == {}
    again = await api.client.post(
        "/api/orders", json={"item_id": "skin_golden"}, headers=me.headers
    )
    assert again.status_code == 201  # revoked: the player may buy it again


async def test_a_bundle_refund_applies_both_rules(api: Api) -> None:
    me = await login(api)
    order = await open_order(api, me, "starter_bundle")  # 30 Beans: 3 revives, 500 coins, skin
    await deliver(api, success_body(api, order))
    await deliver(api, refund_body(api, order, 15))
    assert await items(api, me) == {"revive": 1, "coins": 250}


async def test_refund_before_success_leaves_nothing(api: Api) -> None:
    me = await login(api)
    order = await open_order(api, me, "starter_bundle")
    refund = await deliver(api, refund_body(api, order, 5))
    assert refund.status_code == 200 and refund.json()["outcome"] == "applied"
    assert (await status(api, me, order))["status"] == "refunded"
    success = await deliver(api, success_body(api, order))
    assert success.status_code == 200 and success.json()["outcome"] == "applied"
    await deliver(api, success_body(api, order))
    await deliver(api, refund_body(api, order, 30, create_time=9))
    assert await items(api, me) == {}
    polled = await status(api, me, order)
    assert polled["status"] == "refunded" and polled["fulfilled"] is False
    assert ledger_rows(api, order["order_id"]) == []


async def test_a_success_for_an_unknown_order_is_stored_and_answered_200(api: Api) -> None:
    body = success_body(api, {"trade_order_id": "tt_nobody", "order_id": "bh_nobody"})
    response = await deliver(api, body)
    assert response.status_code == 200 and response.json()["outcome"] == "unknown_order"
    assert deliveries(api)[0].outcome == "unknown_order"


async def test_another_apps_client_key_is_rejected_but_answered_200(api: Api) -> None:
    me = await login(api)
    order = await open_order(api, me)
    body = envelope(
        EVENT_SUCCESS,
        client_key="someone_else",
        trade_order_id=order["trade_order_id"],
        order_id=order["order_id"],
    )
    response = await deliver(api, body)
    assert response.status_code == 200 and response.json()["outcome"] == "rejected"
    assert await items(api, me) == {}
    assert (await status(api, me, order))["status"] == "pending"


async def test_a_trade_order_id_of_another_order_is_rejected(api: Api) -> None:
    me = await login(api)
    mine, other = await open_order(api, me), await open_order(api, me)
    body = success_body(
        api, {"order_id": mine["order_id"], "trade_order_id": other["trade_order_id"]}
    )
    response = await deliver(api, body)
    assert response.json()["outcome"] == "rejected"
    assert await items(api, me) == {}


async def test_authorization_removed_forgets_the_tokens(api: Api) -> None:
    me = await login(api)
    body = envelope(
        EVENT_AUTHORIZATION_REMOVED,
        client_key=api.settings.tiktok_client_key,
        user_openid=me.open_id,
    )
    response = await deliver(api, body)
    assert response.status_code == 200 and response.json()["outcome"] == "applied"
    with api.db.read() as session:
        player = session.get(Player, me.player_id)
        assert player is not None
        assert player.access_token_enc is None and player.refresh_token_enc is None
        assert player.tokens_revoked_at is not None


async def test_other_events_are_stored_and_ignored(api: Api) -> None:
    body = envelope("portal.test", client_key=api.settings.tiktok_client_key)
    response = await deliver(api, body)
    assert response.status_code == 200 and response.json()["outcome"] == "ignored"
    assert [d.event for d in deliveries(api)] == ["portal.test"]


async def test_a_signed_body_that_is_not_json_is_400_and_stored(api: Api) -> None:
    response = await deliver(api, b"<xml>nope</xml>")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"
    missing = await deliver(api, json.dumps({"event": EVENT_SUCCESS}).encode())
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == "malformed_webhook"
    assert [d.outcome for d in deliveries(api)] == ["malformed", "malformed"]


async def test_signature_failures_are_401_with_a_code_each(api: Api) -> None:
    me = await login(api)
    order = await open_order(api, me)
    body = success_body(api, order)
    now = int(api.clock.epoch())
    bare = await api.client.post("/webhooks/tiktok", content=body)
    assert (bare.status_code, bare.json()["error"]["code"]) == (401, "signature_missing")
    bad = await api.client.post(
        "/webhooks/tiktok", content=body, headers={"TikTok-Signature": "t=1,v1=abc"}
    )
    assert (bad.status_code, bad.json()["error"]["code"]) == (401, "signature_malformed")
    cases = {
        "signature_mismatch": await deliver(api, body, secret="wrong_secret"),
        "signature_stale": await deliver(api, body, at=now - 3600),
        "signature_future": await deliver(api, body, at=now + 3600),
    }
    for code, response in cases.items():
        assert (response.status_code, response.json()["error"]["code"]) == (401, code)
    assert deliveries(api) == [] and await items(api, me) == {}


async def test_a_body_over_one_megabyte_is_413(api: Api) -> None:
    body = b'{"pad": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    response = await deliver(api, body)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"
    assert deliveries(api) == []


async def test_the_previous_secret_is_accepted_during_a_rotation(
    settings_for: Callable[..., Settings],
) -> None:
    settings = settings_for(tiktok_client_secret_previous="the_old_secret")
    async for api in start_api(settings):
        me = await login(api)
        order = await open_order(api, me)
        response = await deliver(api, success_body(api, order), secret="the_old_secret")
        assert response.status_code == 200 and response.json()["outcome"] == "applied"
        retired = await deliver(api, success_body(api, order), secret="an_older_secret")
        assert retired.status_code == 401


async def test_database_unavailable_is_503_and_the_retry_succeeds(api: Api, tmp_path: Path) -> None:
    me = await login(api)
    order = await open_order(api, me)
    services = api.app.state.services
    working = services.db
    services.db = Database(f"sqlite:///{tmp_path}")  # a directory: no database can be opened
    try:
        response = await deliver(api, success_body(api, order))
    finally:
        services.db.dispose()
        services.db = working
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "database_unavailable"
    retry = await deliver(api, success_body(api, order))
    assert retry.status_code == 200 and retry.json()["outcome"] == "applied"
    assert await items(api, me) == {"revive": 5}


async def test_authorization_removed_may_name_the_player_in_its_content(api: Api) -> None:
    me = await login(api)
    body = json.dumps(
        {
            "client_key": api.settings.tiktok_client_key,
            "event": EVENT_AUTHORIZATION_REMOVED,
            "create_time": 1,
            "user_openid": "",
            "content": json.dumps({"open_id": me.open_id}),
        }
    ).encode()
    assert (await deliver(api, body)).json()["outcome"] == "applied"
    unknown = envelope(
        EVENT_AUTHORIZATION_REMOVED, client_key=api.settings.tiktok_client_key, user_openid="nobody"
    )
    assert (await deliver(api, unknown)).json()["outcome"] == "ignored"
