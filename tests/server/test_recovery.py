"""server/recovery.py: polling a pending order asks TikTok (throttled) and fulfils exactly once.

The fixture's sandbox has no webhook URL: every webhook is lost, as in the worst case in production.
"""

from __future__ import annotations

import asyncio
from typing import Any

from tests.server.conftest import Api, Session, login
from tests.server.payments_support import deliver, items, open_order, status, success_body


def queries(api: Api) -> int:
    return sum(r.url.path.endswith("/trade_order/query/") for r in api.tiktok_requests)


async def pay(api: Api, order: dict[str, Any]) -> None:
    response = await api.sandbox.post(f"/control/orders/{order['trade_order_id']}/pay", json={})
    assert response.status_code == 200, response.text


async def paid_order(api: Api, item_id: str = "revive_pack") -> tuple[Session, dict[str, Any]]:
    me = await login(api)
    order = await open_order(api, me, item_id)
    await pay(api, order)
    return me, order


async def test_a_poll_recovers_a_lost_webhook(api: Api) -> None:
    me, order = await paid_order(api)
    polled = await status(api, me, order)
    assert polled["status"] == "paid" and polled["fulfilled"] is True
    assert await items(api, me) == {"revive": 5}
    assert queries(api) == 1
    await status(api, me, order)
    assert queries(api) == 1  # paid orders are never asked about again


async def test_the_webhook_after_a_recovery_is_a_duplicate(api: Api) -> None:
    me, order = await paid_order(api)
    await status(api, me, order)
    response = await deliver(api, success_body(api, order))
    assert response.status_code == 200 and response.json()["outcome"] == "duplicate"
    assert await items(api, me) == {"revive": 5}


async def test_an_unpaid_order_is_queried_at_most_once_per_interval(api: Api) -> None:
    me = await login(api)
    order = await open_order(api, me)
    for _ in range(5):
        assert (await status(api, me, order))["status"] == "pending"
    assert queries(api) == 1
    api.clock.advance(api.settings.order_query_interval_seconds + 0.1)
    await status(api, me, order)
    assert queries(api) == 2


async def test_concurrent_polls_make_one_query_and_one_grant(api: Api) -> None:
    me, order = await paid_order(api, "starter_bundle")
    polls = await asyncio.gather(*(status(api, me, order) for _ in range(20)))
    assert queries(api) == 1
    assert sum(p["status"] == "paid" for p in polls) >= 1
    assert await items(api, me) == {"revive": 3, "coins": 500, "skin.sprout": 1}


async def test_tiktok_failing_leaves_the_order_pending_without_an_error(api: Api) -> None:
    me, order = await paid_order(api)
    faults = await api.sandbox.put("/control/faults", json={"api_error": "rate_limit_exceeded"})
    assert faults.status_code == 200, faults.text
    polled = await api.client.get(f"/api/orders/{order['order_id']}", headers=me.headers)
    assert polled.status_code == 200 and polled.json()["status"] == "pending"
    await api.sandbox.put("/control/faults", json={"api_error": None})
    api.clock.advance(api.settings.order_query_interval_seconds + 0.1)
    assert (await status(api, me, order))["status"] == "paid"
    assert await items(api, me) == {"revive": 5}


async def test_a_player_without_tiktok_tokens_still_gets_an_answer(api: Api) -> None:
    from server.webhooks import EVENT_AUTHORIZATION_REMOVED
    from tests.server.payments_support import envelope

    me, order = await paid_order(api)
    removed = envelope(
        EVENT_AUTHORIZATION_REMOVED,
        client_key=api.settings.tiktok_client_key,
        user_openid=me.open_id,
    )
    assert (await deliver(api, removed)).json()["outcome"] == "applied"
    polled = await api.client.get(f"/api/orders/{order['order_id']}", headers=me.headers)
    assert polled.status_code == 200 and polled.json()["status"] == "pending"
