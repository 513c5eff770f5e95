"""ttbridge.js in headless Chromium against a fake TTMinis.game whose timing the test controls."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

JS_DIR = Path(__file__).resolve().parents[3] / "bridge" / "js"
CODES = [
    "cancelled",
    "insufficient_balance",
    "no_fill",
    "not_supported",
    "timeout",
    "network",
    "busy",
    "invalid_args",
    "platform_error",
    "unknown",
]


@pytest.fixture
def page(browser: Any, static_server: str) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{static_server}/tests/bridge/js/fake.html")
    page.wait_for_function("window.TTBridge && window.Fake")
    yield page
    context.close()
    assert errors == [], errors


def run(page: Any, script: str) -> Any:
    """Runs an async JS body; a string result that is a bridge envelope comes back decoded."""
    value = page.evaluate(f"async () => {{ {script} }}")
    return json.loads(value) if isinstance(value, str) and value.startswith("{") else value


def call(page: Any, method: str, args: Any = None, then: str = "") -> Any:
    """Calls TTBridge.call, runs ``then`` (fake answers) and awaits the resolved envelope."""
    args_json = json.dumps(json.dumps(args if args is not None else {}))
    return run(
        page, f"const p = TTBridge.call({json.dumps(method)}, {args_json}); {then}; return await p;"
    )


def wait_result(page: Any, call_id: str) -> dict[str, Any]:
    page.wait_for_function(f"result({json.dumps(call_id)}) !== null")
    return json.loads(page.evaluate(f"result({json.dumps(call_id)})"))


def test_the_code_list_is_fixed_and_matches_python(page: Any) -> None:
    from bridge import ErrorCode

    assert page.evaluate("TTBridge.codes") == CODES
    assert [code.value for code in ErrorCode] == CODES


def test_login_success_failure_and_missing_code(page: Any) -> None:
    assert call(page, "login", {}, "Fake.succeed('login', {code: 'c-123'})") == {
        "ok": True,
        "data": {"code": "c-123"},
    }
    failed = call(page, "login", {}, "Fake.fail('login', 102102, 'no terms of service url')")
    assert failed["ok"] is False
    assert failed["error"]["code"] == "platform_error"
    assert failed["error"]["platform"] == {
        "error_code": 102102,
        "error_msg": "no terms of service url",
        "error_extra": {"hint": "raw"},
    }
    empty = call(page, "login", {}, "Fake.succeed('login', {})")
    assert empty["error"]["code"] == "platform_error"


def test_platform_failures_map_to_codes_and_keep_raw_numbers(page: Any) -> None:
    cases = {
        "user cancelled": "cancelled",
        "network offline": "network",
        "request timed out": "timeout",
        "insufficient balance": "insufficient_balance",
        "Not enough Beans, recharge cancelled": "insufficient_balance",
        "payment refused": "platform_error",
    }
    for message, code in cases.items():
        env = call(page, "pay", {"trade_order_id": "t1"}, f"Fake.fail('pay', 4001, {message!r})")
        assert env["error"]["code"] == code, message
        assert env["error"]["platform"]["error_code"] == 4001
        assert env["error"]["platform"]["error_msg"] == message


def test_every_method_succeeds_with_tiktoks_argument_names(page: Any) -> None:
    assert call(page, "pay", {"trade_order_id": "tr-1"}, "Fake.succeed('pay')") == {
        "ok": True,
        "data": {},
    }
    bal = call(
        page, "checkBalance", {"amount": 100}, "Fake.succeed('checkBalance', {is_sufficient: true})"
    )
    assert bal == {"ok": True, "data": {"is_sufficient": True}}
    assert call(page, "recharge", {"tier_id": "tier-1"}, "Fake.succeed('recharge')")["ok"]
    assert call(page, "navigateToBalance", {}, "Fake.succeed('navigateToBalance')")["ok"]
    assert call(page, "addShortcut", {}, "Fake.succeed('addShortcut')")["ok"]
    reward = call(
        page,
        "getShortcutMissionReward",
        {},
        "Fake.succeed('getShortcutMissionReward', {canReceiveReward: true})",
    )
    assert reward == {"ok": True, "data": {"canReceiveReward": True}}
    assert call(page, "canIUse", {"schema": "login"}) == {"ok": True, "data": {"available": True}}
    run(page, "Fake.unavailable.push('authorize')")
    assert call(page, "canIUse", {"schema": "authorize"})["data"] == {"available": False}
    assert call(page, "getLaunchOptions") == {
        "ok": True,
        "data": {"scene": "1001", "query": {"from": "test"}},
    }
    assert call(page, "setStorage", {"key": "k", "data": {"a": 1}}, "Fake.succeed('setStorage')")[
        "ok"
    ]
    got = call(page, "getStorage", {"key": "k"}, "Fake.succeed('getStorage', {data: {a: 1}})")
    assert got == {"ok": True, "data": {"data": {"a": 1}}}
    missing = call(
        page, "getStorage", {"key": "nope"}, "Fake.fail('getStorage', 1, 'data not found')"
    )
    assert missing == {"ok": True, "data": {"data": None}}
    assert call(page, "removeStorage", {"key": "k"}, "Fake.succeed('removeStorage')")["ok"]
    sent = page.evaluate("Fake.calls.map(c => [c.name, c.opts])")
    assert ["pay", {"trade_order_id": "tr-1"}] in sent
    assert ["checkBalance", {"amount": 100, "type": "BEANS"}] in sent
    assert ["recharge", {"tier_id": "tier-1"}] in sent
    assert ["navigateToBalance", {"type": "BEANS"}] in sent
    assert ["setStorage", {"key": "k", "data": {"a": 1}}] in sent


def test_bad_input_resolves_ok_false_and_never_rejects(page: Any) -> None:
    cases: list[tuple[str, str, str]] = [
        ("nope", "{}", "not_supported"),
        ("login", "{not json", "invalid_args"),
        ("login", "[1, 2]", "invalid_args"),
        ("login", '{"timeout_ms": -5}', "invalid_args"),
        ("login", '{"timeout_ms": "soon"}', "invalid_args"),
        ("pay", "{}", "invalid_args"),
        ("checkBalance", '{"amount": 1.5}', "invalid_args"),
        ("recharge", '{"tier_id": ""}', "invalid_args"),
        ("showRewardedAd", "{}", "invalid_args"),
        ("canIUse", "{}", "invalid_args"),
        ("http", '{"url": ""}', "invalid_args"),
        ("http", '{"url": "/echo", "body": {"no": "object"}}', "invalid_args"),
        ("getStorage", "{}", "invalid_args"),
        ("__proto__", "{}", "not_supported"),
        ("hasOwnProperty", "{}", "not_supported"),
    ]
    for method, args_json, code in cases:
        raw = page.evaluate("([m, a]) => TTBridge.call(m, a)", [method, args_json])
        assert isinstance(raw, str) and raw, (method, args_json)
        env = json.loads(raw)
        assert env["ok"] is False and env["error"]["code"] == code, (method, args_json, env)
        assert env["error"]["message"]
    # A platform function that throws, and a missing TTMinis.game, still resolve.
    run(page, "TTMinis.game.login = () => { throw {error: {error_code: 7, error_msg: 'boom'}}; }")
    thrown = call(page, "login")
    assert thrown["error"]["code"] == "platform_error"
    assert thrown["error"]["platform"]["error_code"] == 7
    run(page, "delete TTMinis.game.pay")
    assert call(page, "pay", {"trade_order_id": "t"})["error"]["code"] == "not_supported"
    run(page, "window.savedGame = TTMinis.game; delete TTMinis.game")
    assert call(page, "login")["error"]["code"] == "not_supported"
    run(page, "TTMinis.game = window.savedGame")


def test_timeout_ms_is_honoured_and_late_callbacks_are_ignored(page: Any) -> None:
    env = call(page, "login", {"timeout_ms": 50})
    assert env["error"]["code"] == "timeout"
    # The platform answers late: nothing changes, and the method is free again.
    run(page, "Fake.succeed('login', {code: 'late'})")
    assert call(page, "login", {}, "Fake.succeed('login', {code: 'next'})")["data"] == {
        "code": "next"
    }
    # A per-method default applies when no timeout_ms is given.
    run(page, "TTBridge.configure({timeouts: {pay: 40}})")
    assert call(page, "pay", {"trade_order_id": "t"})["error"]["code"] == "timeout"
    defaults = page.evaluate("TTBridge.defaultTimeouts")
    assert defaults["login"] == 10_000 and defaults["http"] == 15_000
    assert defaults["pay"] == 300_000 and defaults["showRewardedAd"] == 120_000


def test_one_pay_sheet_at_a_time(page: Any) -> None:
    run(
        page, "start('a', 'pay', {trade_order_id: 't1'}); start('b', 'pay', {trade_order_id: 't2'})"
    )
    assert wait_result(page, "b")["error"]["code"] == "busy"
    run(page, "Fake.succeed('pay')")
    assert wait_result(page, "a") == {"ok": True, "data": {}}
    assert page.evaluate("Fake.count('pay')") == 0


def test_rewarded_ad_rewards_only_when_ended_and_cleans_up(page: Any) -> None:
    run(page, "start('ad', 'showRewardedAd', {adUnitId: 'unit-1'})")
    ad = "Fake.ads[0]"
    assert page.evaluate(f"{ad}.listenersAtShow") == 2, "listeners are registered before show()"
    assert page.evaluate(f"{ad}.adUnitId") == "unit-1"
    run(page, f"{ad}.close(false)")
    assert wait_result(page, "ad") == {"ok": True, "data": {"rewarded": False}}
    assert page.evaluate(f"[{ad}.offCloseCalls, {ad}.offErrorCalls, {ad}.closeCbs.length]") == [
        1,
        1,
        0,
    ]

    run(page, "start('ad2', 'showRewardedAd', {adUnitId: 'unit-1'})")
    run(page, "Fake.ads[1].close(true)")
    assert wait_result(page, "ad2") == {"ok": True, "data": {"rewarded": True}}
    assert page.evaluate("Fake.ads.map(a => a.shows)") == [1, 1], "a new ad object per view"
    events = page.evaluate("drain()")
    assert [e["type"] for e in events] == ["ad_open", "ad_close", "ad_open", "ad_close"]
    assert events[1]["data"] == {"rewarded": False} and events[3]["data"] == {"rewarded": True}

    # A truthy isEnded that is not exactly true does not reward.
    run(page, "start('ad3', 'showRewardedAd', {adUnitId: 'u'}); Fake.ads[2].close('yes')")
    assert wait_result(page, "ad3")["data"] == {"rewarded": False}


def test_overlapping_ads_are_busy_and_reward_at_most_once(page: Any) -> None:
    run(
        page,
        "start('a', 'showRewardedAd', {adUnitId: 'u'}); start('b', 'showRewardedAd', {adUnitId: 'u'})",
    )
    assert wait_result(page, "b")["error"]["code"] == "busy"
    assert page.evaluate("Fake.ads.length") == 1, "the busy request never creates an ad"
    # The platform misbehaves: a stale listener fires twice, then errors.
    run(
        page,
        "const cbs = Fake.ads[0].closeCbs.slice(); cbs[0]({isEnded: true}); cbs[0]({isEnded: true}); ",
    )
    assert wait_result(page, "a")["data"] == {"rewarded": True}
    events = page.evaluate("drain()")
    assert [e["type"] for e in events] == ["ad_open", "ad_close"]
    rewards = [e for e in events if e["type"] == "ad_close" and e["data"]["rewarded"]]
    assert len(rewards) == 1


def test_ad_failures_map_to_codes(page: Any) -> None:
    run(
        page,
        "start('nofill', 'showRewardedAd', {adUnitId: 'u'}); Fake.ads[0].error(1004, 'no fill')",
    )
    env = wait_result(page, "nofill")
    assert env["error"]["code"] == "no_fill"
    assert env["error"]["platform"] == {"error_code": 1004, "error_msg": "no fill"}
    assert page.evaluate("[Fake.ads[0].offCloseCalls, Fake.ads[0].offErrorCalls]") == [1, 1]

    run(
        page,
        "start('err', 'showRewardedAd', {adUnitId: 'u'}); Fake.ads[1].error(3001, 'render crashed')",
    )
    assert wait_result(page, "err")["error"]["code"] == "platform_error"

    run(page, "Fake.showMode = 'reject'; start('rej', 'showRewardedAd', {adUnitId: 'u'})")
    env = wait_result(page, "rej")
    assert env["error"]["code"] == "platform_error"
    assert env["error"]["platform"]["error_code"] == 2002
    # A late close after the rejection must not reward anything.
    run(page, "Fake.ads[2].close(true)")
    assert page.evaluate("Fake.ads[2].closeCbs.length") == 0
    run(page, "window.create = TTMinis.game.createRewardedVideoAd")
    run(page, "TTMinis.game.createRewardedVideoAd = () => { throw {errCode: 9, errMsg: 'x'}; }")
    thrown = call(page, "showRewardedAd", {"adUnitId": "u"})
    assert thrown["error"]["code"] == "platform_error"
    assert thrown["error"]["platform"] == {"error_code": 9, "error_msg": "x"}
    run(page, "TTMinis.game.createRewardedVideoAd = window.create")
    run(page, "Fake.showMode = 'resolve'; Fake.unavailable.push('createRewardedVideoAd')")
    assert call(page, "showRewardedAd", {"adUnitId": "u"})["error"]["code"] == "not_supported"
    assert page.evaluate("Fake.ads.length") == 3
    events = page.evaluate("drain()")
    assert [e["type"] for e in events].count("ad_open") == 3
    assert all(not e["data"].get("rewarded") for e in events if e["type"] == "ad_close")


def test_ad_timeout_removes_listeners_and_ignores_a_late_close(page: Any) -> None:
    env = call(page, "showRewardedAd", {"adUnitId": "u", "timeout_ms": 50})
    assert env["error"]["code"] == "timeout"
    assert page.evaluate("[Fake.ads[0].offCloseCalls, Fake.ads[0].closeCbs.length]") == [1, 0]
    run(page, "Fake.ads[0].close(true)")
    events = page.evaluate("drain()")
    assert [e["type"] for e in events] == ["ad_open", "ad_close"]
    assert events[1]["data"] == {"rewarded": False}


def test_ad_cooldown_is_configurable(page: Any) -> None:
    run(page, "TTBridge.configure({adCooldownMs: 60000})")
    run(page, "start('a', 'showRewardedAd', {adUnitId: 'u'}); Fake.ads[0].close(true)")
    assert wait_result(page, "a")["data"] == {"rewarded": True}
    env = call(page, "showRewardedAd", {"adUnitId": "u"})
    assert env["error"]["code"] == "busy" and "cooling down" in env["error"]["message"]
    run(page, "TTBridge.configure({adCooldownMs: 0})")
    run(page, "start('b', 'showRewardedAd', {adUnitId: 'u'}); Fake.ads[1].close(true)")
    assert wait_result(page, "b")["data"] == {"rewarded": True}


def test_lifecycle_events_reach_the_inbox_as_json_strings(page: Any) -> None:
    run(page, "Fake.hide(); Fake.show()")
    raw = page.evaluate("TTBridge.inbox.slice()")
    assert all(isinstance(item, str) for item in raw)
    assert [json.loads(item)["type"] for item in raw] == ["hide", "show"]
    assert json.loads(raw[1])["data"] == {"query": {"back": "1"}}
    run(page, "window.dispatchEvent(new Event('offline'))")
    assert page.evaluate("drain()")[-1] == {"type": "network", "data": {"online": False}}
    # The inbox is bounded when nobody drains it.
    run(page, "for (let i = 0; i < 1000; i++) Fake.hide()")
    assert page.evaluate("TTBridge.inbox.length") == 256


def test_init_passes_the_client_key_once(page: Any) -> None:
    assert run(page, "return await TTBridge.init({clientKey: 'ck_1'})") == {
        "ok": True,
        "data": {"clientKey": "ck_1"},
    }
    run(page, "await TTBridge.init({clientKey: 'ck_1'})")
    assert page.evaluate("Fake.inits") == [{"clientKey": "ck_1"}]
    assert page.evaluate("Fake.hideCbs.length") == 1, "lifecycle listeners are attached once"


def test_http_uses_fetch(page: Any, static_server: str) -> None:
    env = call(
        page,
        "http",
        {
            "method": "post",
            "url": f"{static_server}/echo",
            "headers": {"X-Test": "1"},
            "body": '{"a":1}',
        },
    )
    assert env["ok"] is True
    assert env["data"]["status"] == 201
    assert env["data"]["headers"]["x-echo"] == "yes"
    assert json.loads(env["data"]["body"]) == {
        "method": "POST",
        "path": "/echo",
        "body": '{"a":1}',
        "x_test": "1",
    }
    slow = call(page, "http", {"url": f"{static_server}/hang", "timeout_ms": 100})
    assert slow["error"]["code"] == "timeout"
    down = call(page, "http", {"url": "http://127.0.0.1:9/unreachable", "timeout_ms": 5000})
    assert down["error"]["code"] == "network"


def test_http_falls_back_to_ttminis_request_without_fetch(page: Any) -> None:
    run(page, "window.fetch = undefined")
    env = call(
        page,
        "http",
        {"method": "GET", "url": "https://api.example/x"},
        "Fake.succeed('request', {statusCode: 200, header: {'Content-Type': 'text/plain'}, data: {n: 1}})",
    )
    assert env == {
        "ok": True,
        "data": {"status": 200, "headers": {"content-type": "text/plain"}, "body": '{"n":1}'},
    }
    sent = page.evaluate("Fake.calls.filter(c => c.name === 'request')[0].opts")
    assert sent["url"] == "https://api.example/x" and sent["method"] == "GET"
    failed = call(
        page, "http", {"url": "https://x"}, "Fake.fail('request', 5, 'network unreachable')"
    )
    assert failed["error"]["code"] == "network"


def test_the_bridge_js_has_no_eval_and_no_string_timers() -> None:
    forbidden = [
        r"\beval\s*\(",
        r"new\s+Function\b",
        r"\bFunction\s*\(",
        r"set(Timeout|Interval)\s*\(\s*['\"`]",
        r"\.innerHTML\s*=",
        r"\bdocument\.write\b",
        r"\blocation\s*\.\s*(href|assign|replace)",
        r"window\.open\s*\(",
    ]
    files = sorted(JS_DIR.glob("*.js"))
    assert {p.name for p in files} >= {"ttbridge.js", "ttminis-sim.js"}
    for path in files:
        text = path.read_text()
        for pattern in forbidden:
            assert not re.search(pattern, text), f"{path.name} matches {pattern}"
    assert "document" not in (JS_DIR / "ttbridge.js").read_text().replace(
        "typeof root.document", ""
    ), "ttbridge.js must not need the DOM"


def test_a_ttminis_that_appears_later_still_gets_lifecycle_listeners(
    browser: Any, static_server: str
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{static_server}/tests/bridge/js/late.html")
    page.wait_for_function("Fake.hideCbs.length === 1 && Fake.showCbs.length === 1")
    run(page, "Fake.hide()")
    assert [json.loads(e)["type"] for e in page.evaluate("TTBridge.inbox.slice()")] == ["hide"]
    context.close()


def test_a_numeric_string_timeout_is_honoured(page: Any) -> None:
    assert call(page, "login", {"timeout_ms": "40"})["error"]["code"] == "timeout"


def test_the_page_can_configure_the_bridge_before_loading_it(
    browser: Any, static_server: str
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{static_server}/tests/bridge/js/config.html")
    page.wait_for_function("Fake.inits.length === 1")
    assert page.evaluate("Fake.inits") == [{"clientKey": "ck_from_config"}]
    assert call(page, "login")["error"]["code"] == "timeout", "configured default timeout"
    context.close()


def test_lifecycle_listeners_attach_at_init_where_the_sdk_needs_it(
    browser: Any, static_server: str
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{static_server}/tests/bridge/js/preinit.html")
    page.wait_for_function("window.TTBridge")
    assert page.evaluate("Fake.hideCbs.length") == 0
    run(page, "await TTBridge.init({clientKey: 'ck'})")
    assert page.evaluate("[Fake.inits.length, Fake.hideCbs.length, Fake.showCbs.length]") == [
        1,
        1,
        1,
    ]
    run(page, "Fake.hide()")
    assert [json.loads(e)["type"] for e in page.evaluate("TTBridge.inbox.slice()")] == ["hide"]
    context.close()
