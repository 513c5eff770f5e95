"""Verified webhook deliveries: stored and applied in the same transaction, replayable.

A delivery row is written in the transaction that applies its effect, so either both exist or
neither does (and TikTok, having had no 200, retries). Outcomes:

- `applied`        the event changed the order (paid, refunded) or the player (tokens forgotten)
- `duplicate`      the event had already been applied: nothing changed
- `rejected`       signed with our secret but for another `client_key`, or another trade order
- `unknown_order`  no such order (yet): flagged; the reconciler applies it if the order appears
- `unknown_item`   the order's item left the catalog: flagged for an operator
- `ignored`        an event with nothing to do (portal test pings, unknown events, a refund of an
                   order already refunded in full)
- `malformed`      not a TikTok envelope (answered 400)
- `error`          processing raised (a bug): the raw delivery is kept in its own transaction and
                   answered 500, for an operator to replay once fixed
- `resolved`       an `unknown_order` delivery applied later (see the `replay_of` rows)

Only a database that cannot answer (`db.is_unavailable`) leaves no row: the answer is 503.
The raw body is stored as text when it is UTF-8 without NUL (what an operator reads), otherwise as
`base64:` + its base64 (PostgreSQL text holds no NUL; SQLite's driver encodes no lone surrogate),
so a replay sends the very bytes that were signed.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, bindparam, insert, select, update
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from server.catalog import Catalog
from server.db import Database, is_unavailable
from server.dispatch import dispatch
from server.models import Order, OrderEvent, WebhookDelivery
from server.payments import Effect
from server.webhooks import EVENT_REFUND, EVENT_SUCCESS, Envelope, EnvelopeError, parse_envelope
from server.writer import writer_for

log = logging.getLogger("server.deliveries")
_PRIVATE_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})
BASE64_PREFIX = "base64:"

# Hot-path statements, built once: Core on the tables (no ORM bulk-insert machinery, and a
# statement object reused keeps its cache key, so SQLAlchemy finds the compiled form at once).
_deliveries = cast(Table, WebhookDelivery.__table__)
_events = cast(Table, OrderEvent.__table__)
_INSERT_DELIVERY = insert(_deliveries).returning(_deliveries.c.id)
_LINK_EVENT = (
    update(_events).where(_events.c.id == bindparam("event_id")).values(delivery_id=bindparam("d"))
)


class DeliveryFailed(Exception):
    """Processing a verified delivery raised; the delivery was kept with outcome `error`."""

    def __init__(self, received: Received) -> None:
        super().__init__(f"delivery {received.delivery_id}: {received.detail}")
        self.received = received


def encode_body(raw_body: bytes) -> str:
    """The raw body as storable text: itself when UTF-8 without NUL, else `base64:…`."""
    try:
        text = raw_body.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and "\x00" not in text and not text.startswith(BASE64_PREFIX):
        return text
    return BASE64_PREFIX + base64.b64encode(raw_body).decode("ascii")


def decode_body(stored: str) -> bytes:
    """The bytes `encode_body` stored (rows stored before it: their UTF-8 text)."""
    if stored.startswith(BASE64_PREFIX):
        try:
            return base64.b64decode(stored.removeprefix(BASE64_PREFIX), validate=True)
        except binascii.Error:
            pass
    return stored.encode("utf-8", errors="surrogateescape")


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
        "body": encode_body(raw_body),
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


def store_failure(session: Session, incoming: Incoming, error: Exception) -> Received:
    """Keep a delivery whose processing raised: only the raw material (body, headers, times),
    in a transaction of its own, so that whatever broke the processing cannot break this too."""
    row = {
        key: incoming.row[key]
        for key in ("received_at", "source", "replay_of", "signed_at", "headers", "body")
    }
    detail = f"processing failed ({type(error).__name__}): replay it once the cause is fixed"
    row |= {"event": "", "client_key": "", "outcome": "error", "detail": detail}
    delivery_id = int(session.connection().execute(_INSERT_DELIVERY, row).scalar_one())
    return Received(delivery_id, "error", detail)


def _answer(incoming: Incoming, received: Received) -> Received:
    if incoming.error is not None:
        raise incoming.error
    return received


def _check_failure(error: Exception) -> None:
    """Re-raise a database that cannot answer (503: TikTok retries); otherwise log it (a bug)
    and let the caller keep the delivery as `error`."""
    if is_unavailable(error):
        raise error
    log.error("processing a verified webhook delivery failed", exc_info=error)


def receive(db: Database, catalog: Catalog, *, client_key: str, **delivery: Any) -> Received:
    """Store a verified delivery and apply it, in one transaction; EnvelopeError when malformed,
    DeliveryFailed when processing raised (the delivery then kept as `error`).

    `delivery`: the keyword arguments of `prepare`.
    """
    incoming = prepare(**delivery)
    try:
        with db.transaction() as session:
            received = store(session, catalog, incoming, client_key=client_key)
    except Exception as exc:
        _check_failure(exc)
        with db.transaction() as session:
            kept = store_failure(session, incoming, exc)
        raise DeliveryFailed(kept) from exc
    return _answer(incoming, received)


async def receive_async(
    db: Database, catalog: Catalog, *, client_key: str, **delivery: Any
) -> Received:
    """`receive` for the event loop: on SQLite through the group-commit writer."""
    if not db.is_sqlite:
        return await run_in_threadpool(
            functools.partial(receive, db, catalog, client_key=client_key, **delivery)
        )
    incoming = prepare(**delivery)
    writer = writer_for(db)
    work = functools.partial(store, catalog=catalog, incoming=incoming, client_key=client_key)
    try:
        received = await writer.run(work)
    except Exception as exc:
        _check_failure(exc)
        kept = await writer.run(functools.partial(store_failure, incoming=incoming, error=exc))
        raise DeliveryFailed(kept) from exc
    return _answer(incoming, received)


def _event_key(envelope: Envelope) -> str | None:
    if envelope.event == EVENT_SUCCESS:
        return "success"
    if envelope.event == EVENT_REFUND:
        return envelope.refund_key()
    return None


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
        raw_body=decode_body(stored.body),
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
