"""The inventory as an append-only ledger, with balances cached in the same transaction.

`append` is the only way a stock changes. Its idempotency key is unique in the database
(`INSERT … ON CONFLICT DO NOTHING`): a retried change is a no-op, never a second grant, whatever
the concurrency. The cached balance moves only when a row was inserted, and a debit is a
conditional `UPDATE … WHERE quantity + delta >= 0`, so concurrent consumers cannot overdraw.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from server.errors import NotEnough
from server.models import Balance, LedgerEntry, utcnow

COINS = "coins"


class LedgerReason(StrEnum):
    ORDER = "order"
    REFUND = "refund"
    AD_REWARD = "ad_reward"
    CONSUME = "consume"
    ADMIN = "admin"
    RUN = "run"
    COIN_PURCHASE = "coin_purchase"


def _statements(dialect: Any) -> tuple[Any, Any]:
    """`append`'s two upserts for one dialect, built once: the values come as execution
    parameters, so SQLAlchemy reuses the compiled statements instead of rebuilding them."""
    entries = dialect.insert(LedgerEntry.__table__)
    entry = entries.on_conflict_do_nothing(index_elements=["idempotency_key"]).returning(
        LedgerEntry.__table__.c.id
    )
    balances = dialect.insert(Balance.__table__)
    credit = balances.on_conflict_do_update(
        index_elements=["player_id", "stock_id"],
        set_={"quantity": Balance.__table__.c.quantity + balances.excluded.quantity},
    )
    return entry, credit


_STATEMENTS = {"postgresql": _statements(postgresql), "sqlite": _statements(sqlite)}


def append(
    session: Session,
    *,
    player_id: int,
    stock_id: str,
    delta: int,
    reason: LedgerReason | str,
    idempotency_key: str,
    order_id: str | None = None,
    note: str = "",
    allow_negative: bool = False,
    now: datetime | None = None,
) -> bool:
    """Record one change; False when `idempotency_key` was already recorded (nothing changes).

    Raises `NotEnough` (and the caller's transaction must roll back) when a debit would take the
    balance below zero and `allow_negative` is False.
    """
    assert stock_id, "a ledger row needs a stock id"
    row = {
        "player_id": player_id,
        "stock_id": stock_id,
        "delta": delta,
        "reason": str(LedgerReason(reason)),
        "idempotency_key": idempotency_key,
        "order_id": order_id,
        "note": note,
        "created_at": now or utcnow(),
    }
    entry, _ = _STATEMENTS[session.get_bind().dialect.name]
    inserted = session.execute(entry, row).first()
    if inserted is None:
        return False
    _move_balance(
        session, player_id=player_id, stock_id=stock_id, delta=delta, allow_negative=allow_negative
    )
    return True


def _move_balance(
    session: Session, *, player_id: int, stock_id: str, delta: int, allow_negative: bool
) -> None:
    if delta < 0 and not allow_negative:
        result = session.execute(
            update(Balance)
            .where(
                Balance.player_id == player_id,
                Balance.stock_id == stock_id,
                Balance.quantity + delta >= 0,
            )
            .values(quantity=Balance.quantity + delta)
        )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            raise NotEnough(f"not enough {stock_id}")
        return
    _, credit = _STATEMENTS[session.get_bind().dialect.name]
    session.execute(credit, {"player_id": player_id, "stock_id": stock_id, "quantity": delta})


def balance(session: Session, *, player_id: int, stock_id: str) -> int:
    quantity = session.scalar(
        select(Balance.quantity).where(Balance.player_id == player_id, Balance.stock_id == stock_id)
    )
    return int(quantity or 0)


def inventory(session: Session, *, player_id: int) -> dict[str, int]:
    """Every stock the player holds a non-zero amount of (coins included)."""
    rows = session.execute(
        select(Balance.stock_id, Balance.quantity).where(
            Balance.player_id == player_id, Balance.quantity != 0
        )
    )
    return {stock: int(quantity) for stock, quantity in rows}


def entries(
    session: Session, *, player_id: int, reason: LedgerReason | str | None = None, limit: int = 1000
) -> list[LedgerEntry]:
    """The player's ledger rows, oldest first."""
    query = select(LedgerEntry).where(LedgerEntry.player_id == player_id)
    if reason is not None:
        query = query.where(LedgerEntry.reason == str(LedgerReason(reason)))
    return list(session.scalars(query.order_by(LedgerEntry.id).limit(limit)))


def derived_balances(session: Session, *, player_id: int) -> dict[str, int]:
    """Balances summed from the rows themselves: what the cache must always equal."""
    rows = session.execute(
        select(LedgerEntry.stock_id, func.sum(LedgerEntry.delta))
        .where(LedgerEntry.player_id == player_id)
        .group_by(LedgerEntry.stock_id)
    )
    return {stock: int(total) for stock, total in rows if total}
