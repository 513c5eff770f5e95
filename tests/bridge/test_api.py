"""Bridge: TikTok's calls as typed async methods over a transport (here the scriptable fake)."""

from __future__ import annotations

from typing import Any

import pytest

from bridge import (
    AdResult,
    BalanceResult,
    Bridge,
    BridgeError,
    BridgeEvent,
    ErrorCode,
    HttpResponse,
    LaunchOptions,
    LoginResult,
)
from bridge.transports import FakeTransport


@pytest.fixture
def fake() -> FakeTransport:
    return FakeTransport()


@pytest.fixture
def bridge(fake: FakeTransport) -> Bridge:
    return Bridge(fake)


async def test_methods_send_tiktoks_argument_names_and_type_results(
    fake: FakeTransport, bridge: Bridge
) -> None:
    fake.script("login", fake.ok({"code": "c1"}))
    fake.script("showRewardedAd", fake.ok({"rewarded": True}))
    fake.script("pay", fake.ok())
    fake.script("checkBalance", fake.ok({"is_sufficient": False}))
    fake.script("recharge", fake.ok())
    fake.script("navigateToBalance", fake.ok())
    fake.script("canIUse", fake.ok({"available": True}))
    fake.script("getLaunchOptions", fake.ok({"scene": "1001", "query": {"a": "b"}}))
    fake.script("getStorage", fake.ok({"data": {"best": 3}}))
    fake.script("setStorage", fake.ok())
    fake.script("removeStorage", fake.ok())
    fake.script("addShortcut", fake.ok())

    assert await bridge.login() == LoginResult("c1")
    assert await bridge.show_rewarded_ad("unit", timeout_ms=5000) == AdResult(rewarded=True)
    assert await bridge.pay("tr-1") is None
    assert await bridge.check_balance(100) == BalanceResult(is_sufficient=False)
    await bridge.recharge("tier-1")
    await bridge.navigate_to_balance()
    assert await bridge.can_i_use("createRewardedVideoAd") is True
    assert await bridge.get_launch_options() == LaunchOptions("1001", {"a": "b"})
    assert await bridge.get_storage("best") == {"best": 3}
    await bridge.set_storage("best", {"best": 4})
    await bridge.remove_storage("best")
    await bridge.add_shortcut()

    assert fake.calls == [
        ("login", {}),
        ("showRewardedAd", {"adUnitId": "unit", "timeout_ms": 5000}),
        ("pay", {"trade_order_id": "tr-1"}),
        ("checkBalance", {"amount": 100}),
        ("recharge", {"tier_id": "tier-1"}),
        ("navigateToBalance", {}),
        ("canIUse", {"schema": "createRewardedVideoAd"}),
        ("getLaunchOptions", {}),
        ("getStorage", {"key": "best"}),
        ("setStorage", {"key": "best", "data": {"best": 4}}),
        ("removeStorage", {"key": "best"}),
        ("addShortcut", {}),
    ]


async def test_http_returns_a_response_for_any_status(fake: FakeTransport, bridge: Bridge) -> None:
    fake.set_handler(
        "http",
        lambda args: fake.ok(
            {"status": 409, "headers": {"content-type": "application/json"}, "body": '{"x": 1}'}
        ),
    )
    resp = await bridge.http("POST", "http://s/api", headers={"A": "b"}, body="{}", timeout_ms=8000)
    assert resp == HttpResponse(409, {"content-type": "application/json"}, '{"x": 1}')
    assert resp.json() == {"x": 1} and not resp.ok
    assert fake.calls[-1] == (
        "http",
        {
            "method": "POST",
            "url": "http://s/api",
            "headers": {"A": "b"},
            "body": "{}",
            "timeout_ms": 8000,
        },
    )


async def test_failures_raise_bridge_error_with_code_and_platform(
    fake: FakeTransport, bridge: Bridge
) -> None:
    platform = {"error_code": 102102, "error_msg": "no terms"}
    fake.script("login", fake.err("platform_error", "login failed", platform))
    with pytest.raises(BridgeError) as caught:
        await bridge.login()
    assert caught.value.code is ErrorCode.PLATFORM_ERROR
    assert caught.value.message == "login failed"
    assert caught.value.platform == platform

    fake.script("pay", fake.err("cancelled"))
    with pytest.raises(BridgeError) as caught:
        await bridge.pay("t")
    assert caught.value.code is ErrorCode.CANCELLED

    fake.script("showRewardedAd", {"ok": False, "error": {"code": "brand_new_code"}})
    with pytest.raises(BridgeError) as caught:
        await bridge.show_rewarded_ad("u")
    assert caught.value.code is ErrorCode.UNKNOWN

    with pytest.raises(BridgeError) as caught:
        await bridge.recharge("tier")  # nothing scripted
    assert caught.value.code is ErrorCode.NOT_SUPPORTED


@pytest.mark.parametrize(
    ("method", "answer"),
    [
        ("login", {"ok": True, "data": {}}),
        ("login", {"ok": True, "data": {"code": 5}}),
        ("login", {"yes": 1}),
        ("login", "not a dict"),
        ("showRewardedAd", {"ok": True, "data": {"rewarded": "yes"}}),
        ("checkBalance", {"ok": True, "data": None}),
        ("http", {"ok": True, "data": {"status": True}}),
        ("canIUse", {"ok": False, "error": "oops"}),
    ],
)
async def test_malformed_answers_are_unknown_errors(
    fake: FakeTransport, bridge: Bridge, method: str, answer: Any
) -> None:
    fake.script(method, answer)
    calls = {
        "login": bridge.login,
        "showRewardedAd": lambda: bridge.show_rewarded_ad("u"),
        "checkBalance": lambda: bridge.check_balance(1),
        "http": lambda: bridge.http("GET", "http://x"),
        "canIUse": lambda: bridge.can_i_use("login"),
    }
    with pytest.raises(BridgeError) as caught:
        await calls[method]()
    assert caught.value.code is ErrorCode.UNKNOWN


async def test_async_handlers_and_events(fake: FakeTransport, bridge: Bridge) -> None:
    async def login(args: dict[str, Any]) -> dict[str, Any]:
        return fake.ok({"code": "async"})

    fake.set_handler("login", login)
    fake.script("login", fake.ok({"code": "scripted first"}))
    assert (await bridge.login()).code == "scripted first"
    assert (await bridge.login()).code == "async"

    fake.push_event("hide")
    fake.push_event("ad_close", rewarded=True)
    assert bridge.events() == [BridgeEvent("hide", {}), BridgeEvent("ad_close", {"rewarded": True})]
    assert bridge.events() == []
    await bridge.aclose()
    assert fake.closed


def test_error_envelopes_round_trip() -> None:
    error = BridgeError(ErrorCode.TIMEOUT, "slow", {"error_code": 1})
    assert BridgeError.from_envelope(error.to_envelope()["error"]).platform == {"error_code": 1}
    assert str(error) == "timeout: slow"
    assert BridgeError.from_envelope(None).code is ErrorCode.UNKNOWN
    assert ErrorCode.parse("no_fill") is ErrorCode.NO_FILL
    assert ErrorCode.parse(None) is ErrorCode.UNKNOWN
