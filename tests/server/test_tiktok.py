"""The TikTok client: envelopes translated into typed errors, retries only where safe."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from tenacity import wait_none

from server.errors import (
    AccessTokenInvalid,
    InvalidGrant,
    RateLimited,
    TikTokRejected,
    TikTokUnavailable,
)
from server.tiktok import TikTokClient

Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
async def make_client() -> AsyncIterator[
    Callable[[Handler], tuple[TikTokClient, list[httpx.Request]]]
]:
    clients: list[httpx.AsyncClient] = []

    def make(handler: Handler) -> tuple[TikTokClient, list[httpx.Request]]:
        seen: list[httpx.Request] = []

        def record(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return handler(request)

        http = httpx.AsyncClient(transport=httpx.MockTransport(record))
        clients.append(http)
        client = TikTokClient(
            http, base_url="https://tt.test/", client_key="ck", client_secret="cs", wait=wait_none()
        )
        return client, seen

    yield make
    for http in clients:
        await http.aclose()


def envelope(
    data: dict[str, Any] | None = None, code: Any = "ok", status: int = 200
) -> httpx.Response:
    return httpx.Response(
        status, json={"data": data or {}, "error": {"code": code, "message": "m"}}
    )


async def test_exchange_code_sends_the_form_and_reads_the_flat_answer(make_client: Any) -> None:
    answer = {
        "open_id": "o1",
        "scope": "user.info.basic",
        "access_token": "act.1",
        "expires_in": 86400,
        "refresh_token": "rft.1",
        "refresh_expires_in": 999,
        "token_type": "Bearer",
    }
    client, seen = make_client(lambda r: httpx.Response(200, json=answer))
    tokens = await client.exchange_code("the-code")
    assert tokens.open_id == "o1" and tokens.access_token == "act.1" and tokens.expires_in == 86400
    assert str(seen[0].url) == "https://tt.test/v2/oauth/token/"
    assert (
        seen[0].content
        == b"client_key=ck&client_secret=cs&code=the-code&grant_type=authorization_code"
    )


async def test_invalid_grant_is_not_retried(make_client: Any) -> None:
    client, seen = make_client(
        lambda r: httpx.Response(400, json={"error": "invalid_grant", "error_description": "bad"})
    )
    with pytest.raises(InvalidGrant):
        await client.exchange_code("x")
    assert len(seen) == 1


@pytest.mark.parametrize(
    ("response", "error", "tiktok_code"),
    [
        (envelope(code="access_token_invalid", status=401), AccessTokenInvalid, None),
        (envelope(code="invalid_params", status=400), TikTokRejected, "invalid_params"),
        (envelope(code=20021002), TikTokRejected, "20021002"),
        (envelope(code="20011002"), TikTokRejected, "20011002"),
        (envelope({"error_code": 20021001, "description": "off"}), TikTokRejected, "20021001"),
        (envelope({"code": "40001000"}), TikTokRejected, "40001000"),
        (envelope(code=50001000), TikTokUnavailable, None),
        (envelope(code="rate_limit_exceeded", status=429), RateLimited, None),
        (httpx.Response(502, text="<html>bad gateway</html>"), TikTokUnavailable, None),
        (httpx.Response(200, text="not json"), TikTokRejected, None),
        (envelope({}), TikTokRejected, "no_trade_order"),
    ],
)
async def test_envelopes_become_typed_errors(
    make_client: Any, response: httpx.Response, error: type[Exception], tiktok_code: str | None
) -> None:
    client, seen = make_client(lambda r: response)
    with pytest.raises(error) as caught:
        await client.create_trade_order(
            "act.1", token_amount=10, order_info={"order_id": "o", "product_name": "p"}
        )
    if tiktok_code is not None:
        assert getattr(caught.value, "tiktok_code", None) == tiktok_code
    # order creation is not safe to repeat: only a rate limit (not acted upon) is retried
    assert len(seen) == (3 if error is RateLimited else 1)


async def test_safe_calls_retry_server_errors(make_client: Any) -> None:
    answers = iter(
        [
            httpx.Response(503),
            envelope(code="internal_error", status=500),
            envelope({"trade_order_status": "SUCCESS"}),
        ]
    )
    client, seen = make_client(lambda r: next(answers))
    assert await client.query_trade_order("act.1", "T1") == "SUCCESS"
    assert len(seen) == 3
    assert seen[0].headers["authorization"] == "Bearer act.1"


async def test_safe_calls_give_up_after_three_attempts(make_client: Any) -> None:
    client, seen = make_client(lambda r: httpx.Response(500))
    with pytest.raises(TikTokUnavailable):
        await client.query_trade_order("act.1", "T1")
    assert len(seen) == 3


async def test_connection_failures_are_unavailable_and_retried(make_client: Any) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client, seen = make_client(refuse)
    with pytest.raises(TikTokUnavailable):
        await client.create_trade_order(
            "a", token_amount=1, order_info={"order_id": "o", "product_name": "p"}
        )
    assert len(seen) == 3  # never reached TikTok: safe to retry even an order creation


async def test_read_timeouts_are_unavailable_without_retrying_unsafe_calls(
    make_client: Any,
) -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    client, seen = make_client(slow)
    with pytest.raises(TikTokUnavailable):
        await client.exchange_code("c")
    assert len(seen) == 1


async def test_user_info_and_query_status(make_client: Any) -> None:
    user = {"open_id": "o1", "union_id": "u1", "display_name": "Ann", "avatar_url": "https://a"}
    client, seen = make_client(lambda r: envelope({"user": user}))
    info = await client.user_info("act.1")
    assert info.display_name == "Ann" and info.union_id == "u1"
    assert seen[0].method == "GET" and seen[0].url.params["fields"]
    client, _ = make_client(lambda r: envelope({"trade_order_status": "WEIRD"}))
    with pytest.raises(TikTokRejected):
        await client.query_trade_order("act.1", "T1")


async def test_check_redeem_amounts(make_client: Any) -> None:
    client, seen = make_client(lambda r: envelope({"valid": False}))
    assert await client.check_redeem_amounts("clt.1", [10, 30]) is False
    assert seen[0].read() == b'{"token_type":"BEANS","token_amounts":[10,30]}'
