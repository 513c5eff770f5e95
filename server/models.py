"""The tables. Times are timezone-aware UTC; TikTok tokens are stored encrypted (see crypto.py).

The inventory is `ledger_entries` (append-only, one idempotency key per change) with `balances`
as a cache kept in the same transaction by `ledger.append`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite hands back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert value.tzinfo is not None, "store aware datetimes only"
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Player(Base):
    __tablename__ = "players"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    open_id: Mapped[str] = mapped_column(String(128), unique=True)
    union_id: Mapped[str | None] = mapped_column(String(128))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    avatar_url: Mapped[str] = mapped_column(Text, default="")
    best_score: Mapped[int] = mapped_column(Integer, default=0)
    # TikTok tokens, Fernet-encrypted; never sent to the client, never logged.
    access_token_enc: Mapped[str | None] = mapped_column(Text)
    access_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refresh_token_enc: Mapped[str | None] = mapped_column(Text)
    refresh_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    token_scope: Mapped[str] = mapped_column(String(500), default="")
    tokens_revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("player_id", "idempotency_key", name="uq_orders_player_idempotency"),
        Index("ix_orders_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[str] = mapped_column(String(64), unique=True)
    player_id: Mapped[int] = mapped_column(ForeignKey("players.id"), index=True)
    item_id: Mapped[str] = mapped_column(String(64))
    price_beans: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    # pending | paid | refunded | partially_refunded
    status: Mapped[str] = mapped_column(String(32), default="pending")
    trade_order_id: Mapped[str | None] = mapped_column(String(128), unique=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    is_sandbox: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refunded_beans: Mapped[int] = mapped_column(Integer, default=0)
    last_queried_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fulfilled: Mapped[bool] = mapped_column(Boolean, default=False)


class LedgerEntry(Base):
    """One change of one stock of one player; never updated, never deleted."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        Index("ix_ledger_player_reason_created", "player_id", "reason", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    player_id: Mapped[int] = mapped_column(ForeignKey("players.id"))
    stock_id: Mapped[str] = mapped_column(String(64))
    delta: Mapped[int] = mapped_column(Integer)
    # order | refund | ad_reward | consume | admin | run | coin_purchase
    reason: Mapped[str] = mapped_column(String(32))
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    order_id: Mapped[str | None] = mapped_column(String(64), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Balance(Base):
    """The cached sum of a player's ledger rows for one stock."""

    __tablename__ = "balances"

    player_id: Mapped[int] = mapped_column(ForeignKey("players.id"), primary_key=True)
    stock_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer, default=0)


class Run(Base):
    """A run the server started (`created_at`, `seed`) and, once, verified by replaying it.

    status: open | finished | rejected | closed (a newer run of the player replaced it).
    `score`, `coins` (granted), `height` and `steps` are the replay's; the claims are kept to
    spot clients that disagree with it.
    """

    __tablename__ = "runs"
    __table_args__ = (
        Index("ix_runs_player_created", "player_id", "created_at"),
        Index("ix_runs_player_status", "player_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    player_id: Mapped[int] = mapped_column(ForeignKey("players.id"))
    score: Mapped[int] = mapped_column(Integer, default=0)
    coins: Mapped[int] = mapped_column(Integer, default=0)
    coins_doubled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="open")
    seed: Mapped[int] = mapped_column(BigInteger, default=0)
    revive: Mapped[str | None] = mapped_column(String(8))  # ad | token: the run's paid revive
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    height: Mapped[int] = mapped_column(Integer, default=0)
    steps: Mapped[int] = mapped_column(Integer, default=0)
    claimed_score: Mapped[int | None] = mapped_column(Integer)
    claimed_coins: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text, default="")


# ---------------------------------------------------------------------------------------------
# Payments (issue 5): webhook deliveries, order events. Appended below by the payments engineer.
# ---------------------------------------------------------------------------------------------


class WebhookDelivery(Base):
    """Every verified webhook TikTok sent (and every replay of one), with what became of it.

    outcome: applied | duplicate | rejected | unknown_order | ignored | malformed
    """

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_outcome", "outcome", "received_at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(16), default="webhook")  # webhook | replay
    replay_of: Mapped[int | None] = mapped_column(BigInteger)
    signed_at: Mapped[int | None] = mapped_column(BigInteger)
    event: Mapped[str] = mapped_column(String(128), default="")
    client_key: Mapped[str] = mapped_column(String(128), default="")
    create_time: Mapped[int | None] = mapped_column(BigInteger)
    order_id: Mapped[str | None] = mapped_column(String(64), index=True)
    trade_order_id: Mapped[str | None] = mapped_column(String(128))
    event_key: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")
    headers: Mapped[str] = mapped_column(Text, default="{}")  # JSON object
    body: Mapped[str] = mapped_column(Text)


class OrderEvent(Base):
    """One payment event applied to one order, at most once: the unique key is the guarantee.

    kind `success` (event_key `success`: an order is paid once, by webhook or by query) or
    `refund` (event_key from `Envelope.refund_key()`).
    """

    __tablename__ = "order_events"
    __table_args__ = (
        UniqueConstraint("order_id", "kind", "event_key", name="uq_order_events_key"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    order_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    event_key: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(16))  # webhook | query | replay
    delivery_id: Mapped[int | None] = mapped_column(BigInteger)
    refund_amount: Mapped[int] = mapped_column(Integer, default=0)
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
