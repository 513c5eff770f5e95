"""A Beans purchase: server order -> bridge pay -> poll the server until it says fulfilled.

The client never grants anything: the item appears when the server's inventory has it. A failed
or cancelled pay sheet ends the attempt (the next one creates a fresh order), after one more look
at the order in case the payment went through regardless.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from typing import Any, Protocol

from bridge import Bridge, BridgeError, ErrorCode
from game.errors import ServiceError


class Shop(Protocol):
    """What a purchase needs of the game's services (``game.services.Services`` is one).

    A protocol, so this module depends on the services' interface and the services import it,
    never the other way round.
    """

    bridge: Bridge | None
    catalog: list[dict[str, Any]]
    poll_interval: float
    purchase_timeout: float

    @property
    def online(self) -> bool: ...

    async def api(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        auth: bool = True,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]: ...

    async def refresh_inventory(self) -> None: ...


@dataclass
class Purchase:
    """A Beans purchase in progress; ``state`` moves creating -> paying -> processing -> an end."""

    item_id: str
    state: str = "creating"  # creating | paying | processing | done | cancelled | failed
    message: str = "Creating your order…"
    order_id: str = ""

    @property
    def finished(self) -> bool:
        return self.state in ("done", "cancelled", "failed")


async def run(s: Shop, p: Purchase) -> None:
    """Order on the server, pay through the bridge, then wait for the server to fulfil."""
    if not s.online or s.bridge is None:
        p.state, p.message = "failed", "Purchases are unavailable in guest mode"
        return
    try:
        order = await s.api(
            "POST",
            "/api/orders",
            {"item_id": p.item_id},
            headers={"Idempotency-Key": _idempotency_key()},
        )
        p.order_id = str(order["order_id"])
        p.state, p.message = "paying", "Confirm the payment in TikTok…"
        try:
            await s.bridge.pay(str(order["trade_order_id"]))
        except BridgeError as exc:
            if not await _paid_anyway(s, p):
                p.state, p.message = _pay_failure(exc)
            return
        p.state, p.message = "processing", "Processing your purchase…"
        await _wait_fulfilled(s, p)
    except ServiceError as exc:
        p.state, p.message = "failed", f"Purchase failed: {exc.message}"
    except (KeyError, TypeError, ValueError):
        p.state, p.message = "failed", "Purchase failed: unexpected server answer"


async def _paid_anyway(s: Shop, p: Purchase) -> bool:
    """After a failed pay sheet, ask once: the payment may have gone through regardless."""
    try:
        order = await s.api("GET", f"/api/orders/{p.order_id}")
    except ServiceError:
        return False
    if order.get("fulfilled"):
        await _finish(s, p)
        return True
    return False


async def _wait_fulfilled(s: Shop, p: Purchase) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + s.purchase_timeout
    while True:
        order = await s.api("GET", f"/api/orders/{p.order_id}")
        if order.get("fulfilled"):
            await _finish(s, p)
            return
        if order.get("status") == "refunded":
            p.state, p.message = "failed", "The payment was refunded"
            return
        if loop.time() >= deadline:
            break
        await asyncio.sleep(s.poll_interval)
    p.state = "failed"
    p.message = "Still processing: the item will appear once TikTok confirms the payment"


async def _finish(s: Shop, p: Purchase) -> None:
    await s.refresh_inventory()
    title = next((str(i.get("title")) for i in s.catalog if i.get("id") == p.item_id), "Item")
    p.state, p.message = "done", f"{title} is yours!"


def _pay_failure(exc: BridgeError) -> tuple[str, str]:
    if exc.code is ErrorCode.CANCELLED:
        return "cancelled", "Purchase cancelled: no Beans were spent"
    if exc.code is ErrorCode.INSUFFICIENT_BALANCE:
        return "failed", "Not enough Beans: recharge in TikTok, then try again"
    return "failed", f"Payment failed ({exc.code.value}): no Beans were spent"


def _idempotency_key() -> str:
    """128 random bits as hex: what uuid4().hex gives, without uuid (and its imports) in the web
    runtimes' standard library."""
    return os.urandom(16).hex()
