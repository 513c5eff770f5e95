"""server/reconcile.py: pending orders nobody polls, and deliveries held for an unknown order."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import update

from server.cli import main
from server.models import Order
from server.reconcile import reconcile_once
from server.settings import Settings
from tests.server.conftest import Api, login, start_api
from tests.server.payments_support import deliver, items, open_order, success_body
from tests.server.test_recovery import paid_order, pay, queries


async def test_a_pass_fulfils_paid_orders_and_leaves_unpaid_ones(api: Api) -> None:
    me, paid = await paid_order(api)
    unpaid = await open_order(api, me)
    api.clock.advance(30)
    report = await reconcile_once(api.app.state.services)
    assert report.checked == 2 and report.paid == [paid["order_id"]]
    assert await items(api, me) == {"revive": 5}
    again = await reconcile_once(api.app.state.services)
    assert again.checked == 0  # the unpaid one was just asked about: not yet again
    api.clock.advance(api.settings.order_query_interval_seconds + 1)
    assert (await reconcile_once(api.app.state.services)).checked == 1
    assert unpaid["order_id"] not in report.paid


async def test_young_and_very_old_orders_are_left_alone(api: Api) -> None:
    await paid_order(api)
    assert (await reconcile_once(api.app.state.services)).checked == 0  # the webhook's turn
    api.clock.advance(73 * 3600)
    assert (await reconcile_once(api.app.state.services)).checked == 0  # abandoned
    assert queries(api) == 0


async def test_a_delivery_for_an_order_that_appears_later_is_applied(api: Api) -> None:
    me = await login(api)
    ghost = {"order_id": "bh_from_elsewhere", "trade_order_id": "tt_from_elsewhere"}
    response = await deliver(api, success_body(api, ghost))
    assert response.json()["outcome"] == "unknown_order"
    order = await open_order(api, me)
    with api.db.transaction() as session:  # the order shows up (e.g. restored from a backup)
        session.execute(
            update(Order)
            .where(Order.order_id == order["order_id"])
            .values(order_id=ghost["order_id"], trade_order_id=ghost["trade_order_id"])
        )
    report = await reconcile_once(api.app.state.services, min_age=timedelta(days=1))
    assert len(report.late_deliveries) == 1
    assert await items(api, me) == {"revive": 5}
    assert (await reconcile_once(api.app.state.services)).late_deliveries == []


async def test_the_server_runs_the_reconciler_in_the_background(
    settings_for: Callable[..., Settings],
) -> None:
    async for api in start_api(settings_for(reconcile_interval_seconds=0.05)):
        me = await login(api)
        order = await open_order(api, me)
        await pay(api, order)
        api.clock.advance(30)
        for _ in range(200):
            if await items(api, me):
                break
            await asyncio.sleep(0.05)
        assert await items(api, me) == {"revive": 5}


def test_the_command_needs_the_session_secret(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.delenv("SESSION_SECRET", raising=False)
    monkeypatch.delenv("TOKEN_ENCRYPTION_KEY", raising=False)
    assert main(["reconcile"]) == 2
    assert "SESSION_SECRET" in capsys.readouterr().err
    monkeypatch.setenv("SESSION_SECRET", "a-long-enough-session-secret")
    assert main(["reconcile"]) == 0
    assert "checked 0 pending orders" in capsys.readouterr().out


def test_the_command_reports_an_unreachable_database(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    monkeypatch.setenv("SESSION_SECRET", "a-long-enough-session-secret")
    assert main(["reconcile"]) == 1
    assert "error:" in capsys.readouterr().err


async def test_the_webhook_and_the_reconciler_together_grant_once(api: Api) -> None:
    me, order = await paid_order(api, "starter_bundle")
    api.clock.advance(30)
    webhook = asyncio.gather(*(deliver(api, success_body(api, order)) for _ in range(5)))
    results = await asyncio.gather(webhook, reconcile_once(api.app.state.services))
    assert all(r.status_code == 200 for r in results[0])
    assert await items(api, me) == {"revive": 3, "coins": 500, "skin.sprout": 1}
