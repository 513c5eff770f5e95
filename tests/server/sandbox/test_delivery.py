"""Webhook delivery over real sockets: envelope, signature, retries with backoff, the log."""

from __future__ import annotations

import asyncio
import json
import socket

import httpx

from server.sandbox import RetrySchedule, SandboxConfig, create_app

from .conftest import FAST_RETRY
from .helpers import (
    KEY,
    Target,
    create_order,
    login,
    sandbox_client,
    serve,
    signature_ok,
    split_signature,
    wait_delivery,
)


async def paid_order(client: httpx.AsyncClient, order_id: str = "ord-1") -> tuple[str, list[str]]:
    tokens = await login(client)
    trade_order_id = await create_order(client, tokens, order_id)
    response = await client.post(f"/control/orders/{trade_order_id}/pay", json={})
    assert response.status_code == 200, response.text
    deliveries: list[str] = response.json()["deliveries"]
    return trade_order_id, deliveries


async def test_payment_webhook_is_signed_like_tiktok(
    client: httpx.AsyncClient, target: Target
) -> None:
    trade_order_id, _ = await paid_order(client)
    await target.wait_for(1)
    headers, body = target.requests[0]
    assert headers["content-type"] == "application/json"
    assert signature_ok(headers["tiktok-signature"], body)
    assert not signature_ok(headers["tiktok-signature"], body + b" ")
    envelope = json.loads(body)
    assert set(envelope) == {"client_key", "event", "create_time", "user_openid", "content"}
    assert envelope["client_key"] == KEY
    assert envelope["event"] == "minis.trade_order.redeem.success"
    assert envelope["user_openid"] == ""
    assert isinstance(envelope["create_time"], int)
    assert isinstance(envelope["content"], str)
    content = json.loads(envelope["content"])
    assert content == {"trade_order_id": trade_order_id, "order_id": "ord-1", "is_sandbox": True}
    timestamp, _ = split_signature(headers["tiktok-signature"])
    assert abs(timestamp - envelope["create_time"]) <= 5


async def test_failed_deliveries_are_retried_until_200(target_url: str, target: Target) -> None:
    target.failures = 2
    async with sandbox_client(SandboxConfig(webhook_url=target_url, retry=FAST_RETRY)) as client:
        _, (delivery_id,) = await paid_order(client)
        delivery = await wait_delivery(client, delivery_id, "delivered", "failed")
    assert delivery["status"] == "delivered"
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 500, 200]
    assert len(target.requests) == 3
    bodies = {body for _, body in target.requests}
    assert len(bodies) == 1, "every retry sends the same body"
    assert all(signature_ok(h["tiktok-signature"], b) for h, b in target.requests)


async def test_any_non_200_answer_is_a_failure(target_url: str, target: Target) -> None:
    target.failures, target.fail_status = 1, 204
    async with sandbox_client(SandboxConfig(webhook_url=target_url, retry=FAST_RETRY)) as client:
        _, (delivery_id,) = await paid_order(client)
        delivery = await wait_delivery(client, delivery_id, "delivered", "failed")
    assert [a["status_code"] for a in delivery["attempts"]] == [204, 200]


async def test_delivery_gives_up_after_max_attempts(target_url: str, target: Target) -> None:
    target.failures = 100
    retry = RetrySchedule(base_delay=0.01, factor=2.0, max_attempts=3)
    async with sandbox_client(SandboxConfig(webhook_url=target_url, retry=retry)) as client:
        _, (delivery_id,) = await paid_order(client)
        delivery = await wait_delivery(client, delivery_id, "failed", "delivered")
    assert delivery["status"] == "failed"
    assert len(delivery["attempts"]) == 3
    assert len(target.requests) == 3


def test_retry_schedule_backs_off_exponentially() -> None:
    retry = RetrySchedule(base_delay=0.5, factor=2.0, max_attempts=8)
    delays = [retry.delay_after(n) for n in range(1, 8)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0]
    assert 55 <= sum(delays) <= 70, "the default schedule fits in about a minute"


async def test_unreachable_target_is_logged_per_attempt() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = SandboxConfig(webhook_url=f"http://127.0.0.1:{port}/hook", retry=FAST_RETRY)
    async with sandbox_client(config) as client:
        _, (delivery_id,) = await paid_order(client)
        delivery = await wait_delivery(client, delivery_id, "failed", "delivered")
    assert delivery["status"] == "failed"
    assert len(delivery["attempts"]) == FAST_RETRY.max_attempts
    assert all(a["status_code"] is None and a["error"] for a in delivery["attempts"])


async def test_without_webhook_url_deliveries_fail_visibly() -> None:
    async with sandbox_client(SandboxConfig(webhook_url=None)) as client:
        _, (delivery_id,) = await paid_order(client)
        delivery = await wait_delivery(client, delivery_id, "failed", "delivered")
    assert delivery["url"] is None
    assert len(delivery["attempts"]) == 1
    assert "webhook_url" in delivery["attempts"][0]["error"]


async def test_webhook_url_can_be_changed_at_runtime(target_url: str, target: Target) -> None:
    async with sandbox_client(SandboxConfig(webhook_url=None)) as client:
        assert (await client.get("/control/webhook")).json() == {"url": None}
        response = await client.put("/control/webhook", json={"url": target_url})
        assert response.json() == {"url": target_url}
        assert (await client.put("/control/webhook", json={"url": "ftp://x"})).status_code == 400
        _, (delivery_id,) = await paid_order(client)
        delivery = await wait_delivery(client, delivery_id, "delivered", "failed")
    assert delivery["status"] == "delivered"
    assert len(target.requests) == 1


async def test_refund_sends_refund_traceback(client: httpx.AsyncClient, target: Target) -> None:
    trade_order_id, _ = await paid_order(client)
    response = await client.post(f"/control/orders/{trade_order_id}/refund", json={"amount": 80})
    assert response.status_code == 200
    assert response.json()["order"]["refunded_amount"] == 80
    await target.wait_for(2)
    events = {
        json.loads(b)["event"]: json.loads(json.loads(b)["content"]) for _, b in target.requests
    }
    refund = events["minis.trade_order.redeem.refund_traceback"]
    assert refund == {
        "trade_order_id": trade_order_id,
        "order_id": "ord-1",
        "is_sandbox": True,
        "refund_amount": 80,
    }
    assert all(signature_ok(h["tiktok-signature"], b) for h, b in target.requests)


async def test_replay_resends_the_same_body_freshly_signed(
    client: httpx.AsyncClient, target: Target
) -> None:
    _, (delivery_id,) = await paid_order(client)
    await wait_delivery(client, delivery_id, "delivered")
    response = await client.post(f"/control/deliveries/{delivery_id}/replay")
    assert response.status_code == 202
    replay = response.json()["delivery"]
    assert replay["replay_of"] == delivery_id
    assert replay["id"] != delivery_id
    await target.wait_for(2)
    (_, first), (headers, second) = target.requests
    assert first == second
    assert signature_ok(headers["tiktok-signature"], second)
    missing = await client.post("/control/deliveries/dlv_nope/replay")
    assert missing.status_code == 404


async def test_aclose_cancels_pending_retries(target_url: str, target: Target) -> None:
    target.failures = 100
    retry = RetrySchedule(base_delay=3600, factor=2.0, max_attempts=5)
    app = create_app(SandboxConfig(webhook_url=target_url, retry=retry))
    async with serve(app) as base, httpx.AsyncClient(base_url=base) as client:
        await paid_order(client)
        await target.wait_for(1)
        async with asyncio.timeout(5):
            await app.state.sandbox.aclose()  # would wait an hour if the retry were not cancelled
    assert len(target.requests) == 1


async def test_an_injected_http_client_sends_the_webhooks() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as injected:
        config = SandboxConfig(webhook_url="http://server.test/webhooks/tiktok")
        async with sandbox_client(config, http_client=injected) as client:
            _, (delivery_id,) = await paid_order(client)
            await wait_delivery(client, delivery_id, "delivered")
        assert not injected.is_closed, "the sandbox leaves an injected client to its owner"
    assert [str(r.url) for r in seen] == ["http://server.test/webhooks/tiktok"]
    assert signature_ok(seen[0].headers["TikTok-Signature"], seen[0].content)
