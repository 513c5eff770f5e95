"""The sandbox's state object (``app.state.sandbox``): users, tokens, orders, webhooks, faults."""

from __future__ import annotations

import asyncio
import json
from collections import deque
from typing import Any
from urllib.parse import quote

import httpx

from .config import SandboxConfig
from .delivery import Deliverer
from .errors import ControlError
from .faults import API_DEFAULTS, WEBHOOK_DEFAULTS, in_force, merge, webhook_part
from .state import AuthCode, Delivery, MemoryBackend, Order, Store, Token, User, new_id, new_log_id
from .store_sqlite import SqliteBackend

EVENT_SUCCESS = "minis.trade_order.redeem.success"
EVENT_REFUND = "minis.trade_order.redeem.refund_traceback"
SCOPE = "user.info.basic"
AVATAR_BASE = "https://p16-sign.tiktokcdn.com/sandbox-avatar"


class Sandbox:
    """Holds the store and runs deliveries; route modules call its keyword-only methods."""

    def __init__(self, config: SandboxConfig, http_client: httpx.AsyncClient | None) -> None:
        self.config = config
        backend = SqliteBackend(config.db_path) if config.db_path else MemoryBackend()
        self.store = Store(backend)
        self.deliverer = Deliverer(config, self.store, http_client)
        self.webhook_url = config.webhook_url
        self.wake = asyncio.Event()  # set on shutdown: ends the ``timeout`` fault's waits early
        self._resumed = False
        self._user_info_calls: dict[str, deque[float]] = {}

    def now(self) -> float:
        return self.config.now()

    def log_id(self) -> str:
        return new_log_id(self.now())

    def ensure_started(self) -> None:
        """Resume deliveries left pending by a previous run (persistent store); once."""
        if self._resumed:
            return
        self._resumed = True
        deliveries = self.store.deliveries
        for delivery in list(deliveries.values()):
            if delivery.status == "pending":
                self.deliverer.start(delivery)
            elif delivery.status == "held" and delivery.release_after in deliveries:
                self.deliverer.release_after(delivery, deliveries[delivery.release_after])

    # users and login codes

    def create_user(
        self, *, display_name: str | None = None, open_id: str | None = None, beans: int = 0
    ) -> User:
        if open_id is not None and open_id in self.store.users:
            raise ControlError("conflict", f"user {open_id} already exists", 409)
        open_id = open_id or new_id("sbx-", 16)
        number = len(self.store.users) + 1
        user = User(
            open_id=open_id,
            union_id=new_id("sbxu-", 16),
            display_name=display_name or f"Sandbox Player {number}",
            avatar_url=f"{AVATAR_BASE}/{quote(open_id, safe='')}.jpeg",
            beans=beans,
        )
        self.store.save(user)
        return user

    def user(self, open_id: str) -> User:
        user = self.store.users.get(open_id)
        if user is None:
            raise ControlError("not_found", f"no user {open_id}", 404)
        return user

    def issue_code(
        self, *, open_id: str | None = None, display_name: str | None = None
    ) -> AuthCode:
        user = self.user(open_id) if open_id else self.create_user(display_name=display_name)
        code = AuthCode(new_id("sbxcode.", 16), user.open_id, self.now() + self.config.code_ttl)
        self.store.save(code)
        return code

    # tokens

    def issue_tokens(self, open_id: str) -> tuple[Token, Token]:
        now = self.now()
        access = Token(
            new_id("act.", 24), "access", open_id, SCOPE, now + self.config.access_token_ttl
        )
        refresh = Token(
            new_id("rft.", 24), "refresh", open_id, SCOPE, now + self.config.refresh_token_ttl
        )
        self.store.save(access)
        self.store.save(refresh)
        return access, refresh

    def issue_client_token(self) -> Token:
        token = Token(
            new_id("clt.", 24), "client", "", "", self.now() + self.config.client_token_ttl
        )
        self.store.save(token)
        return token

    def valid_token(self, value: str, *, kinds: tuple[str, ...]) -> Token | None:
        token = self.store.tokens.get(value)
        if token is None or token.kind not in kinds or token.revoked:
            return None
        return token if token.expires_at > self.now() else None

    def user_info_allowed(self, open_id: str) -> bool:
        """Count a user info call against TikTok's per-minute limit; False when over it."""
        now = self.now()
        calls = self._user_info_calls.setdefault(open_id, deque())
        while calls and calls[0] <= now - 60:
            calls.popleft()
        if len(calls) >= self.config.user_info_per_minute:
            return False
        calls.append(now)
        return True

    # orders

    def order(self, trade_order_id: str) -> Order:
        order = self.store.orders.get(trade_order_id)
        if order is None:
            raise ControlError("not_found", f"no trade order {trade_order_id}", 404)
        return order

    def pay(self, *, trade_order_id: str, require_balance: bool = False) -> tuple[Order, list[str]]:
        order = self.order(trade_order_id)
        if order.status == "SUCCESS":
            raise ControlError("already_paid", f"trade order {trade_order_id} is already paid", 409)
        if require_balance:
            user = self.user(order.open_id)
            if user.beans < order.token_amount:
                message = f"{user.beans} Beans, the order needs {order.token_amount}"
                raise ControlError("insufficient_balance", message, 402)
            user.beans -= order.token_amount
            self.store.save(user)
        order.status, order.paid_at = "SUCCESS", self.now()
        self.store.save(order)
        return order, self._emit(order, EVENT_SUCCESS, {})

    def refund(self, *, trade_order_id: str, amount: int) -> tuple[Order, list[str]]:
        order = self.order(trade_order_id)
        if order.status != "SUCCESS":
            raise ControlError("not_paid", f"trade order {trade_order_id} is not paid", 409)
        left = order.token_amount - order.refunded_amount
        if not 1 <= amount <= left:
            raise ControlError("invalid_amount", f"amount must be from 1 to {left}", 400)
        order.refunded_amount += amount
        self.store.save(order)
        ids = self._emit(order, EVENT_REFUND, {"refund_amount": amount})
        first = self.store.deliveries[ids[0]]
        for held in list(self.store.deliveries.values()):
            waiting = held.status == "held" and held.release_after is None
            if waiting and held.trade_order_id == order.trade_order_id:
                self.deliverer.release_after(held, first)
        return order, ids

    # webhooks

    def _emit(self, order: Order, event: str, extra: dict[str, Any]) -> list[str]:
        """Create (and start) the deliveries of one event, with the faults in force."""
        self.ensure_started()
        faults = webhook_part(order.faults if order.faults is not None else self.faults())
        content: dict[str, Any] = {
            "trade_order_id": order.trade_order_id,
            "order_id": order.order_id,
        }
        content |= {"is_sandbox": True, **extra}
        envelope = {
            "client_key": order.client_key,
            "event": event,
            "create_time": int(self.now()),
            "user_openid": "",
            "content": json.dumps(content, separators=(",", ":")),
        }
        body = json.dumps(envelope, separators=(",", ":"))
        ids = []
        for _ in range(1 + int(faults["duplicate"])):
            delivery = self._new_delivery(event, order.trade_order_id, body, faults)
            if faults["drop"]:
                delivery.status = "dropped"
            elif faults["out_of_order"] and event == EVENT_SUCCESS:
                delivery.status = "held"
            self.store.save(delivery)
            if delivery.status == "pending":
                self.deliverer.start(delivery)
            ids.append(delivery.id)
        return ids

    def _new_delivery(
        self, event: str, trade_order_id: str, body: str, faults: dict[str, Any]
    ) -> Delivery:
        return Delivery(
            id=new_id("dlv_", 8),
            event=event,
            trade_order_id=trade_order_id,
            url=self.webhook_url,
            body=body,
            created_at=self.now(),
            faults=faults,
        )

    def delivery(self, delivery_id: str) -> Delivery:
        delivery = self.store.deliveries.get(delivery_id)
        if delivery is None:
            raise ControlError("not_found", f"no delivery {delivery_id}", 404)
        return delivery

    def replay(self, *, delivery_id: str) -> Delivery:
        """Send a stored webhook again: same body, no faults, freshly signed, a new log entry."""
        self.ensure_started()
        original = self.delivery(delivery_id)
        clean = dict(WEBHOOK_DEFAULTS)
        delivery = self._new_delivery(original.event, original.trade_order_id, original.body, clean)
        delivery.replay_of = original.id
        self.store.save(delivery)
        self.deliverer.start(delivery)
        return delivery

    # faults

    def faults(self) -> dict[str, Any]:
        return in_force(self.store.faults)

    def set_faults(self, update: Any) -> dict[str, Any]:
        allowed = {**WEBHOOK_DEFAULTS, **API_DEFAULTS}
        self.store.save_faults(merge(self.store.faults, update, allowed=allowed))
        return self.faults()

    def set_order_faults(self, *, trade_order_id: str, update: Any) -> dict[str, Any]:
        order = self.order(trade_order_id)
        order.faults = merge(order.faults or {}, update, allowed=WEBHOOK_DEFAULTS)
        self.store.save(order)
        return order.faults

    def clear_order_faults(self, *, trade_order_id: str) -> None:
        order = self.order(trade_order_id)
        order.faults = None
        self.store.save(order)

    def take_api_fault(self) -> str | None:
        """The Open API fault for this call, counting down ``api_error_count``."""
        faults = self.faults()
        error: str | None = faults["api_error"]
        count = faults["api_error_count"]
        if error is not None and count is not None:
            left = count - 1
            update = (
                {"api_error_count": left} if left else {"api_error": None, "api_error_count": None}
            )
            self.store.save_faults({**self.store.faults, **update})
        return error

    async def reset(self) -> None:
        await self.deliverer.aclose()
        self.store.clear()
        self.webhook_url = self.config.webhook_url

    async def aclose(self) -> None:
        """Cancel pending deliveries and hanging requests; close what the sandbox opened."""
        self.wake.set()
        await self.deliverer.aclose()
        self.store.close()
