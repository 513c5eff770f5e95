"""The playground page: a button per bridge method, the resolved JSON shown, over the simulator."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def shown(page: Any, method: str) -> dict[str, Any]:
    selector = f"#result-{method}"
    page.wait_for_function(
        f"document.querySelector('{selector}').textContent.startsWith('{{')", timeout=15_000
    )
    return dict(json.loads(page.inner_text(selector)))


def test_every_method_has_a_button_and_shows_its_json(browser: Any, game_server: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{game_server}/playground.html")
    page.wait_for_selector("#call-login")
    methods = page.evaluate("TTBridge.methods")
    assert {
        "login",
        "showRewardedAd",
        "pay",
        "checkBalance",
        "recharge",
        "navigateToBalance",
    } <= set(methods)
    assert {
        "canIUse",
        "http",
        "getLaunchOptions",
        "getStorage",
        "setStorage",
        "addShortcut",
    } <= set(methods)
    for method in methods:
        assert page.locator(f"#call-{method}").count() == 1, method
    assert page.locator("#tt-sim-panel .tt-sim-controls").count() == 1

    page.click("#call-canIUse")
    assert shown(page, "canIUse") == {"ok": True, "data": {"available": True}}
    page.click("#call-login")
    assert shown(page, "login")["data"]["code"]
    page.click("#call-http")
    http = shown(page, "http")
    assert http["data"]["status"] == 200 and json.loads(http["data"]["body"])["items"]
    page.fill("#args-pay", "{not json")
    page.click("#call-pay")
    assert shown(page, "pay")["error"]["code"] == "invalid_args"
    page.evaluate("TTMinisSim.configure({adSeconds: 30})")
    page.click("#call-showRewardedAd")
    page.click("#game-frame #tt-sim-ad-close")
    assert shown(page, "showRewardedAd") == {"ok": True, "data": {"rewarded": False}}
    page.click("#drain")
    assert '"type":"ad_open"' in page.inner_text("#events")
    context.close()
    assert errors == []
