"""Exactly-once payment effects: an order paid (webhook or query) and refunds clawed back.

Every effect runs in ONE transaction that (1) locks the order row, (2) inserts its
`order_events(order_id, kind, event_key)` row with `ON CONFLICT DO NOTHING`, and (3) only when that
row was new, changes the order and appends ledger rows (themselves idempotent by key). A retried,
duplicated or concurrent event finds the key taken and changes nothing: the uniqueness lives in
the database, never in a check-then-insert. The refund policy is in docs/payments.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from server import ledger
from server.catalog import Catalog, Item
from server.models import Order, OrderEvent

SUCCESS_KEY = "success"
PERMANENT_PREFIX = "skin."


@dataclass(frozen=True)
class Effect:
    """What one event did: `applied` (first time) or `duplicate` (already applied), and why."""

    outcome: str
    detail: str = ""
    event_id: int | None = None  # the order_events row this event created


def lock_order(session: Session, *, order_id: str = "", trade_order_id: str = "") -> Order | None:
    """The order by our id (or else TikTok's), locked until the transaction ends."""
    if order_id:
        query = select(Order).where(Order.order_id == order_id)
    elif trade_order_id:
        query = select(Order).where(Order.trade_order_id == trade_order_id)
    else:
        return None
    return session.scalars(query.with_for_update()).first()


def _record(
    session: Session,
    *,
    order: Order,
    kind: str,
    event_key: str,
    source: str,
    delivery_id: int | None,
    refund_amount: int,
    now: datetime,
) -> int | None:
    """Insert the event's unique row; its id, or None when this event was already recorded."""
    row = {
        "order_id": order.order_id,
        "kind": kind,
        "event_key": event_key,
        "source": source,
        "delivery_id": delivery_id,
        "refund_amount": refund_amount,
        "detail": "",
        "created_at": now,
    }
    inserted = session.execute(_RECORD[session.get_bind().dialect.name], row).first()
    return None if inserted is None else int(inserted[0])


def _record_statement(dialect: Any) -> Any:
    """`_record`'s insert, built once per dialect (values as execution parameters)."""
    table = OrderEvent.__table__
    return (
        dialect.insert(table)
        .on_conflict_do_nothing(index_elements=["order_id", "kind", "event_key"])
        .returning(table.c.id)
    )


_RECORD = {"postgresql": _record_statement(postgresql), "sqlite": _record_statement(sqlite)}


def apply_success(
    session: Session,
    catalog: Catalog,
    *,
    order: Order,
    source: str,
    now: datetime,
    is_sandbox: bool | None = None,
    delivery_id: int | None = None,
) -> Effect:
    """Mark a locked order paid and grant its items, once whatever the number of calls."""
    event_id = _record(
        session,
        order=order,
        kind="success",
        event_key=SUCCESS_KEY,
        source=source,
        delivery_id=delivery_id,
        refund_amount=0,
        now=now,
    )
    if event_id is None:
        return Effect("duplicate", "the order was already paid")
    order.paid_at = order.paid_at or now
    if is_sandbox is not None:
        order.is_sandbox = is_sandbox
    if order.refunded_beans > 0:  # every refund event adds to it (amounts are positive)
        # Refunded before it was paid: the player gets nothing from this order, ever.
        order.status = "refunded"
        return Effect("applied", "paid after a refund: nothing granted", event_id)
    item = _item(catalog, order)
    for stock_id, quantity in item.grants.items():
        ledger.append(
            session,
            player_id=order.player_id,
            stock_id=stock_id,
            delta=quantity * order.quantity,
            reason=ledger.LedgerReason.ORDER,
            idempotency_key=f"order:{order.order_id}:grant:{stock_id}",
            order_id=order.order_id,
            note=f"{item.title} ({source})",
            now=now,
        )
    order.status = "paid"
    order.fulfilled = True
    return Effect("applied", f"granted {_describe(item.grants, order.quantity)}", event_id)


def apply_refund(
    session: Session,
    catalog: Catalog,
    *,
    order: Order,
    event_key: str,
    refund_amount: int,
    source: str,
    now: datetime,
    delivery_id: int | None = None,
) -> Effect:
    """Apply one refund event to a locked order, once; claw back per the written policy.

    TikTok's `refund_amount` counts up to what is still refundable (the price less the refunds so
    far): the order's refunded total never passes its price, whatever TikTok claims.
    """
    assert refund_amount > 0, "validated by the envelope parser"
    price = max(order.price_beans * order.quantity, 1)
    before = min(order.refunded_beans, price)
    counted = min(refund_amount, price - before)
    event_id = _record(
        session,
        order=order,
        kind="refund",
        event_key=event_key,
        source=source,
        delivery_id=delivery_id,
        refund_amount=counted,
        now=now,
    )
    if event_id is None:
        return Effect("duplicate", "this refund was already applied")
    excess = (
        f" (TikTok refunded {refund_amount} Beans, only {price - before} were refundable)"
        if counted < refund_amount
        else ""
    )
    if counted == 0:
        return Effect("ignored", f"the order was already fully refunded{excess}", event_id)
    order.refunded_beans = before + counted
    after = order.refunded_beans
    if not order.fulfilled:
        # Nothing was granted: the order is forfeit, a later success grants nothing either.
        order.status = "refunded"
        detail = f"refund of {counted} Beans before payment: order void{excess}"
        return Effect("applied", detail, event_id)
    item = _item(catalog, order)
    notes = _claw_back(session, order, item, event_key, before=before, after=after, now=now)
    revoked = (
        any(stock.startswith(PERMANENT_PREFIX) for stock in item.grants) and 2 * after >= price
    )
    order.status = "refunded" if after >= price or revoked else "partially_refunded"
    detail = "; ".join(notes) or f"refund of {counted} Beans: nothing taken"
    return Effect("applied", detail + excess, event_id)


def _claw_back(
    session: Session,
    order: Order,
    item: Item,
    event_key: str,
    *,
    before: int,
    after: int,
    now: datetime,
) -> list[str]:
    price = max(order.price_beans * order.quantity, 1)
    notes = []
    for stock_id, per_unit in item.grants.items():
        granted = per_unit * order.quantity
        if stock_id.startswith(PERMANENT_PREFIX):
            owed = granted if 2 * after >= price > 2 * before else 0
            key = f"order:{order.order_id}:revoke:{stock_id}"
        else:
            owed = math.ceil(granted * after / price) - math.ceil(granted * before / price)
            key = f"order:{order.order_id}:{event_key}:{stock_id}"
        if owed <= 0:
            continue
        held = ledger.balance(session, player_id=order.player_id, stock_id=stock_id)
        taken = min(owed, max(held, 0))
        note = f"refund: take back {owed} {stock_id}" + (
            f" (only {taken} left; {owed - taken} forgiven)" if taken < owed else ""
        )
        if taken > 0:
            ledger.append(
                session,
                player_id=order.player_id,
                stock_id=stock_id,
                delta=-taken,
                reason=ledger.LedgerReason.REFUND,
                idempotency_key=key,
                order_id=order.order_id,
                note=note,
                now=now,
            )
        notes.append(note)
    return notes


def _item(catalog: Catalog, order: Order) -> Item:
    item = catalog.item(order.item_id)
    if item is None:  # the catalog lost an item that was sold: an operator must look
        raise LookupError(f"order {order.order_id}: item {order.item_id!r} is not in the catalog")
    return item


def _describe(grants: dict[str, int], quantity: int) -> str:
    return ", ".join(f"{n * quantity} {stock}" for stock, n in grants.items())
