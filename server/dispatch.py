"""What a parsed webhook event does, inside the caller's transaction: `dispatch(envelope)`.

Trade-order events lock their order and go through the exactly-once effects of `payments`;
`authorization.removed` forgets the player's TikTok tokens; anything else is ignored.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, and_, bindparam, select
from sqlalchemy.orm import Session

from server import players
from server.catalog import Catalog
from server.models import Order, OrderEvent
from server.payments import SUCCESS_KEY, Effect, apply_refund, apply_success, lock_order
from server.webhooks import EVENT_AUTHORIZATION_REMOVED, EVENT_REFUND, EVENT_SUCCESS, Envelope

# The duplicate shortcut's statements, built once (a reused statement keeps its cache key).
_events = cast(Table, OrderEvent.__table__)
_orders = cast(Table, Order.__table__)
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
        open_id = envelope.user_openid or (envelope.content or {}).get("open_id") or ""
        if not isinstance(open_id, str):
            return Effect("ignored", "content.open_id is not a string")
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
