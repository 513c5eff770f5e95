"""The reconciler: pending orders nobody polls are checked with TikTok, flagged deliveries retried.

It runs inside the server every `RECONCILE_INTERVAL_SECONDS` and once with
`python -m server reconcile`. Orders younger than `MIN_AGE` are left to the webhook and the
client's polls; orders older than `MAX_AGE` (TikTok's 72 hours of webhook retries) are abandoned
pay sheets and are no longer asked about.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import or_, select
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool

from server import deliveries, recovery
from server.boot import load_settings, migrate_database
from server.models import Order
from server.services import Services
from server.settings import Settings

log = logging.getLogger("server.reconcile")
MIN_AGE = timedelta(seconds=10)
MAX_AGE = timedelta(hours=72)
CONCURRENCY = 8


@dataclass
class Report:
    checked: int = 0
    paid: list[str] = field(default_factory=list)
    late_deliveries: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"checked {self.checked} pending orders, {len(self.paid)} found paid"
            f"{': ' + ', '.join(self.paid) if self.paid else ''};"
            f" {len(self.late_deliveries)} held deliveries applied"
        )


def pending_orders(ctx: Services, *, limit: int, min_age: timedelta) -> list[Order]:
    now = ctx.clock()
    asked_before = now - timedelta(seconds=ctx.settings.order_query_interval_seconds)
    with ctx.db.transaction(write=False) as session:
        query = (
            select(Order)
            .where(
                Order.status == "pending",
                Order.trade_order_id.is_not(None),
                Order.created_at <= now - min_age,
                Order.created_at >= now - MAX_AGE,
                or_(Order.last_queried_at.is_(None), Order.last_queried_at <= asked_before),
            )
            .order_by(Order.last_queried_at.is_not(None), Order.last_queried_at, Order.id)
            .limit(limit)
        )
        return list(session.scalars(query))


async def reconcile_once(
    ctx: Services, *, limit: int = 500, min_age: timedelta = MIN_AGE
) -> Report:
    """One pass: query the pending orders, apply deliveries whose order has appeared."""
    report = Report()
    orders = await run_in_threadpool(pending_orders, ctx, limit=limit, min_age=min_age)
    gate = asyncio.Semaphore(CONCURRENCY)

    async def check(order: Order) -> None:
        async with gate:
            after = await recovery.check_pending(ctx, order)
        if after.status != "pending":
            report.paid.append(after.order_id)

    await asyncio.gather(*(check(order) for order in orders))
    report.checked = len(orders)
    late = await run_in_threadpool(
        lambda: deliveries.retry_unknown_orders(
            ctx.db, ctx.catalog, client_key=ctx.settings.tiktok_client_key, now=ctx.clock()
        )
    )
    report.late_deliveries = [r.delivery_id for r in late]
    return report


async def run_forever(ctx: Services) -> None:
    """The server's background reconciler (cancelled at shutdown); a failed pass is logged."""
    while True:
        await asyncio.sleep(ctx.settings.reconcile_interval_seconds)
        try:
            report = await reconcile_once(ctx)
        except Exception:
            log.exception("reconciler pass failed; retrying in the next one")
            continue
        if report.paid or report.late_deliveries:
            log.info("reconciler: %s", report.summary())


def register(subparsers: Any) -> None:
    """Add `reconcile` to `python -m server`."""
    parser = subparsers.add_parser(
        "reconcile",
        help="check pending orders with TikTok once and fulfil the paid ones",
        description=(
            "One reconciler pass: ask TikTok (trade_order/query) about every pending order"
            " between --min-age seconds and 72 hours old, fulfil those paid, and apply held"
            " webhook deliveries whose order has appeared. Needs the server's SESSION_SECRET"
            " (or TOKEN_ENCRYPTION_KEY) to read the players' TikTok tokens."
        ),
    )
    parser.add_argument(
        "--min-age", type=float, default=MIN_AGE.total_seconds(), help="seconds (default 10)"
    )
    parser.add_argument("--limit", type=int, default=500, help="orders per pass (default 500)")
    parser.set_defaults(func=_command)


def _command(args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings is None:
        return 2
    if not (settings.session_secret or settings.token_encryption_key):
        print(
            "error: set SESSION_SECRET (or TOKEN_ENCRYPTION_KEY) to the server's: the players'"
            " TikTok tokens are encrypted with it",
            file=sys.stderr,
        )
        return 2
    if not migrate_database(settings):
        return 1
    try:
        report = asyncio.run(_reconcile(settings, args))
    except DBAPIError as exc:
        print(f"error: the database failed: {type(exc.orig or exc).__name__}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0


async def _reconcile(settings: Settings, args: argparse.Namespace) -> Report:
    secret = settings.session_secret or ""
    async with httpx.AsyncClient(headers={"User-Agent": "bean-hop-reconcile"}) as http:
        ctx = Services.build(settings, http=http, secret=secret)
        try:
            return await reconcile_once(
                ctx, limit=max(args.limit, 1), min_age=timedelta(seconds=max(args.min_age, 0))
            )
        finally:
            ctx.db.dispose()
