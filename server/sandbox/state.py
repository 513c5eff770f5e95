"""The sandbox's records and the store that holds them (memory, optionally written to SQLite)."""

from __future__ import annotations

import secrets
import time
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Protocol, TypeVar


def new_id(prefix: str, nbytes: int = 12) -> str:
    return f"{prefix}{secrets.token_hex(nbytes)}"


def new_log_id(now: float) -> str:
    """A TikTok-looking log id: UTC timestamp digits then 20 upper-case hex digits."""
    return time.strftime("%Y%m%d%H%M%S", time.gmtime(now)) + secrets.token_hex(10).upper()


@dataclass
class User:
    open_id: str
    union_id: str
    display_name: str
    avatar_url: str
    beans: int = 0


@dataclass
class AuthCode:
    code: str
    open_id: str
    expires_at: float
    used: bool = False


@dataclass
class Token:
    """An access (``act.``), refresh (``rft.``) or client (``clt.``) token."""

    token: str
    kind: str  # "access" | "refresh" | "client"
    open_id: str  # "" for client tokens
    scope: str
    expires_at: float
    revoked: bool = False


@dataclass
class Order:
    trade_order_id: str
    order_id: str
    open_id: str
    client_key: str
    token_amount: int
    product_name: str
    order_info: dict[str, Any]
    created_at: float
    status: str = "PENDING"  # "PENDING" | "SUCCESS"
    paid_at: float | None = None
    refunded_amount: int = 0
    faults: dict[str, Any] | None = None  # per-order webhook faults, None: the global ones

    def public(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("client_key")
        return data


@dataclass
class Delivery:
    id: str
    event: str
    trade_order_id: str
    url: str | None
    body: str
    created_at: float
    status: str = "pending"  # "held" | "pending" | "delivered" | "failed" | "dropped"
    attempts: list[dict[str, Any]] = field(default_factory=list)
    signature: str | None = None
    faults: dict[str, Any] = field(default_factory=dict)
    replay_of: str | None = None
    release_after: str | None = None  # out_of_order: the delivery this one waits for

    def public(self) -> dict[str, Any]:
        return asdict(self)


class Backend(Protocol):
    def load(self) -> dict[str, dict[str, dict[str, Any]]]: ...
    def save(self, kind: str, key: str, data: dict[str, Any]) -> None: ...
    def clear(self) -> None: ...
    def close(self) -> None: ...


class MemoryBackend:
    def load(self) -> dict[str, dict[str, dict[str, Any]]]:
        return {}

    def save(self, kind: str, key: str, data: dict[str, Any]) -> None:
        pass

    def clear(self) -> None:
        pass

    def close(self) -> None:
        pass


R = TypeVar("R")
KINDS: dict[str, type[Any]] = {
    "user": User,
    "code": AuthCode,
    "token": Token,
    "order": Order,
    "delivery": Delivery,
}


def _build(cls: type[R], data: dict[str, Any]) -> R:
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in data.items() if k in names})


class Store:
    """Records by kind and key, in insertion order; every ``save`` is written through."""

    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self.users: dict[str, User] = {}
        self.codes: dict[str, AuthCode] = {}
        self.tokens: dict[str, Token] = {}
        self.orders: dict[str, Order] = {}
        self.deliveries: dict[str, Delivery] = {}
        self.faults: dict[str, Any] = {}
        self._order_ids: dict[tuple[str, str], str] = {}  # (client_key, order_id) -> trade id
        for kind, rows in backend.load().items():
            for key, data in rows.items():
                if kind == "faults":
                    self.faults = data
                elif kind in KINDS:
                    self._table(kind)[key] = record = _build(KINDS[kind], data)
                    if isinstance(record, Order):
                        self._order_ids[(record.client_key, record.order_id)] = key

    def _table(self, kind: str) -> dict[str, Any]:
        tables: dict[str, dict[str, Any]] = {
            "user": self.users,
            "code": self.codes,
            "token": self.tokens,
            "order": self.orders,
            "delivery": self.deliveries,
        }
        return tables[kind]

    def save(self, record: User | AuthCode | Token | Order | Delivery) -> None:
        kind = next(k for k, cls in KINDS.items() if isinstance(record, cls))
        key = str(getattr(record, fields(record)[0].name))
        self._table(kind)[key] = record
        if isinstance(record, Order):
            self._order_ids[(record.client_key, record.order_id)] = key
        self._backend.save(kind, key, asdict(record))

    def save_faults(self, faults: dict[str, Any]) -> None:
        self.faults = faults
        self._backend.save("faults", "global", faults)

    def order_by_client_order_id(self, client_key: str, order_id: str) -> Order | None:
        trade_order_id = self._order_ids.get((client_key, order_id))
        return None if trade_order_id is None else self.orders[trade_order_id]

    def clear(self) -> None:
        for kind in KINDS:
            self._table(kind).clear()
        self._order_ids.clear()
        self.faults = {}
        self._backend.clear()

    def close(self) -> None:
        self._backend.close()
