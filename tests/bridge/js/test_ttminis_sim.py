"""The TTMinis simulator driven by clicks, with ttbridge.js, against ``python -m server`` (SANDBOX=1).

The page is served by the server itself (``WEB_DIR``), so the simulator reaches the sandbox at
``{origin}/sandbox`` exactly as under ``make dev``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def page(browser: Any, game_server: str) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{game_server}/sim.html")
    page.wait_for_function("window.TTBridge && window.TTMinisSim && window.TTMinisSim.installed")
    page.evaluate("TTMinisSim.configure({adSeconds: 0.6, skipAfterSeconds: 0.1})")
    yield page
    context.close()
    assert errors == [], errors


@pytest.fixture
def api(game_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=game_server, timeout=10) as client:
        yield client


def start(page: Any, call_id: str, method: str, args: dict[str, Any] | None = None) -> None:
    page.evaluate("([i, m, a]) => start(i, m, a)", [call_id, method, args or {}])


def result(page: Any, call_id: str) -> dict[str, Any]:
    page.wait_for_function(f"result({json.dumps(call_id)}) !== null", timeout=15_000)
    return json.loads(page.evaluate(f"result({json.dumps(call_id)})"))


def call(page: Any, method: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
    start(page, method, method, args)
    return result(page, method)


def session(page: Any, api: httpx.Client) -> tuple[str, dict[str, Any]]:
    """Logs in through the simulator and the server; returns the Bearer token and the player."""
    login = call(page, "login")
    assert login["ok"], login
    answer = api.post("/api/session", json={"code": login["data"]["code"]})
    assert answer.status_code == 200, answer.text
    return answer.json()["token"], answer.json()["player"]


def new_order(api: httpx.Client, token: str) -> dict[str, Any]:
    items = api.get("/api/catalog").json()["items"]
    answer = api.post(
        "/api/orders",
        json={"item_id": items[0]["id"]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def order_state(api: httpx.Client, token: str, order_id: str) -> dict[str, Any]:
    answer = api.get(f"/api/orders/{order_id}", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def wait_fulfilled(api: httpx.Client, token: str, order_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 15
    while True:
        state = order_state(api, token, order_id)
        if state["fulfilled"] or time.monotonic() > deadline:
            return state
        time.sleep(0.2)


def deliveries_for(api: httpx.Client, trade_order_id: str) -> list[dict[str, Any]]:
    answer = api.get("/sandbox/control/deliveries")
    return [d for d in answer.json()["deliveries"] if d["trade_order_id"] == trade_order_id]


def beans_of(api: httpx.Client, open_id: str) -> int:
    return int(api.get(f"/sandbox/control/users/{open_id}").json()["beans"])


def set_beans(page: Any, api: httpx.Client, open_id: str, beans: int) -> None:
    """Sets the player's balance with the panel's Beans field; waits until the sandbox has it."""
    page.fill("#tt-sim-beans", str(beans))
    page.click("#tt-sim-beans-set")
    deadline = time.monotonic() + 15
    while beans_of(api, open_id) != beans:
        assert time.monotonic() < deadline, "the panel never set the balance"
        time.sleep(0.05)
    page.wait_for_function(f"document.querySelector('#tt-sim-beans').value === '{beans}'")


def webhooks_are_handled(api: httpx.Client) -> bool:
    return api.post("/webhooks/tiktok", content=b"{}").status_code != 404


def test_login_keeps_the_same_player_across_reloads(page: Any, api: httpx.Client) -> None:
    assert page.locator("#tt-sim-panel #tt-sim-login-fail").count() == 1, "panel in #tt-sim-panel"
    _, player = session(page, api)
    assert page.evaluate("TTMinisSim.openId()") == player["open_id"]
    assert player["open_id"] in page.locator("#tt-sim-user").inner_text()
    page.reload()
    page.wait_for_function("window.TTMinisSim && window.TTBridge")
    _, again = session(page, api)
    assert again["open_id"] == player["open_id"]
    page.click("#tt-sim-new-player")
    _, other = session(page, api)
    assert other["open_id"] != player["open_id"]

    page.check("#tt-sim-login-fail")
    failed = call(page, "login")
    assert failed["error"]["code"] == "platform_error"
    assert failed["error"]["platform"]["error_code"] == 102102
    page.uncheck("#tt-sim-login-fail")
    assert call(page, "login")["ok"]


def test_a_new_player_recharges_on_the_pay_sheet_then_pays_and_the_webhook_fulfils_the_order(
    page: Any, api: httpx.Client
) -> None:
    token, player = session(page, api)
    order = new_order(api, token)
    price = order["price_beans"]
    start(page, "pay", "pay", {"trade_order_id": order["trade_order_id"]})
    page.wait_for_selector("#game-frame #tt-sim-pay")
    assert page.inner_text("#tt-sim-pay-price") == f"{price} Beans"
    assert page.inner_text("#tt-sim-pay-item")
    assert page.inner_text("#tt-sim-pay-balance") == "Your balance: 0 Beans"
    assert f"recharge {price} Beans" in page.inner_text("#tt-sim-pay-short")
    assert page.is_disabled("#tt-sim-pay-confirm"), "no Beans, no paying"
    page.click("#tt-sim-pay-recharge")
    page.wait_for_function("!document.querySelector('#tt-sim-pay-confirm').disabled")
    assert page.inner_text("#tt-sim-pay-balance") == f"Your balance: {price} Beans"
    assert not page.is_visible("#tt-sim-pay-recharge") and not page.is_visible("#tt-sim-pay-short")
    page.click("#tt-sim-pay-confirm")
    assert result(page, "pay") == {"ok": True, "data": {}}
    assert page.locator("#tt-sim-pay").count() == 0
    paid = api.get(f"/sandbox/control/orders/{order['trade_order_id']}").json()
    assert paid["status"] == "SUCCESS"
    assert beans_of(api, player["open_id"]) == 0, "the recharged Beans paid the order"
    page.wait_for_function("document.querySelector('#tt-sim-beans').value === '0'")
    assert len(deliveries_for(api, order["trade_order_id"])) == 1
    if not webhooks_are_handled(api):
        pytest.skip("POST /webhooks/tiktok is not in the server yet (payments, issue 4)")
    state = wait_fulfilled(api, token, order["order_id"])
    assert state["fulfilled"] is True and state["status"] == "paid", deliveries_for(
        api, order["trade_order_id"]
    )


def test_the_panel_sets_the_balance_and_paying_debits_it(page: Any, api: httpx.Client) -> None:
    token, player = session(page, api)
    open_id = player["open_id"]
    set_beans(page, api, open_id, 25)
    assert call(page, "checkBalance", {"amount": 25})["data"] == {"is_sufficient": True}
    assert call(page, "checkBalance", {"amount": 26})["data"] == {"is_sufficient": False}
    order = new_order(api, token)
    start(page, "pay", "pay", {"trade_order_id": order["trade_order_id"]})
    page.wait_for_selector("#tt-sim-pay")
    assert page.inner_text("#tt-sim-pay-balance") == "Your balance: 25 Beans"
    assert not page.is_visible("#tt-sim-pay-recharge"), "enough Beans: nothing to recharge"
    page.click("#tt-sim-pay-confirm")
    assert result(page, "pay")["ok"]
    assert beans_of(api, open_id) == 25 - order["price_beans"]
    page.wait_for_function(
        f"document.querySelector('#tt-sim-beans').value === '{25 - order['price_beans']}'"
    )


def test_closing_the_sheet_short_of_beans_is_insufficient_balance(
    page: Any, api: httpx.Client
) -> None:
    token, player = session(page, api)
    open_id = player["open_id"]
    set_beans(page, api, open_id, 3)
    order = new_order(api, token)
    start(page, "short", "pay", {"trade_order_id": order["trade_order_id"]})
    page.wait_for_selector("#tt-sim-pay")
    assert page.is_disabled("#tt-sim-pay-confirm") and page.is_visible("#tt-sim-pay-recharge")
    page.click("#tt-sim-pay-cancel")
    env = result(page, "short")
    assert env["error"]["code"] == "insufficient_balance", env
    assert env["error"]["platform"]["error_code"] == 10014
    assert api.get(f"/sandbox/control/orders/{order['trade_order_id']}").json()["status"] == (
        "PENDING"
    )
    assert beans_of(api, open_id) == 3, "nothing debited"

    # Enough Beans when the sheet opened, none left when Confirm is clicked: the sandbox refuses.
    set_beans(page, api, open_id, 500)
    start(page, "race", "pay", {"trade_order_id": order["trade_order_id"]})
    page.wait_for_selector("#tt-sim-pay")
    assert page.is_enabled("#tt-sim-pay-confirm")
    set_beans(page, api, open_id, 0)
    page.click("#tt-sim-pay-confirm")
    assert result(page, "race")["error"]["code"] == "insufficient_balance"
    assert order_state(api, token, order["order_id"])["fulfilled"] is False


def test_pay_sheet_cancel_fail_and_pending_leave_the_order_unpaid(
    page: Any, api: httpx.Client
) -> None:
    token, player = session(page, api)
    set_beans(page, api, player["open_id"], 1000)
    cancelled = new_order(api, token)
    start(page, "c", "pay", {"trade_order_id": cancelled["trade_order_id"]})
    page.click("#tt-sim-pay-cancel")
    assert result(page, "c")["error"]["code"] == "cancelled"

    page.select_option("#tt-sim-outcome-pay", "fail")
    failed = new_order(api, token)
    start(page, "f", "pay", {"trade_order_id": failed["trade_order_id"]})
    page.click("#tt-sim-pay-confirm")
    env = result(page, "f")
    assert env["error"]["code"] == "platform_error" and env["error"]["platform"]["error_code"]

    page.select_option("#tt-sim-outcome-pay", "pending")
    pending = new_order(api, token)
    start(page, "p", "pay", {"trade_order_id": pending["trade_order_id"]})
    page.click("#tt-sim-pay-confirm")
    assert result(page, "p")["ok"] is True, "a closed pay sheet is no proof of payment"

    for order in (cancelled, failed, pending):
        sandbox_order = api.get(f"/sandbox/control/orders/{order['trade_order_id']}").json()
        assert sandbox_order["status"] == "PENDING"
        assert order_state(api, token, order["order_id"])["fulfilled"] is False
    assert beans_of(api, player["open_id"]) == 1000, "nothing paid, nothing debited"

    unknown = call(page, "pay", {"trade_order_id": "no-such-order"})
    assert unknown["error"]["code"] == "platform_error"
    assert unknown["error"]["platform"]["error_code"] == 20011002


def test_webhook_faults_are_set_before_paying(page: Any, api: httpx.Client) -> None:
    token, player = session(page, api)
    set_beans(page, api, player["open_id"], 1000)
    page.select_option("#tt-sim-outcome-webhook", "duplicate")
    twice = new_order(api, token)
    start(page, "t", "pay", {"trade_order_id": twice["trade_order_id"]})
    page.click("#tt-sim-pay-confirm")
    assert result(page, "t")["ok"]
    assert len(deliveries_for(api, twice["trade_order_id"])) == 2
    if webhooks_are_handled(api):
        assert wait_fulfilled(api, token, twice["order_id"])["fulfilled"] is True
        grants = api.get("/api/catalog").json()["items"][0]["grants"]
        inventory = api.get("/api/inventory", headers={"Authorization": f"Bearer {token}"}).json()
        for stock, amount in grants.items():
            have = inventory["coins"] if stock == "coins" else inventory["items"].get(stock)
            assert have == amount, "two webhooks, one fulfilment"

    page.select_option("#tt-sim-outcome-webhook", "drop")
    dropped = new_order(api, token)
    start(page, "d", "pay", {"trade_order_id": dropped["trade_order_id"]})
    page.click("#tt-sim-pay-confirm")
    assert result(page, "d")["ok"]
    statuses = [d["status"] for d in deliveries_for(api, dropped["trade_order_id"])]
    assert statuses == ["dropped"]
    # Fulfilling the dropped one is the server's lost-webhook recovery: not the bridge's test.


def test_rewarded_video_overlay(page: Any) -> None:
    start(page, "early", "showRewardedAd", {"adUnitId": "unit-1"})
    page.wait_for_selector("#game-frame #tt-sim-ad")
    assert "Reward in" in page.inner_text("#tt-sim-ad-countdown")
    page.click("#tt-sim-ad-close")
    assert result(page, "early") == {"ok": True, "data": {"rewarded": False}}

    start(page, "full", "showRewardedAd", {"adUnitId": "unit-1"})
    page.wait_for_function(
        "document.querySelector('#tt-sim-ad-countdown').textContent.includes('Reward earned')"
    )
    page.click("#tt-sim-ad-close")
    assert result(page, "full") == {"ok": True, "data": {"rewarded": True}}
    events = page.evaluate("drain()")
    assert [e["type"] for e in events] == ["ad_open", "ad_close", "ad_open", "ad_close"]

    page.select_option("#tt-sim-outcome-ad", "skip")
    assert call(page, "showRewardedAd", {"adUnitId": "u"}) == {
        "ok": True,
        "data": {"rewarded": False},
    }
    page.select_option("#tt-sim-outcome-ad", "no_fill")
    assert call(page, "showRewardedAd", {"adUnitId": "u"})["error"]["code"] == "no_fill"
    page.select_option("#tt-sim-outcome-ad", "error")
    assert call(page, "showRewardedAd", {"adUnitId": "u"})["error"]["code"] == "platform_error"
    assert page.locator("#tt-sim-ad").count() == 0


def test_lifecycle_balance_and_offline(page: Any, api: httpx.Client) -> None:
    page.evaluate("drain()")
    page.click("#tt-sim-hide")
    assert page.locator("#tt-sim-hidden").count() == 1
    page.click("#tt-sim-show")
    assert [e["type"] for e in page.evaluate("drain()")] == ["hide", "show"]

    session(page, api)
    assert call(page, "checkBalance", {"amount": 10**9}) == {
        "ok": True,
        "data": {"is_sufficient": False},
    }
    start(page, "bal", "navigateToBalance")
    page.wait_for_selector("#tt-sim-balance")
    assert page.inner_text("#tt-sim-balance-beans") == "0 Beans"
    page.click("#tt-sim-add-beans")
    page.wait_for_function(
        "document.querySelector('#tt-sim-balance-beans').textContent === '100 Beans'"
    )
    page.click("#tt-sim-balance-close")
    assert result(page, "bal")["ok"]
    assert call(page, "checkBalance", {"amount": 100})["data"] == {"is_sufficient": True}
    start(page, "re", "recharge", {"tier_id": "tier-1"})
    page.click("#tt-sim-balance-close")
    assert result(page, "re") == {"ok": True, "data": {}}
    assert call(page, "canIUse", {"schema": "createRewardedVideoAd"})["data"] == {"available": True}
    assert call(page, "setStorage", {"key": "best", "data": {"score": 3}})["ok"]
    assert call(page, "getStorage", {"key": "best"})["data"] == {"data": {"score": 3}}
    assert call(page, "getStorage", {"key": "never"})["data"] == {"data": None}

    page.check("#tt-sim-offline")
    assert call(page, "login")["error"]["code"] == "network"
    assert call(page, "http", {"url": "/api/catalog"})["error"]["code"] == "network"
    assert page.evaluate("drain()")[-1] == {"type": "network", "data": {"online": False}}
    page.uncheck("#tt-sim-offline")
    catalog = call(page, "http", {"url": "/api/catalog"})
    assert catalog["data"]["status"] == 200 and json.loads(catalog["data"]["body"])["items"]


def test_without_frame_or_panel_slot_it_uses_the_whole_page(
    browser: Any, static_server: str
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{static_server}/tests/bridge/js/bare.html")
    page.wait_for_selector("body > #tt-sim-panel")
    assert page.eval_on_selector("#tt-sim-panel", "e => getComputedStyle(e).position") == "fixed"
    page.evaluate("TTMinisSim.configure({adSeconds: 30})")
    start(page, "ad", "showRewardedAd", {"adUnitId": "u"})
    page.wait_for_selector("body > #tt-sim-ad")
    assert page.eval_on_selector("#tt-sim-ad", "e => getComputedStyle(e).position") == "fixed"
    page.click("#tt-sim-ad-close")
    assert result(page, "ad")["data"] == {"rewarded": False}
    # No sandbox behind this static server: login fails cleanly, never hangs.
    assert call(page, "login")["error"]["code"] == "platform_error"
    context.close()


def test_it_installs_nothing_when_ttminis_exists(browser: Any, static_server: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{static_server}/tests/bridge/js/absent.html")
    page.wait_for_function("window.TTBridge && window.TTMinisSim")
    assert page.evaluate("TTMinisSim.installed") is False
    assert page.evaluate("TTMinis.simulated") is None
    page.evaluate("TTBridge.call('login', '{}')")
    assert page.evaluate("Fake.count('login')") == 1, "calls reach the page's own TTMinis"
    assert page.locator("#tt-sim-panel").count() == 0
    context.close()
