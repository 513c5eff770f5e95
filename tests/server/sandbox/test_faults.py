"""Each fault switch produces its fault, globally or per order (webhooks) and on the Open API."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import pytest

from server.sandbox import SandboxConfig

from .conftest import FAST_RETRY
from .helpers import (
    KEY,
    SECRET,
    Target,
    bearer,
    create_order,
    login,
    sandbox_client,
    signature_ok,
    split_signature,
    wait_delivery,
)

INFO = "/v2/user/info/?fields=open_id"


async def set_faults(client: httpx.AsyncClient, **faults: Any) -> dict[str, Any]:
    response = await client.put("/control/faults", json=faults)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def order_for(client: httpx.AsyncClient, order_id: str) -> tuple[dict[str, Any], str]:
    tokens = await login(client)
    return tokens, await create_order(client, tokens, order_id)


async def pay(client: httpx.AsyncClient, trade_order_id: str) -> list[str]:
    response = await client.post(f"/control/orders/{trade_order_id}/pay", json={})
    assert response.status_code == 200, response.text
    ids: list[str] = response.json()["deliveries"]
    return ids


def events(target: Target) -> list[str]:
    return [json.loads(body)["event"].rsplit(".", 1)[1] for _, body in target.requests]


async def test_faults_start_off_and_validate(client: httpx.AsyncClient) -> None:
    faults = (await client.get("/control/faults")).json()
    assert faults == {
        "duplicate": 0,
        "delay_seconds": 0,
        "out_of_order": False,
        "drop": False,
        "wrong_secret": False,
        "stale_timestamp": False,
        "api_error": None,
        "api_error_count": None,
    }
    for bad in (
        {"dorp": True},
        {"drop": "yes"},
        {"duplicate": -1},
        {"duplicate": 1.5},
        {"delay_seconds": "1"},
        {"api_error": "boom"},
        {"api_error_count": 0},
        [1],
    ):
        response = await client.put("/control/faults", json=bad)
        assert response.status_code == 400, bad
        assert response.json()["error"]["code"] in ("invalid_faults", "invalid_request")
    assert (await client.get("/control/faults")).json() == faults
    await set_faults(client, drop=True)
    assert (await client.get("/control/faults")).json()["drop"] is True
    assert (await client.delete("/control/faults")).json() == faults


async def test_duplicate_sends_extra_signed_copies(
    client: httpx.AsyncClient, target: Target
) -> None:
    await set_faults(client, duplicate=2)
    _, trade_order_id = await order_for(client, "ord-dup")
    ids = await pay(client, trade_order_id)
    assert len(ids) == 3
    await target.wait_for(3)
    assert len({body for _, body in target.requests}) == 1
    assert all(signature_ok(h["tiktok-signature"], b) for h, b in target.requests)


async def test_delay_holds_the_first_attempt(client: httpx.AsyncClient, target: Target) -> None:
    await set_faults(client, delay_seconds=2)
    _, trade_order_id = await order_for(client, "ord-late")
    (delivery_id,) = await pay(client, trade_order_id)
    early = (await client.get(f"/control/deliveries/{delivery_id}")).json()
    assert early["status"] == "pending"
    assert early["faults"]["delay_seconds"] == 2
    assert target.requests == []
    delivered = await wait_delivery(client, delivery_id, "delivered")
    assert len(delivered["attempts"]) == 1


async def test_out_of_order_sends_the_refund_before_the_success(
    client: httpx.AsyncClient, target: Target
) -> None:
    await set_faults(client, out_of_order=True)
    _, trade_order_id = await order_for(client, "ord-ooo")
    (success_id,) = await pay(client, trade_order_id)
    assert (await client.get(f"/control/deliveries/{success_id}")).json()["status"] == "held"
    refund = await client.post(f"/control/orders/{trade_order_id}/refund", json={"amount": 10})
    (refund_id,) = refund.json()["deliveries"]
    await wait_delivery(client, success_id, "delivered")
    await wait_delivery(client, refund_id, "delivered")
    assert events(target) == ["refund_traceback", "success"]


async def test_drop_delivers_nothing_but_query_says_success(
    client: httpx.AsyncClient, target: Target
) -> None:
    tokens, dropped = await order_for(client, "ord-drop")
    await client.put(f"/control/orders/{dropped}/faults", json={"drop": True})
    (dropped_id,) = await pay(client, dropped)
    _, normal = await order_for(client, "ord-normal")
    (normal_id,) = await pay(client, normal)
    await wait_delivery(client, normal_id, "delivered")
    delivery = (await client.get(f"/control/deliveries/{dropped_id}")).json()
    assert delivery["status"] == "dropped"
    assert delivery["attempts"] == []
    assert [json.loads(json.loads(b)["content"])["trade_order_id"] for _, b in target.requests] == [
        normal
    ]
    query = await client.post(
        "/v2/minis/trade_order/query/", headers=bearer(tokens), json={"trade_order_id": dropped}
    )
    assert query.json()["data"]["trade_order_status"] == "SUCCESS"
    # A replay of a dropped webhook is delivered.
    await client.post(f"/control/deliveries/{dropped_id}/replay")
    await target.wait_for(2)


async def test_wrong_secret_signature_does_not_verify(
    client: httpx.AsyncClient, target: Target
) -> None:
    await set_faults(client, wrong_secret=True)
    _, trade_order_id = await order_for(client, "ord-secret")
    await pay(client, trade_order_id)
    await target.wait_for(1)
    headers, body = target.requests[0]
    assert not signature_ok(headers["tiktok-signature"], body)


async def test_stale_timestamp_is_an_hour_old(client: httpx.AsyncClient, target: Target) -> None:
    await set_faults(client, stale_timestamp=True)
    _, trade_order_id = await order_for(client, "ord-stale")
    await pay(client, trade_order_id)
    await target.wait_for(1)
    headers, body = target.requests[0]
    assert signature_ok(headers["tiktok-signature"], body), "correctly signed, only old"
    timestamp, _ = split_signature(headers["tiktok-signature"])
    assert 3500 <= time.time() - timestamp <= 3700


async def test_order_faults_replace_the_global_ones(
    client: httpx.AsyncClient, target: Target
) -> None:
    await set_faults(client, duplicate=1)
    _, special = await order_for(client, "ord-special")
    put = await client.put(f"/control/orders/{special}/faults", json={"wrong_secret": False})
    assert put.json()["duplicate"] == 0
    assert len(await pay(client, special)) == 1
    _, ordinary = await order_for(client, "ord-ordinary")
    assert len(await pay(client, ordinary)) == 2
    bad = await client.put(f"/control/orders/{special}/faults", json={"api_error": "timeout"})
    assert bad.status_code == 400
    missing = await client.put("/control/orders/TOIDnope/faults", json={"drop": True})
    assert missing.status_code == 404
    cleared = await client.delete(f"/control/orders/{special}/faults")
    assert cleared.json() == {"faults": None, "inherits_global": True}


@pytest.mark.parametrize(
    ("fault", "status"), [("rate_limit_exceeded", 429), ("internal_error", 500)]
)
async def test_api_errors_answer_every_open_api_call(
    client: httpx.AsyncClient, fault: str, status: int
) -> None:
    tokens = await login(client)
    await set_faults(client, api_error=fault)
    info = await client.get(INFO, headers=bearer(tokens))
    assert info.status_code == status
    assert info.json()["error"]["code"] == fault
    assert info.json()["data"] == {}
    form = {"client_key": KEY, "client_secret": SECRET, "grant_type": "client_credentials"}
    token = await client.post("/v2/oauth/token/", data=form)
    assert token.status_code == status
    assert set(token.json()) == {"error", "error_description", "log_id"}
    assert token.json()["error"] == fault
    # The control API is not affected.
    assert (await client.get("/control/orders")).status_code == 200


async def test_api_error_count_limits_the_failures(client: httpx.AsyncClient) -> None:
    tokens = await login(client)
    await set_faults(client, api_error="rate_limit_exceeded", api_error_count=2)
    statuses = [(await client.get(INFO, headers=bearer(tokens))).status_code for _ in range(3)]
    assert statuses == [429, 429, 200]
    faults = (await client.get("/control/faults")).json()
    assert faults["api_error"] is None and faults["api_error_count"] is None


async def test_timeout_outlasts_the_client_and_is_cancellable() -> None:
    async with sandbox_client(SandboxConfig(retry=FAST_RETRY)) as client:
        tokens = await login(client)
        await set_faults(client, api_error="timeout")
        with pytest.raises(httpx.ReadTimeout):
            await client.get(INFO, headers=bearer(tokens), timeout=0.3)
        patient = asyncio.create_task(client.get(INFO, headers=bearer(tokens), timeout=60))
        await asyncio.sleep(0.2)
        assert not patient.done()
        await client.app.state.sandbox.aclose()  # type: ignore[attr-defined]
        async with asyncio.timeout(5):  # released at once, not after api_timeout_seconds
            response = await patient
        assert response.status_code == 504


async def test_timeout_finally_answers_internal_error() -> None:
    async with sandbox_client(SandboxConfig(api_timeout_seconds=0.2)) as client:
        tokens = await login(client)
        await set_faults(client, api_error="timeout", api_error_count=1)
        response = await client.get(INFO, headers=bearer(tokens))
        assert response.status_code == 504
        assert response.json()["error"]["code"] == "internal_error"
        assert (await client.get(INFO, headers=bearer(tokens))).status_code == 200
