"""Verified webhook deliveries: stored and applied in the same transaction, replayable.

A delivery row is written in the transaction that applies its effect, so either both exist or
neither does (and TikTok, having had no 200, retries). Outcomes:

- `applied`        the event changed the order (paid, refunded) or the player (tokens forgotten)
- `duplicate`      the event had already been applied: nothing changed
- `rejected`       signed with our secret but for another `client_key`, or another trade order
- `unknown_order`  no such order (yet): flagged; the reconciler applies it if the order appears
- `unknown_item`   the order's item left the catalog: flagged for an operator
- `ignored`        an event with nothing to do (portal test pings, unknown events)
- `malformed`      not a TikTok envelope (answered 400)
- `resolved`       an `unknown_order` delivery applied later (see the `replay_of` rows)
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, and_, bindparam, insert, select, update
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from server import players
from server.catalog import Catalog
from server.db import Database
from server.models import Order, OrderEvent, WebhookDelivery
from server.payments import SUCCESS_KEY, Effect, apply_refund, apply_success, lock_order
from server.webhooks import (
    EVENT_AUTHORIZATION_REMOVED,
    EVENT_REFUND,
    EVENT_SUCCESS,
    Envelope,
    EnvelopeError,
    parse_envelope,
)
from server.writer import writer_for

_PRIVATE_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})

# Hot-path statements, built once: Core on the tables (no ORM bulk-insert machinery, and a
# statement object reused keeps its cache key, so SQLAlchemy finds the compiled form at once).
_deliveries = cast(Table, WebhookDelivery.__table__)
_events = cast(Table, OrderEvent.__table__)
_orders = cast(Table, Order.__table__)
_INSERT_DELIVERY = insert(_deliveries).returning(_deliveries.c.id)
_LINK_EVENT = (
    update(_events).where(_events.c.id == bindparam("event_id")).values(delivery_id=bindparam("d"))
)
_paid = _orders.join(
    _events,
    and_(
        _events.c.order_id == _orders.c.order_id,
        _events.c.kind == "success",
        _events.c.event_key == SUCCESS_KEY,
    ),
)
_PAID_BY_ORDER_ID = (
    select(_orders.c.trade_order_id, _orders.c.item_id)
    .select_from(_paid)
    .where(_orders.c.order_id == bindparam("key"))
)
_PAID_BY_TRADE_ORDER_ID = (
    select(_orders.c.trade_order_id, _orders.c.item_id)
    .select_from(_paid)
    .where(_orders.c.trade_order_id == bindparam("key"))
)


@dataclass(frozen=True)
class Received:
    delivery_id: int
    outcome: str
    detail: str


@dataclass(frozen=True)
class Incoming:
    """A verified delivery, ready to store: its row and its envelope (None when malformed)."""

    row: dict[str, Any]
    envelope: Envelope | None
    error: EnvelopeError | None = None


def prepare(
    *,
    raw_body: bytes,
    headers: Mapping[str, str],
    signed_at: int | None,
    now: datetime,
    source: str = "webhook",
    replay_of: int | None = None,
) -> Incoming:
    """Parse a verified body (no I/O) into the row to store."""
    row: dict[str, Any] = {
        "received_at": now,
        "source": source,
        "replay_of": replay_of,
        "signed_at": signed_at,
        "headers": json.dumps(
            {k: v for k, v in headers.items() if k.lower() not in _PRIVATE_HEADERS}
        ),
        "body": raw_body.decode("utf-8", errors="replace"),
        "event": "",
        "client_key": "",
        "detail": "",
    }
    try:
        envelope = parse_envelope(raw_body)
    except EnvelopeError as exc:
        return Incoming({**row, "outcome": "malformed", "detail": exc.message}, None, exc)
    row |= {
        "event": envelope.event[:128],
        "client_key": envelope.client_key[:128],
        "create_time": envelope.create_time,
        "order_id": envelope.order_id[:64] or None,
        "trade_order_id": envelope.trade_order_id[:128] or None,
        "event_key": _event_key(envelope),
        "outcome": "processing",
    }
    return Incoming(row, envelope)


def store(session: Session, catalog: Catalog, incoming: Incoming, *, client_key: str) -> Received:
    """Apply the delivery's effect and insert its row, in the caller's transaction."""
    effect = Effect("malformed", str(incoming.row["detail"]))
    if incoming.envelope is not None:
        effect = dispatch(
            session,
            catalog,
            incoming.envelope,
            client_key=client_key,
            source=str(incoming.row["source"]),
            now=incoming.row["received_at"],
        )
    row = incoming.row | {"outcome": effect.outcome, "detail": effect.detail}
    conn = session.connection()
    delivery_id = int(conn.execute(_INSERT_DELIVERY, row).scalar_one())
    if effect.event_id is not None:
        conn.execute(_LINK_EVENT, {"event_id": effect.event_id, "d": delivery_id})
    return Received(delivery_id, effect.outcome, effect.detail)


def receive(db: Database, catalog: Catalog, *, client_key: str, **delivery: Any) -> Received:
    """Store a verified delivery and apply it, in one transaction; EnvelopeError when malformed.

    `delivery`: the keyword arguments of `prepare`.
    """
    incoming = prepare(**delivery)
    with db.transaction() as session:
        received = store(session, catalog, incoming, client_key=client_key)
    if incoming.error is not None:
        raise incoming.error
    return received


async def receive_async(
    db: Database, catalog: Catalog, *, client_key: str, **delivery: Any
) -> Received:
    """`receive` for the event loop: on SQLite through the group-commit writer."""
    if not db.is_sqlite:
        return await run_in_threadpool(
            functools.partial(receive, db, catalog, client_key=client_key, **delivery)
        )
    incoming = prepare(**delivery)
    work = functools.partial(store, catalog=catalog, incoming=incoming, client_key=client_key)
    received = await writer_for(db).run(work)
    if incoming.error is not None:
        raise incoming.error
    return received


def _event_key(envelope: Envelope) -> str | None:
    if envelope.event == EVENT_SUCCESS:
        return "success"
    if envelope.event == EVENT_REFUND:
        return envelope.refund_key()
    return None


def dispatch(
    session: Session,
    catalog: Catalog,
    envelope: Envelope,
    *,
    client_key: str,
    source: str,
    now: datetime,
) -> Effect:
    """Apply one parsed event inside the caller's transaction."""
    if envelope.client_key != client_key:
        return Effect("rejected", f"client_key {envelope.client_key[:64]!r} is not this app's")
    if envelope.event in (EVENT_SUCCESS, EVENT_REFUND):
        return _trade_order_event(session, catalog, envelope, source, now)
    if envelope.event == EVENT_AUTHORIZATION_REMOVED:
        open_id = envelope.user_openid or str((envelope.content or {}).get("open_id") or "")
        if open_id and players.forget_tokens(session, open_id=open_id, now=now):
            return Effect("applied", "the player's TikTok tokens were forgotten")
        return Effect("ignored", "no such player")
    return Effect("ignored", f"nothing to do for {envelope.event[:64]!r}")


def _trade_order_event(
    session: Session,
    catalog: Catalog,
    envelope: Envelope,
    source: str,
    now: datetime,
) -> Effect:
    if envelope.event == EVENT_SUCCESS and _already_paid(session, catalog, envelope):
        return Effect("duplicate", "the order was already paid")
    order = lock_order(session, order_id=envelope.order_id, trade_order_id=envelope.trade_order_id)
    if order is None:
        return Effect("unknown_order", "no such order: kept for the reconciler and operators")
    if envelope.trade_order_id and order.trade_order_id != envelope.trade_order_id:
        if order.trade_order_id is not None:
            return Effect("rejected", "the trade_order_id does not belong to this order")
        order.trade_order_id = envelope.trade_order_id  # TikTok's signed word for it
    if catalog.item(order.item_id) is None:
        return Effect("unknown_item", f"item {order.item_id!r} is no longer in the catalog")
    if envelope.event == EVENT_SUCCESS:
        return apply_success(
            session,
            catalog,
            order=order,
            source=source,
            now=now,
            is_sandbox=envelope.is_sandbox,
        )
    return apply_refund(
        session,
        catalog,
        order=order,
        event_key=envelope.refund_key(),
        refund_amount=envelope.refund_amount,
        source=source,
        now=now,
    )


def _already_paid(session: Session, catalog: Catalog, envelope: Envelope) -> bool:
    """True when this success is certainly a duplicate: its order exists, matches, and already has
    its `success` event row. A shortcut (one indexed read, no lock, no write) for the common case
    of TikTok's retries, not the guarantee: order_events rows are never deleted, so a row found is
    proof; when none is found the delivery takes the full path, whose unique key decides."""
    if envelope.order_id:
        query, key = _PAID_BY_ORDER_ID, envelope.order_id
    else:
        query, key = _PAID_BY_TRADE_ORDER_ID, envelope.trade_order_id
    row = session.connection().execute(query, {"key": key}).first()
    if row is None:
        return False
    trade_order_id, item_id = row
    if envelope.trade_order_id and trade_order_id != envelope.trade_order_id:
        return False  # the full path says why (rejected, or records TikTok's id)
    return catalog.item(item_id) is not None


def get(db: Database, delivery_id: int) -> WebhookDelivery | None:
    with db.transaction(write=False) as session:
        return session.get(WebhookDelivery, delivery_id)


def replay(
    db: Database, catalog: Catalog, *, delivery_id: int, client_key: str, now: datetime
) -> Received:
    """Run a stored delivery through the same processing again (a new row, `replay_of` it)."""
    stored = get(db, delivery_id)
    if stored is None:
        raise LookupError(f"no delivery {delivery_id}")
    return receive(
        db,
        catalog,
        client_key=client_key,
        raw_body=stored.body.encode(),
        headers=json.loads(stored.headers or "{}"),
        signed_at=stored.signed_at,
        now=now,
        source="replay",
        replay_of=stored.id,
    )


def retry_unknown_orders(
    db: Database, catalog: Catalog, *, client_key: str, now: datetime, limit: int = 100
) -> list[Received]:
    """Apply `unknown_order` deliveries whose order now exists; mark the originals `resolved`."""
    with db.transaction(write=False) as session:
        waiting = list(
            session.scalars(
                select(WebhookDelivery)
                .where(WebhookDelivery.outcome == "unknown_order")
                .order_by(WebhookDelivery.id)
                .limit(limit)
            )
        )
        known = {
            d.id
            for d in waiting
            if session.scalar(select(Order.id).where(_order_match(d))) is not None
        }
    results = []
    for delivery in waiting:
        if delivery.id not in known:
            continue
        result = replay(db, catalog, delivery_id=delivery.id, client_key=client_key, now=now)
        with db.transaction() as session:
            original = session.get(WebhookDelivery, delivery.id)
            assert original is not None
            original.outcome = "resolved"
            original.detail = f"applied by delivery {result.delivery_id}: {result.outcome}"
        results.append(result)
    return results


def _order_match(delivery: WebhookDelivery) -> ColumnElement[bool]:
    if delivery.order_id:
        return Order.order_id == delivery.order_id
    return Order.trade_order_id == delivery.trade_order_id
