"""Orders: a local order at the catalog's price, then TikTok's trade order for it.

The order row is written first (its `order_id` is fresh per attempt, as TikTok requires), then
TikTok is asked for a `trade_order_id`. If TikTok fails, the local row is removed so that a retry
(even with the same Idempotency-Key) makes a fresh attempt. The same Idempotency-Key returns the
same order. Fulfilment (marking paid, granting) belongs to `payments.py`, never to this module.
"""

from __future__ import annotations

import contextlib
import functools
import re
import secrets
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from server import ledger, players, writer
from server.catalog import Item
from server.errors import BadRequest, Conflict, NotFound
from server.models import Order, Player
from server.services import Services

OWNED_STATUSES = ("paid", "partially_refunded")
_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")
_ORDER_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def new_order_id() -> str:
    return f"bh_{secrets.token_hex(12)}"


def public(order: Order) -> dict[str, Any]:
    return {
        "order_id": order.order_id,
        "trade_order_id": order.trade_order_id,
        "status": order.status,
        "item_id": order.item_id,
        "price_beans": order.price_beans,
        "quantity": order.quantity,
        "fulfilled": order.fulfilled,
        "created_at": order.created_at.isoformat(),
        "paid_at": order.paid_at.isoformat() if order.paid_at else None,
    }


def check_idempotency_key(key: str | None) -> str | None:
    if key is None:
        return None
    if not _KEY.fullmatch(key):
        raise BadRequest(
            "Idempotency-Key must be 1 to 200 printable ASCII characters",
            code="invalid_idempotency_key",
        )
    return key


def owns(session: Session, *, player_id: int, item: Item) -> bool:
    """Whether the player already owns a permanent item (its skin, or a paid order of it)."""
    stocks = item.owned_stocks
    if stocks and all(ledger.balance(session, player_id=player_id, stock_id=s) > 0 for s in stocks):
        return True
    paid = session.scalar(
        select(func.count())
        .select_from(Order)
        .where(
            Order.player_id == player_id,
            Order.item_id == item.id,
            Order.status.in_(OWNED_STATUSES),
        )
    )
    return bool(paid)


def _by_key(session: Session, player_id: int, key: str) -> Order | None:
    return session.scalars(
        select(Order).where(Order.player_id == player_id, Order.idempotency_key == key)
    ).first()


def _existing(order: Order) -> Order:
    if order.trade_order_id is None:
        raise Conflict(
            "an order with this Idempotency-Key is still being created: retry shortly",
            code="order_in_progress",
        )
    return order


# The hot statements, built once (SQLAlchemy then reuses their compiled form).
_ORDERS: Table = Order.__table__  # type: ignore[assignment]
_ATTACH = (
    update(_ORDERS)
    .where(_ORDERS.c.order_id == bindparam("oid"))
    .values(trade_order_id=bindparam("tid"))
)


@functools.cache
def _insert_order(dialect: str) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(_ORDERS)
        .on_conflict_do_nothing(index_elements=["player_id", "idempotency_key"])
        .returning(_ORDERS.c.id)
    )


def _open(
    ctx: Services, player_id: int, item: Item, key: str | None
) -> tuple[Order, bool, players.StoredTokens]:
    """The new local order, or (with a known key) the existing one; then created, and the
    player's stored TikTok tokens (read in the same transaction to save a round trip)."""
    with ctx.db.transaction() as session:
        tokens = players.stored_tokens(ctx, session, player_id=player_id, with_refresh=False)
        if key is not None and (found := _by_key(session, player_id, key)) is not None:
            return _existing(found), False, tokens
        if item.kind == "permanent" and owns(session, player_id=player_id, item=item):
            raise Conflict(f"you already own {item.title}", code="already_owned")
        values = _new_order_values(ctx, player_id=player_id, item=item, key=key)
        conn = session.connection()
        inserted = conn.execute(_insert_order(conn.dialect.name), values).first()
        if inserted is None:
            assert key is not None
            found = _by_key(session, player_id, key)
            assert found is not None, "a conflicting key means the row exists"
            return _existing(found), False, tokens
        unset = {"trade_order_id": None, "is_sandbox": None, "paid_at": None}
        return Order(id=inserted.id, last_queried_at=None, **values, **unset), True, tokens


# SQLite's hot path: the same statements in plain SQL on the driver's connection (the
# SQLAlchemy execution layer and the Session cost more CPU than SQLite's own work). Values go
# through the columns' own processors, so they are stored and read exactly as the ORM does.
_SQLITE_TOKENS = (
    "SELECT access_token_enc, access_expires_at, tokens_revoked_at FROM players WHERE id = ?"
)
_SQLITE_BY_KEY = "SELECT 1 FROM orders WHERE player_id = ? AND idempotency_key = ?"
_SQLITE_INSERT = (
    "INSERT INTO orders (order_id, player_id, item_id, price_beans, quantity, status,"
    " idempotency_key, created_at, refunded_beans, fulfilled)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (player_id, idempotency_key) DO NOTHING RETURNING id"
)
_SQLITE_ATTACH = "UPDATE orders SET trade_order_id = ? WHERE order_id = ?"


@functools.cache
def _sqlite_processors(dialect: Any) -> tuple[Any, Any, Any]:
    """(bind created_at, bind a boolean, read access_expires_at) for the SQLite dialect."""
    players_table: Table = Player.__table__  # type: ignore[assignment]
    return (
        _ORDERS.c.created_at.type.dialect_impl(dialect).bind_processor(dialect),
        _ORDERS.c.fulfilled.type.dialect_impl(dialect).bind_processor(dialect),
        players_table.c.access_expires_at.type.dialect_impl(dialect).result_processor(
            dialect, None
        ),
    )


def _open_sqlite(
    ctx: Services, player_id: int, item: Item, key: str | None, conn: Any
) -> tuple[Order, bool, players.StoredTokens] | None:
    """`_open` for a new order of a consumable on SQLite, on the driver's connection inside a
    transaction; None when the general path must answer (a known Idempotency-Key: the existing
    order is returned there)."""
    bind_time, bind_bool, read_time = _sqlite_processors(ctx.db.engine.dialect)
    row = conn.execute(_SQLITE_TOKENS, (player_id,)).fetchone()
    if row is None:
        raise players.gone()
    access_enc, expires_at, revoked_at = row
    tokens: players.StoredTokens = (None, None, None)
    if revoked_at is None:
        expires = read_time(expires_at) if read_time else expires_at
        tokens = (ctx.box.open(access_enc), expires, None)
    if key is not None and conn.execute(_SQLITE_BY_KEY, (player_id, key)).fetchone():
        return None
    values = _new_order_values(ctx, player_id=player_id, item=item, key=key)
    created_at = values["created_at"]
    params = (
        *(values[k] for k in ("order_id", "player_id", "item_id", "price_beans")),
        *(values[k] for k in ("quantity", "status", "idempotency_key")),
        bind_time(created_at) if bind_time else created_at,
        0,
        bind_bool(False) if bind_bool else 0,
    )
    inserted = conn.execute(_SQLITE_INSERT, params).fetchone()
    if inserted is None:  # the same key, just created by a concurrent request
        return None
    unset = {"trade_order_id": None, "is_sandbox": None, "paid_at": None}
    return Order(id=inserted[0], last_queried_at=None, **values, **unset), True, tokens


def _attach(ctx: Services, order: Order, trade_order_id: str) -> Order:
    with ctx.db.transaction() as session:
        session.connection().execute(_ATTACH, {"oid": order.order_id, "tid": trade_order_id})
    order.trade_order_id = trade_order_id
    return order


async def _attach_sqlite(ctx: Services, order: Order, trade_order_id: str) -> Order:
    def attach(conn: Any) -> None:
        conn.execute(_SQLITE_ATTACH, (trade_order_id, order.order_id))

    await writer.batch_for(ctx.db).run(attach)
    order.trade_order_id = trade_order_id
    return order


def _abandon(ctx: Services, order_id: str) -> None:
    with ctx.db.transaction() as session:
        session.execute(
            delete(Order).where(Order.order_id == order_id, Order.trade_order_id.is_(None))
        )


def order_info(ctx: Services, item: Item, order: Order) -> dict[str, Any]:
    return {
        "order_id": order.order_id,
        "product_name": item.title,
        "product_id": item.id,
        "quantity": order.quantity,
        "quantity_unit": item.unit,
        "order_url": f"{ctx.base_url}/api/orders/{order.order_id}",
        "image_url": item.image_url(ctx.base_url),
    }


async def create_order(
    ctx: Services, *, player_id: int, item_id: str, idempotency_key: str | None
) -> tuple[Order, bool]:
    """Open an order for one catalog item; (order, created). Replays of a key give created=False."""
    item = ctx.catalog.item(item_id)
    if item is None:
        raise NotFound(f"no item {item_id!r} in the catalog", code="unknown_item")
    key = check_idempotency_key(idempotency_key)
    opened = None
    if ctx.db.is_sqlite and item.kind != "permanent":
        # SQLite: the order's two writes join the concurrent orders' in one fsynced COMMIT.
        work = functools.partial(_open_sqlite, ctx, player_id, item, key)
        opened = await writer.batch_for(ctx.db).run(work)
    if opened is None:
        opened = await ctx.db.run(_open, ctx, player_id, item, key)
    order, created, tokens = opened
    if not created:
        return order, False
    info = order_info(ctx, item, order)

    async def create(token: str) -> str:
        return await ctx.tiktok.create_trade_order(
            token, token_amount=item.price_beans * order.quantity, order_info=info
        )

    try:
        trade_order_id = await players.with_access_token(
            ctx, player_id=player_id, call=create, stored=tokens
        )
    except Exception:
        # The attempt failed (TikTok or us): forget it so a retry makes a fresh order_id.
        with contextlib.suppress(Exception):
            await ctx.db.run(_abandon, ctx, order.order_id)
        raise
    if ctx.db.is_sqlite:
        return await _attach_sqlite(ctx, order, trade_order_id), True
    return await ctx.db.run(_attach, ctx, order, trade_order_id), True


def get_order(session: Session, *, player_id: int, order_id: str) -> Order:
    """One of the player's own orders; someone else's is as unknown as a missing one (404)."""
    if not _ORDER_ID.fullmatch(order_id):
        raise NotFound(f"no order {order_id[:80]!r}", code="unknown_order")
    order = session.scalars(
        select(Order).where(Order.order_id == order_id, Order.player_id == player_id)
    ).first()
    if order is None:
        raise NotFound(f"no order {order_id!r}", code="unknown_order")
    return order


def list_orders(session: Session, *, player_id: int, limit: int = 50) -> list[Order]:
    return list(
        session.scalars(
            select(Order)
            .where(Order.player_id == player_id)
            .order_by(Order.created_at.desc())
            .limit(limit)
        )
    )


def _new_order_values(
    ctx: Services, *, player_id: int, item: Item, key: str | None
) -> dict[str, Any]:
    """The columns of a fresh pending order: the catalog's price, never the client's."""
    return {
        "order_id": new_order_id(),
        "player_id": player_id,
        "item_id": item.id,
        "price_beans": item.price_beans,
        "quantity": 1,
        "status": "pending",
        "idempotency_key": key,
        "created_at": ctx.clock(),
        "refunded_beans": 0,
        "fulfilled": False,
    }
