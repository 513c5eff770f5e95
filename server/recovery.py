"""Lost-webhook recovery: ask TikTok about a pending order, fulfil it on `SUCCESS`.

A poll of `GET /api/orders/{id}` (and the reconciler) calls `check_pending`. At most one query per
order per `ORDER_QUERY_INTERVAL_SECONDS`: the right to query is claimed with one conditional
`UPDATE … SET last_queried_at` (only one of many concurrent pollers wins it), so a burst of polls
never becomes a burst of TikTok calls. Fulfilment goes through `payments.apply_success`, the same
exactly-once path as the webhook: whichever comes first grants, the other is a no-op.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from starlette.concurrency import run_in_threadpool

from server import players
from server.errors import BeanHopError
from server.models import Order
from server.payments import apply_success, lock_order
from server.services import Services

log = logging.getLogger("server.recovery")


def claim_query(ctx: Services, order_id: str, now: datetime) -> bool:
    """Whether this caller may query TikTok about the order now (and it is still pending)."""
    earliest = now - timedelta(seconds=ctx.settings.order_query_interval_seconds)
    with ctx.db.transaction() as session:
        result = session.execute(
            update(Order)
            .where(
                Order.order_id == order_id,
                Order.status == "pending",
                Order.trade_order_id.is_not(None),
                or_(Order.last_queried_at.is_(None), Order.last_queried_at <= earliest),
            )
            .values(last_queried_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def fulfil(ctx: Services, order_id: str, now: datetime) -> Order:
    """Apply a `SUCCESS` answer exactly once; the order as it is afterwards."""
    with ctx.db.transaction() as session:
        order = lock_order(session, order_id=order_id)
        assert order is not None, "orders are never deleted once they have a trade order"
        if ctx.catalog.item(order.item_id) is not None:
            effect = apply_success(session, ctx.catalog, order=order, source="query", now=now)
            log.info("order %s paid per trade_order/query: %s", order_id, effect.outcome)
        return order


async def query_status(ctx: Services, order: Order) -> str | None:
    """TikTok's status of the order (`PENDING`/`SUCCESS`), or None when TikTok cannot say."""
    trade_order_id = order.trade_order_id
    assert trade_order_id, "only orders with a trade order can be queried"

    async def query(token: str) -> str:
        return await ctx.tiktok.query_trade_order(token, trade_order_id)

    try:
        return await players.with_access_token(ctx, player_id=order.player_id, call=query)
    except BeanHopError as exc:  # TikTok down, tokens revoked, player gone: try again later
        log.warning("cannot query order %s (%s): %s", order.order_id, exc.code, exc.message)
        return None


async def check_pending(ctx: Services, order: Order) -> Order:
    """The order, fulfilled first if it is pending and TikTok says it was paid."""
    if order.status != "pending" or not order.trade_order_id:
        return order
    now = ctx.clock()
    if not await run_in_threadpool(claim_query, ctx, order.order_id, now):
        return order
    if await query_status(ctx, order) != "SUCCESS":
        return order
    return await run_in_threadpool(fulfil, ctx, order.order_id, ctx.clock())
