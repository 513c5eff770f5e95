"""NativeTransport against ``python -m server.sandbox serve`` over real HTTP."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bridge import Bridge, BridgeError, ErrorCode
from bridge.transports.native import NativeTransport, default_state_path
from tests.bridge.conftest import free_port

CLIENT_KEY = "sbx_beanhop_client_key"
CLIENT_SECRET = "sbx_beanhop_client_secret"


@pytest.fixture
async def control(sandbox_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=sandbox_url, timeout=10) as client:
        yield client


def native(sandbox_url: str, tmp_path: Path, **kwargs: Any) -> NativeTransport:
    kwargs.setdefault("state_path", tmp_path / "sim-user.json")
    return NativeTransport("http://unused.invalid", sandbox_url=sandbox_url, **kwargs)


async def exchange(control: httpx.AsyncClient, code: str) -> dict[str, Any]:
    form = {
        "client_key": CLIENT_KEY,
        "client_secret": CLIENT_SECRET,
        "code": code,
        "grant_type": "authorization_code",
    }
    answer = await control.post("/v2/oauth/token/", data=form)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def trade_order(control: httpx.AsyncClient, access_token: str, amount: int = 100) -> str:
    body = {
        "token_type": "BEANS",
        "token_amount": amount,
        "order_info": {"order_id": f"o-{free_port()}-{amount}", "product_name": "Revive pack"},
    }
    answer = await control.post(
        "/v2/minis/trade_order/create/",
        json=body,
        headers={"Authorization": f"Bearer {access_token}"},
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["data"]["trade_order_id"])


async def logged_in(
    sandbox_url: str, tmp_path: Path, control: httpx.AsyncClient, **kwargs: Any
) -> tuple[Bridge, dict[str, Any]]:
    bridge = Bridge(native(sandbox_url, tmp_path, **kwargs))
    tokens = await exchange(control, (await bridge.login()).code)
    return bridge, tokens


async def test_login_codes_come_from_the_sandbox_for_a_stable_player(
    sandbox_url: str, tmp_path: Path, control: httpx.AsyncClient
) -> None:
    bridge, tokens = await logged_in(sandbox_url, tmp_path, control)
    state = json.loads((tmp_path / "sim-user.json").read_text())
    assert state["open_id"] == tokens["open_id"]
    await bridge.aclose()

    # A new process (a new transport) on the same machine is the same player...
    again, tokens2 = await logged_in(sandbox_url, tmp_path, control)
    assert tokens2["open_id"] == tokens["open_id"]
    # ...even after the sandbox forgot everyone.
    assert (await control.post("/control/reset")).status_code == 200
    after_reset = await exchange(control, (await again.login()).code)
    assert after_reset["open_id"] == tokens["open_id"]
    await again.aclose()

    elsewhere = Bridge(native(sandbox_url, tmp_path / "other"))
    other = await exchange(control, (await elsewhere.login()).code)
    assert other["open_id"] != tokens["open_id"]
    await elsewhere.aclose()


async def test_login_can_be_made_to_fail(sandbox_url: str, tmp_path: Path) -> None:
    bridge = Bridge(native(sandbox_url, tmp_path, login="fail"))
    with pytest.raises(BridgeError) as caught:
        await bridge.login()
    assert caught.value.code is ErrorCode.PLATFORM_ERROR
    assert caught.value.platform is not None and caught.value.platform["error_code"] == 102102
    await bridge.aclose()


async def test_confirmed_pay_pays_the_trade_order_in_the_sandbox(
    sandbox_url: str, tmp_path: Path, control: httpx.AsyncClient
) -> None:
    bridge, tokens = await logged_in(sandbox_url, tmp_path, control)
    trade_order_id = await trade_order(control, tokens["access_token"])
    await bridge.pay(trade_order_id)
    order = (await control.get(f"/control/orders/{trade_order_id}")).json()
    assert order["status"] == "SUCCESS"
    with pytest.raises(BridgeError) as caught:
        await bridge.pay(trade_order_id)  # a trade order cannot be paid twice
    assert caught.value.code is ErrorCode.PLATFORM_ERROR
    assert caught.value.platform is not None and caught.value.platform["error_code"]
    with pytest.raises(BridgeError) as caught:
        await bridge.pay("no-such-order")
    assert caught.value.code is ErrorCode.PLATFORM_ERROR
    with pytest.raises(BridgeError) as caught:
        await bridge.pay("")
    assert caught.value.code is ErrorCode.INVALID_ARGS
    await bridge.aclose()


@pytest.mark.parametrize(
    ("outcome", "code"),
    [("cancel", ErrorCode.CANCELLED), ("fail", ErrorCode.PLATFORM_ERROR), ("pending", None)],
)
async def test_other_pay_outcomes_leave_the_order_pending(
    sandbox_url: str,
    tmp_path: Path,
    control: httpx.AsyncClient,
    outcome: str,
    code: ErrorCode | None,
) -> None:
    bridge, tokens = await logged_in(sandbox_url, tmp_path, control, pay=outcome)
    trade_order_id = await trade_order(control, tokens["access_token"])
    if code is None:
        await bridge.pay(trade_order_id)
    else:
        with pytest.raises(BridgeError) as caught:
            await bridge.pay(trade_order_id)
        assert caught.value.code is code
    order = (await control.get(f"/control/orders/{trade_order_id}")).json()
    assert order["status"] == "PENDING"
    await bridge.aclose()


async def beans_of(control: httpx.AsyncClient, open_id: str) -> int:
    return int((await control.get(f"/control/users/{open_id}")).json()["beans"])


async def test_paying_debits_the_balance_and_a_short_player_recharges_first(
    sandbox_url: str, tmp_path: Path, control: httpx.AsyncClient
) -> None:
    bridge, tokens = await logged_in(sandbox_url, tmp_path, control, recharge="yes")
    open_id = tokens["open_id"]
    assert await beans_of(control, open_id) == 0, "a new player has no Beans"
    short = await trade_order(control, tokens["access_token"], 100)
    await bridge.pay(short)
    assert (await control.get(f"/control/orders/{short}")).json()["status"] == "SUCCESS"
    assert await beans_of(control, open_id) == 0, "recharged the 100 missing, then paid them"

    await control.patch(f"/control/users/{open_id}", json={"beans": 150})
    rich = await trade_order(control, tokens["access_token"], 100)
    await bridge.pay(rich)
    assert await beans_of(control, open_id) == 50, "enough Beans: debited, nothing recharged"
    await bridge.aclose()


async def test_a_short_player_who_closes_the_sheet_gets_insufficient_balance(
    sandbox_url: str, tmp_path: Path, control: httpx.AsyncClient
) -> None:
    bridge, tokens = await logged_in(sandbox_url, tmp_path, control, recharge="no", beans=30)
    open_id = tokens["open_id"]
    assert await beans_of(control, open_id) == 30, "BEANHOP_SIM_BEANS set at login"
    trade_order_id = await trade_order(control, tokens["access_token"], 100)
    with pytest.raises(BridgeError) as caught:
        await bridge.pay(trade_order_id)
    assert caught.value.code is ErrorCode.INSUFFICIENT_BALANCE
    assert "30 Beans" in caught.value.message and "100" in caught.value.message
    assert caught.value.platform is not None and caught.value.platform["error_code"] == 10014
    order = (await control.get(f"/control/orders/{trade_order_id}")).json()
    assert order["status"] == "PENDING" and await beans_of(control, open_id) == 30

    await bridge.recharge("sbx_tier_70")  # the player tops up, then tries again
    assert await beans_of(control, open_id) == 130
    await bridge.pay(trade_order_id)
    assert await beans_of(control, open_id) == 30
    await bridge.aclose()


async def test_a_balance_taken_away_under_the_sheet_is_insufficient_balance(
    sandbox_url: str, tmp_path: Path, control: httpx.AsyncClient
) -> None:
    emptied: list[str] = []

    async def empty_the_wallet_first(request: httpx.Request) -> None:
        # The balance changes between the sheet's look at it and the payment itself.
        if request.method == "POST" and request.url.path.endswith("/pay"):
            await control.patch(f"/control/users/{emptied[0]}", json={"beans": 0})

    client = httpx.AsyncClient(event_hooks={"request": [empty_the_wallet_first]})
    bridge, tokens = await logged_in(sandbox_url, tmp_path, control, beans=500, client=client)
    emptied.append(tokens["open_id"])
    trade_order_id = await trade_order(control, tokens["access_token"], 100)
    with pytest.raises(BridgeError) as caught:
        await bridge.pay(trade_order_id)
    assert caught.value.code is ErrorCode.INSUFFICIENT_BALANCE
    assert (await control.get(f"/control/orders/{trade_order_id}")).json()["status"] == "PENDING"
    await bridge.aclose()
    await client.aclose()


async def test_check_balance_reads_the_sandbox_user(
    sandbox_url: str, tmp_path: Path, control: httpx.AsyncClient
) -> None:
    user = (await control.post("/control/users", json={"beans": 500})).json()
    (tmp_path / "sim-user.json").write_text(json.dumps({"open_id": user["open_id"]}))
    bridge = Bridge(native(sandbox_url, tmp_path))
    assert (await bridge.check_balance(500)).is_sufficient is True
    assert (await bridge.check_balance(501)).is_sufficient is False
    with pytest.raises(BridgeError) as caught:
        await bridge.check_balance(0)
    assert caught.value.code is ErrorCode.INVALID_ARGS
    await bridge.navigate_to_balance()
    await bridge.recharge("tier-1")  # one simulated recharge: 100 Beans
    assert (await bridge.check_balance(600)).is_sufficient is True
    with pytest.raises(BridgeError) as caught:
        await bridge.recharge("")
    assert caught.value.code is ErrorCode.INVALID_ARGS
    assert await bridge.can_i_use("createRewardedVideoAd") is True
    assert await bridge.can_i_use("startEntranceMission") is False
    await bridge.aclose()

    nobody = Bridge(native(sandbox_url, tmp_path / "nobody"))
    with pytest.raises(BridgeError) as caught:
        await nobody.check_balance(1)
    assert "login" in caught.value.message
    with pytest.raises(BridgeError) as caught:
        await nobody.recharge("tier-1")
    assert "login" in caught.value.message
    await nobody.aclose()


@pytest.mark.parametrize(
    ("outcome", "rewarded", "code"),
    [
        ("complete", True, None),
        ("skip", False, None),
        ("no_fill", None, ErrorCode.NO_FILL),
        ("error", None, ErrorCode.PLATFORM_ERROR),
    ],
)
async def test_ads_resolve_locally_with_events(
    tmp_path: Path, outcome: str, rewarded: bool | None, code: ErrorCode | None
) -> None:
    bridge = Bridge(NativeTransport("http://127.0.0.1:9", ad=outcome, state_path=tmp_path / "s"))
    if code is None:
        assert (await bridge.show_rewarded_ad("unit")).rewarded is rewarded
    else:
        with pytest.raises(BridgeError) as caught:
            await bridge.show_rewarded_ad("unit")
        assert caught.value.code is code
    types = [e.type for e in bridge.events()]
    assert types == ([] if outcome == "no_fill" else ["ad_open", "ad_close"])
    await bridge.aclose()


async def test_timeouts_and_overlapping_ads(tmp_path: Path) -> None:
    import asyncio

    transport = NativeTransport("http://127.0.0.1:9", ad_seconds=0.3, state_path=tmp_path / "s")
    first = asyncio.ensure_future(transport.call("showRewardedAd", {"adUnitId": "u"}))
    await asyncio.sleep(0.01)
    assert (await transport.call("showRewardedAd", {"adUnitId": "u"}))["error"]["code"] == "busy"
    assert (await first)["data"] == {"rewarded": True}
    late = await transport.call("showRewardedAd", {"adUnitId": "u", "timeout_ms": 20})
    assert late["error"]["code"] == "timeout"
    assert [e["type"] for e in transport.drain_events()] == ["ad_open", "ad_close"] * 2
    for bad in (0, -1, "soon", True, 10**9):
        answer = await transport.call("login", {"timeout_ms": bad})
        assert answer["error"]["code"] == "invalid_args", bad
    assert (await transport.call("nope", {}))["error"]["code"] == "not_supported"
    await transport.aclose()


async def test_an_offline_server_gives_network_errors_not_exceptions(tmp_path: Path) -> None:
    transport = NativeTransport(f"http://127.0.0.1:{free_port()}", state_path=tmp_path / "s")
    for method, args in [
        ("login", {}),
        ("pay", {"trade_order_id": "t"}),
        ("http", {"method": "GET", "url": f"http://127.0.0.1:{free_port()}/x"}),
    ]:
        answer = await transport.call(method, args)
        assert answer["ok"] is False and answer["error"]["code"] == "network", (method, answer)
    assert "SANDBOX=1" in (await transport.call("login", {}))["error"]["message"]
    await transport.aclose()


async def test_http_and_storage(sandbox_url: str, tmp_path: Path) -> None:
    bridge = Bridge(native(sandbox_url, tmp_path))
    resp = await bridge.http(
        "POST",
        f"{sandbox_url}/control/users",
        body='{"beans": 7}',
        headers={"Content-Type": "application/json"},
    )
    assert resp.status == 201 and resp.json()["beans"] == 7
    assert resp.headers["content-type"].startswith("application/json")
    missing = await bridge.http("GET", f"{sandbox_url}/control/users/nobody")
    assert missing.status == 404
    with pytest.raises(BridgeError) as caught:
        await bridge.http("GET", "not-a-url")
    assert caught.value.code is ErrorCode.INVALID_ARGS

    assert await bridge.get_storage("best") is None
    await bridge.set_storage("best", {"score": 12})
    await bridge.aclose()
    reopened = Bridge(native(sandbox_url, tmp_path))
    assert await reopened.get_storage("best") == {"score": 12}
    await reopened.remove_storage("best")
    assert await reopened.get_storage("best") is None
    assert (await reopened.get_launch_options()).scene == "native"
    await reopened.aclose()


def test_outcomes_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("BEANHOP_SIM_LOGIN", "fail")
    monkeypatch.setenv("BEANHOP_SIM_AD", "No_Fill")
    monkeypatch.setenv("BEANHOP_SIM_PAY", "cancel")
    monkeypatch.setenv("BEANHOP_SIM_STATE", str(tmp_path / "state.json"))
    transport = NativeTransport("http://127.0.0.1:8000/")
    assert (transport.login_outcome, transport.ad_outcome, transport.pay_outcome) == (
        "fail",
        "no_fill",
        "cancel",
    )
    assert transport.state_path == tmp_path / "state.json" == default_state_path()
    assert transport.sandbox_url == "http://127.0.0.1:8000/sandbox"
    assert NativeTransport("http://x", ad="skip").ad_outcome == "skip", "arguments win"
    monkeypatch.setenv("BEANHOP_SIM_RECHARGE", "No")
    monkeypatch.setenv("BEANHOP_SIM_BEANS", "250")
    short = NativeTransport("http://x")
    assert (short.recharge_outcome, short.start_beans) == ("no", 250)
    monkeypatch.setenv("BEANHOP_SIM_BEANS", "lots")
    with pytest.raises(ValueError, match="BEANHOP_SIM_BEANS must be a whole number"):
        NativeTransport("http://x")
    monkeypatch.delenv("BEANHOP_SIM_BEANS")
    monkeypatch.setenv("BEANHOP_SIM_AD", "sometimes")
    with pytest.raises(ValueError, match="BEANHOP_SIM_AD must be one of"):
        NativeTransport("http://x")
    monkeypatch.delenv("BEANHOP_SIM_STATE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert default_state_path() == tmp_path / "cache" / "beanhop" / "sim-user.json"


async def test_a_server_without_the_sandbox_says_so(static_server: str, tmp_path: Path) -> None:
    transport = NativeTransport(static_server, state_path=tmp_path / "s")
    answer = await transport.call("login", {})
    assert answer["error"]["code"] == "platform_error"
    assert "SANDBOX=1" in answer["error"]["message"]
    await transport.aclose()
