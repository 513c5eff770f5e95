"""The game's view of the platform: TikTok's ``TTMinis.game`` as typed async calls."""

from __future__ import annotations

from typing import Any, TypeVar

from bridge.errors import BridgeError, ErrorCode
from bridge.results import (
    AdResult,
    BalanceResult,
    BridgeEvent,
    HttpResponse,
    LaunchOptions,
    LoginResult,
)
from bridge.transports.base import Transport

T = TypeVar("T")


class Bridge:
    """Platform calls over one transport. Every failure raises :class:`BridgeError`."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    async def call(
        self, method: str, args: dict[str, Any] | None = None, *, timeout_ms: int | None = None
    ) -> dict[str, Any]:
        """Any bridge method by name: its ``data``, or :class:`BridgeError`."""
        payload = dict(args or {})
        if timeout_ms is not None:
            payload["timeout_ms"] = timeout_ms
        envelope = await self.transport.call(method, payload)
        if not isinstance(envelope, dict) or not isinstance(envelope.get("ok"), bool):
            raise BridgeError(ErrorCode.UNKNOWN, f"{method}: malformed answer from the transport")
        if not envelope["ok"]:
            raise BridgeError.from_envelope(envelope.get("error"))
        data = envelope.get("data")
        return data if isinstance(data, dict) else {}

    async def login(self, *, timeout_ms: int | None = None) -> LoginResult:
        """Silent login: a one-time code for ``POST /api/session``."""
        data = await self.call("login", timeout_ms=timeout_ms)
        return LoginResult(code=_field(data, "code", str, "login"))

    async def show_rewarded_ad(self, ad_unit_id: str, *, timeout_ms: int | None = None) -> AdResult:
        """Shows one rewarded video; ``rewarded`` only when it was watched to the end."""
        data = await self.call("showRewardedAd", {"adUnitId": ad_unit_id}, timeout_ms=timeout_ms)
        return AdResult(rewarded=_field(data, "rewarded", bool, "showRewardedAd"))

    async def pay(self, trade_order_id: str, *, timeout_ms: int | None = None) -> None:
        """Opens TikTok's pay sheet. Success is NOT proof of payment: poll the server's order."""
        await self.call("pay", {"trade_order_id": trade_order_id}, timeout_ms=timeout_ms)

    async def check_balance(self, amount: int, *, timeout_ms: int | None = None) -> BalanceResult:
        """Whether the player's Beans cover ``amount``."""
        data = await self.call("checkBalance", {"amount": amount}, timeout_ms=timeout_ms)
        return BalanceResult(is_sufficient=_field(data, "is_sufficient", bool, "checkBalance"))

    async def recharge(self, tier_id: str, *, timeout_ms: int | None = None) -> None:
        """Opens TikTok's Beans recharge for a price tier."""
        await self.call("recharge", {"tier_id": tier_id}, timeout_ms=timeout_ms)

    async def navigate_to_balance(self, *, timeout_ms: int | None = None) -> None:
        """Opens the player's Beans balance page."""
        await self.call("navigateToBalance", timeout_ms=timeout_ms)

    async def can_i_use(self, schema: str) -> bool:
        """TikTok's feature check (``"createRewardedVideoAd"``, ``"login"``, ...)."""
        data = await self.call("canIUse", {"schema": schema})
        return _field(data, "available", bool, "canIUse")

    async def http(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        body: str | None = None,
        timeout_ms: int | None = None,
    ) -> HttpResponse:
        """An HTTP request (``fetch`` in a browser). Any status is a response, not an error."""
        args = {"method": method, "url": url, "headers": headers or {}, "body": body}
        data = await self.call("http", args, timeout_ms=timeout_ms)
        headers_out = data.get("headers")
        return HttpResponse(
            status=_field(data, "status", int, "http"),
            headers={str(k): str(v) for k, v in headers_out.items()}
            if isinstance(headers_out, dict)
            else {},
            body=str(data.get("body") or ""),
        )

    async def get_launch_options(self) -> LaunchOptions:
        """How the game was launched (scene and query)."""
        data = await self.call("getLaunchOptions")
        query = data.get("query")
        return LaunchOptions(
            scene=str(data.get("scene") or ""), query=query if isinstance(query, dict) else {}
        )

    async def get_storage(self, key: str) -> Any:
        """The JSON value stored under ``key`` on the device, or ``None``."""
        return (await self.call("getStorage", {"key": key})).get("data")

    async def set_storage(self, key: str, data: Any) -> None:
        """Stores a JSON-serialisable value on the device."""
        await self.call("setStorage", {"key": key, "data": data})

    async def remove_storage(self, key: str) -> None:
        await self.call("removeStorage", {"key": key})

    async def add_shortcut(self, *, timeout_ms: int | None = None) -> None:
        """Asks to add the game to the home screen."""
        await self.call("addShortcut", timeout_ms=timeout_ms)

    def events(self) -> list[BridgeEvent]:
        """The platform events since the last call (drain once per frame)."""
        events = []
        for raw in self.transport.drain_events():
            data = raw.get("data")
            events.append(BridgeEvent(str(raw.get("type")), data if isinstance(data, dict) else {}))
        return events

    async def aclose(self) -> None:
        await self.transport.aclose()


def _field(data: dict[str, Any], name: str, kind: type[T], method: str) -> T:
    value = data.get(name)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise BridgeError(ErrorCode.UNKNOWN, f"{method}: the platform answered without {name!r}")
    return value
