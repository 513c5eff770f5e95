"""The client for TikTok's Open API, over an injected `httpx.AsyncClient`.

TikTok's answers come in two shapes: the OAuth endpoint's flat one (`{"access_token", …}` or
`{"error": "invalid_grant", "error_description"}`) and everyone else's envelope
(`{"data": {…}, "error": {"code": "ok", "message", "log_id"}}`, where a failure's code is a string
such as `access_token_invalid`, or a numeric mini code, as an int or a string, in `error.code` or in
`data`). Both, and every network failure, are translated into `server.errors` here and nowhere else.

Safe calls (reads) are retried with backoff on 429/5xx/network errors; unsafe ones (code exchange,
refresh, order creation) only when TikTok provably did not act (429, connection refused).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)
from tenacity.wait import WaitBaseT

from server.errors import (
    AccessTokenInvalid,
    InvalidGrant,
    RateLimited,
    TikTokError,
    TikTokRejected,
    TikTokUnavailable,
)

T = TypeVar("T")
_OK_CODES = frozenset({"ok", "0", ""})
_UNAVAILABLE_CODES = frozenset(
    {"internal_error", "50001000", "server_error", "temporarily_unavailable"}
)
_INVALID_GRANT_CODES = frozenset({"invalid_grant", "invalid_code", "expired_code", "10007"})


class _NotSent(TikTokUnavailable):
    """The request never reached TikTok (connection failed): always safe to retry."""


@dataclass(frozen=True)
class TokenSet:
    open_id: str
    access_token: str
    expires_in: int
    refresh_token: str
    refresh_expires_in: int
    scope: str


@dataclass(frozen=True)
class UserInfo:
    open_id: str
    union_id: str
    display_name: str
    avatar_url: str


def _code_of(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _envelope_error(body: dict[str, Any]) -> tuple[str, str]:
    """(code, message) of an enveloped answer; code "ok" on success."""
    error = body.get("error")
    code, message = "ok", ""
    if isinstance(error, dict):
        code = _code_of(error.get("code", "ok")) or "ok"
        message = str(error.get("message") or "")
    elif isinstance(error, str) and error:  # the OAuth endpoint's flat form
        code, message = error, str(body.get("error_description") or "")
    data = body.get("data")
    if code in _OK_CODES and isinstance(data, dict):
        nested = _code_of(data.get("error_code", data.get("code")))
        if nested and nested not in _OK_CODES:
            code = nested
            message = str(data.get("description") or data.get("message") or message)
    return ("ok" if code in _OK_CODES else code), message


def translate(status: int, body: Any) -> TikTokError | None:
    """The typed error for one TikTok answer, None when it is a success."""
    if isinstance(body, dict):
        code, message = _envelope_error(body)
        if code == "ok" and status < 400:
            return None
        if code == "ok":
            code = str(status)
        detail = f"TikTok said {code}" + (f": {message}" if message else "")
        if code == "access_token_invalid":
            return AccessTokenInvalid(detail)
        if code in _INVALID_GRANT_CODES:
            return InvalidGrant(detail)
        if code == "rate_limit_exceeded" or status == 429:
            return RateLimited(detail)
        if code in _UNAVAILABLE_CODES or status >= 500:
            return TikTokUnavailable(detail)
        return TikTokRejected(detail, tiktok_code=code)
    if status == 429:
        return RateLimited()
    if status >= 500:
        return TikTokUnavailable(f"TikTok answered HTTP {status}")
    return TikTokRejected(f"TikTok answered HTTP {status} without JSON", tiktok_code=str(status))


def _retry_safe(exc: BaseException) -> bool:
    return isinstance(exc, TikTokUnavailable | RateLimited)


def _retry_unsafe(exc: BaseException) -> bool:
    return isinstance(exc, _NotSent | RateLimited)


class TikTokClient:
    """TikTok's Open API: the OAuth exchange, user info, trade orders, price checks."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        base_url: str,
        client_key: str,
        client_secret: str,
        timeout: float = 8.0,
        attempts: int = 3,
        wait: WaitBaseT | None = None,
    ) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._client_key = client_key
        self._client_secret = client_secret
        self._timeout = httpx.Timeout(timeout, connect=min(timeout, 3.0))
        self._deadline = timeout * 1.5
        self._attempts = attempts
        self._wait = wait if wait is not None else wait_exponential(multiplier=0.2, max=2.0)

    async def _retrying(self, call: Callable[[], Awaitable[T]], *, safe: bool) -> T:
        retry_on = _retry_safe if safe else _retry_unsafe
        # The first attempt runs without tenacity's machinery (the common case: it succeeds, and
        # tenacity's objects per call are reference cycles the garbage collector has to clear).
        try:
            return await call()
        except Exception as exc:
            if self._attempts <= 1 or not retry_on(exc):
                raise
            first = exc
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._attempts),
            wait=self._wait,
            retry=retry_if_exception(retry_on),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                if attempt.retry_state.attempt_number == 1:
                    raise first  # tenacity takes the failed first attempt as its own
                return await call()
        raise AssertionError("unreachable: tenacity reraises")  # pragma: no cover

    async def _send(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            # The overall deadline also holds for in-process transports, which ignore httpx's.
            async with asyncio.timeout(self._deadline):
                response = await self._http.request(
                    method, f"{self._base}{path}", timeout=self._timeout, **kwargs
                )
        except TimeoutError as exc:
            raise TikTokUnavailable("TikTok did not answer in time") from exc
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise _NotSent(f"cannot reach TikTok: {type(exc).__name__}") from exc
        except httpx.HTTPError as exc:
            raise TikTokUnavailable(f"TikTok did not answer: {type(exc).__name__}") from exc
        try:
            body: Any = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = None
        # The body is read: drop the response's stream, which points back at the response (a
        # reference cycle per call, otherwise left to the garbage collector).
        response.stream = httpx.ByteStream(b"")
        error = translate(response.status_code, body)
        if error is not None:
            raise error
        assert isinstance(body, dict)
        return body

    async def _call(self, method: str, path: str, *, safe: bool, **kwargs: Any) -> dict[str, Any]:
        return await self._retrying(lambda: self._send(method, path, **kwargs), safe=safe)

    async def _bearer(
        self, path: str, access_token: str, payload: dict[str, Any], *, safe: bool
    ) -> dict[str, Any]:
        body = await self._call(
            "POST",
            path,
            safe=safe,
            json=payload,
            headers={"Authorization": f"Bearer {access_token}"},
        )
        data = body.get("data")
        if not isinstance(data, dict):
            raise TikTokRejected(f"TikTok's answer to {path} has no data", tiktok_code="no_data")
        return data

    async def _oauth(self, form: dict[str, str]) -> dict[str, Any]:
        form = {"client_key": self._client_key, "client_secret": self._client_secret, **form}
        return await self._call("POST", "/v2/oauth/token/", safe=False, data=form)

    @staticmethod
    def _tokens(body: dict[str, Any]) -> TokenSet:
        try:
            return TokenSet(
                open_id=str(body.get("open_id") or ""),
                access_token=str(body["access_token"]),
                expires_in=int(body["expires_in"]),
                refresh_token=str(body.get("refresh_token") or ""),
                refresh_expires_in=int(body.get("refresh_expires_in") or 0),
                scope=str(body.get("scope") or ""),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise TikTokRejected(
                "TikTok's token answer is incomplete", tiktok_code="bad_token"
            ) from exc

    async def exchange_code(self, code: str) -> TokenSet:
        """Trade a `TTMinis.game.login` code for the player's tokens."""
        body = await self._oauth({"code": code, "grant_type": "authorization_code"})
        tokens = self._tokens(body)
        if not tokens.open_id:
            raise TikTokRejected("TikTok's token answer has no open_id", tiktok_code="bad_token")
        return tokens

    async def refresh(self, refresh_token: str) -> TokenSet:
        """New tokens from a refresh token; the answer may carry a new refresh token."""
        body = await self._oauth({"refresh_token": refresh_token, "grant_type": "refresh_token"})
        return self._tokens(body)

    async def client_token(self) -> str:
        """An app-level access token (client_credentials)."""
        body = await self._oauth({"grant_type": "client_credentials"})
        return self._tokens({"refresh_token": "", **body}).access_token

    async def user_info(self, access_token: str) -> UserInfo:
        body = await self._call(
            "GET",
            "/v2/user/info/",
            safe=True,
            params={"fields": "open_id,union_id,avatar_url,display_name"},
            headers={"Authorization": f"Bearer {access_token}"},
        )
        data = body.get("data")
        user = data.get("user") if isinstance(data, dict) else None
        if not isinstance(user, dict) or not user.get("open_id"):
            raise TikTokRejected("TikTok's user info has no user", tiktok_code="no_user")
        return UserInfo(
            open_id=str(user["open_id"]),
            union_id=str(user.get("union_id") or ""),
            display_name=str(user.get("display_name") or ""),
            avatar_url=str(user.get("avatar_url") or ""),
        )

    async def create_trade_order(
        self, access_token: str, *, token_amount: int, order_info: dict[str, Any]
    ) -> str:
        """Create TikTok's side of an order; returns its `trade_order_id`."""
        assert order_info.get("order_id") and order_info.get("product_name"), "required by TikTok"
        payload = {"token_type": "BEANS", "token_amount": token_amount, "order_info": order_info}
        data = await self._bearer(
            "/v2/minis/trade_order/create/", access_token, payload, safe=False
        )
        trade_order_id = data.get("trade_order_id")
        if not trade_order_id:
            raise TikTokRejected("TikTok returned no trade_order_id", tiktok_code="no_trade_order")
        return str(trade_order_id)

    async def query_trade_order(self, access_token: str, trade_order_id: str) -> str:
        """`PENDING` or `SUCCESS` (as TikTok spells them, upper case)."""
        payload = {"trade_order_id": trade_order_id}
        data = await self._bearer("/v2/minis/trade_order/query/", access_token, payload, safe=True)
        status = str(data.get("trade_order_status") or "").upper()
        if status not in ("PENDING", "SUCCESS"):
            raise TikTokRejected(f"unknown trade order status {status!r}", tiktok_code="bad_status")
        return status

    async def check_redeem_amounts(self, access_token: str, amounts: list[int]) -> bool:
        """Whether every amount is a Beans price TikTok allows."""
        payload = {"token_type": "BEANS", "token_amounts": amounts}
        path = "/v2/minis/utility/check_redeem_amounts/"
        data = await self._bearer(path, access_token, payload, safe=True)
        return bool(data.get("valid"))
