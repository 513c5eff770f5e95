"""Webhook retries when the HTTP client fails in ways httpx does not wrap (issue 12).

A server killed just as a connection opens made anyio raise `AttributeError` (its socket was already
gone) from inside httpx; that ended the delivery's task and left the delivery `pending` for ever,
which is how the reliability test's "server killed during a burst" timed out.
"""

from __future__ import annotations

import httpx

from server.sandbox import RetrySchedule, SandboxConfig

from .conftest import FAST_RETRY
from .helpers import create_order, login, sandbox_client, wait_delivery

URL = "http://server.test/webhooks/tiktok"


async def pay(client: httpx.AsyncClient) -> str:
    tokens = await login(client)
    trade_order_id = await create_order(client, tokens, "ord-1")
    response = await client.post(f"/control/orders/{trade_order_id}/pay", json={})
    assert response.status_code == 200, response.text
    (delivery_id,) = response.json()["deliveries"]
    return str(delivery_id)


async def test_an_error_httpx_does_not_wrap_is_a_failed_attempt_and_retried() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:  # what anyio raises when the peer is gone before the stream is asked
            raise AttributeError("'NoneType' object has no attribute 'getpeername'")
        return httpx.Response(200)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        config = SandboxConfig(webhook_url=URL, retry=FAST_RETRY)
        async with sandbox_client(config, http_client=http) as client:
            delivery = await wait_delivery(client, await pay(client), "delivered", "failed")
    assert delivery["status"] == "delivered"
    first, second = delivery["attempts"]
    assert first["status_code"] is None and first["error"].startswith("AttributeError: ")
    assert second["status_code"] == 200 and second["error"] is None


class BrokenSchedule(RetrySchedule):
    """A schedule that raises where the delivery loop asks it for the next delay."""

    def delay_after(self, attempt: int) -> float:
        raise RuntimeError("no delay")


async def test_a_crashed_delivery_task_marks_its_delivery_failed_not_pending() -> None:
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(lambda _: httpx.Response(500))
    ) as http:
        config = SandboxConfig(webhook_url=URL, retry=BrokenSchedule(max_attempts=5))
        async with sandbox_client(config, http_client=http) as client:
            delivery = await wait_delivery(client, await pay(client), "failed", "delivered")
    assert delivery["status"] == "failed"
    (attempt,) = delivery["attempts"]
    assert attempt["status_code"] == 500
    assert attempt["error"] == "delivery task crashed: RuntimeError"
