"""`python -m server orders …`: the operator's command line (orders, ledgers, deliveries, revenue).

Every subcommand reads DATABASE_URL like the server does, prints a plain table, and exits 0 on
success, 1 when something is wrong (with `error: …`), 2 for bad usage. No tracebacks.
"""

from __future__ import annotations

import argparse
import re
import sys
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from server import deliveries, ledger
from server.boot import load_settings
from server.catalog import load_catalog
from server.db import Database
from server.errors import NotEnough
from server.models import LedgerEntry, Order, OrderEvent, Player, WebhookDelivery
from server.webhooks import EnvelopeError

STATUSES = ("pending", "paid", "partially_refunded", "refunded")
OUTCOMES = (
    "applied",
    "duplicate",
    "rejected",
    "unknown_order",
    "unknown_item",
    "ignored",
    "malformed",
    "error",
    "resolved",
)
_STOCK = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)?$")


class OperatorError(Exception):
    """A message for the operator (exit status 1)."""


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain-text table, columns padded to their widest cell."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(line.rstrip() for line in lines)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("\n", " ")[:80]


def _player(session: Session, open_id: str) -> Player:
    player = session.scalars(select(Player).where(Player.open_id == open_id)).first()
    if player is None:
        raise OperatorError(f"no player with open_id {open_id!r}")
    return player


def list_orders(db: Database, args: argparse.Namespace) -> str:
    with db.transaction(write=False) as session:
        query = select(Order, Player.open_id).join(Player, Player.id == Order.player_id)
        if args.status:
            query = query.where(Order.status == args.status)
        rows = session.execute(query.order_by(Order.created_at.desc()).limit(args.limit)).all()
    return (
        table(
            ["order_id", "player", "item", "beans", "status", "sandbox", "created", "paid"],
            [
                (
                    o.order_id,
                    open_id,
                    o.item_id,
                    o.price_beans,
                    o.status,
                    o.is_sandbox,
                    o.created_at,
                    o.paid_at,
                )
                for o, open_id in rows
            ],
        )
        + f"\n{len(rows)} order(s)"
    )


def show_order(db: Database, args: argparse.Namespace) -> str:
    with db.transaction(write=False) as session:
        order = session.scalars(select(Order).where(Order.order_id == args.order_id)).first()
        if order is None:
            raise OperatorError(f"no order {args.order_id!r}")
        owner = session.get(Player, order.player_id)
        events = session.scalars(
            select(OrderEvent).where(OrderEvent.order_id == order.order_id).order_by(OrderEvent.id)
        ).all()
        received = session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.order_id == order.order_id)
            .order_by(WebhookDelivery.id)
        ).all()
        rows = session.scalars(
            select(LedgerEntry)
            .where(LedgerEntry.order_id == order.order_id)
            .order_by(LedgerEntry.id)
        ).all()
    fields = [
        ("order_id", order.order_id), ("trade_order_id", order.trade_order_id),
        ("player", owner.open_id if owner else order.player_id), ("item", order.item_id),
        ("price", f"{order.price_beans} Beans x {order.quantity}"), ("status", order.status),
        ("fulfilled", order.fulfilled), ("sandbox", order.is_sandbox),
        ("refunded", f"{order.refunded_beans} Beans"), ("created", order.created_at),
        ("paid", order.paid_at), ("last queried", order.last_queried_at),
    ]  # fmt: skip
    parts = ["\n".join(f"{k:<15} {_cell(v)}" for k, v in fields)]
    parts.append("events\n" + table(
        ["kind", "key", "source", "refund", "delivery", "at"],
        [(e.kind, e.event_key, e.source, e.refund_amount, e.delivery_id, e.created_at)
         for e in events],
    ))  # fmt: skip
    parts.append("deliveries\n" + _deliveries_table(received))
    parts.append("ledger\n" + _ledger_table(rows))
    return "\n\n".join(parts)


def _deliveries_table(rows: Sequence[WebhookDelivery]) -> str:
    return table(
        ["id", "received", "source", "event", "order_id", "outcome", "detail"],
        [(d.id, d.received_at, d.source, d.event, d.order_id, d.outcome, d.detail) for d in rows],
    )


def _ledger_table(rows: Sequence[LedgerEntry]) -> str:
    return table(
        ["id", "at", "stock", "delta", "reason", "order_id", "note"],
        [(r.id, r.created_at, r.stock_id, f"{r.delta:+d}", r.reason, r.order_id, r.note)
         for r in rows],
    )  # fmt: skip


def show_ledger(db: Database, args: argparse.Namespace) -> str:
    with db.transaction(write=False) as session:
        player = _player(session, args.open_id)
        rows = ledger.entries(session, player_id=player.id, limit=args.limit)
        cached = ledger.inventory(session, player_id=player.id)
        derived = ledger.derived_balances(session, player_id=player.id)
    balances = ", ".join(f"{k}={v}" for k, v in sorted(cached.items())) or "(empty)"
    text = f"{_ledger_table(rows)}\n\nbalances: {balances}"
    if cached != derived:
        text += f"\nWARNING: cached balances differ from the ledger's sum {derived}"
    return text


def list_deliveries(db: Database, args: argparse.Namespace) -> str:
    with db.transaction(write=False) as session:
        query = select(WebhookDelivery)
        if args.outcome:
            query = query.where(WebhookDelivery.outcome == args.outcome)
        rows = session.scalars(query.order_by(WebhookDelivery.id.desc()).limit(args.limit)).all()
    return _deliveries_table(rows) + f"\n{len(rows)} deliver{'y' if len(rows) == 1 else 'ies'}"


def replay(db: Database, args: argparse.Namespace) -> str:
    try:
        result = deliveries.replay(
            db,
            load_catalog(),
            delivery_id=args.delivery_id,
            client_key=args.client_key,
            now=datetime.now(UTC),
        )
    except LookupError as exc:
        raise OperatorError(str(exc)) from None
    except EnvelopeError as exc:
        raise OperatorError(f"delivery {args.delivery_id} is not a valid envelope: {exc}") from None
    except deliveries.DeliveryFailed as exc:
        raise OperatorError(f"replaying delivery {args.delivery_id} failed again: {exc}") from None
    return f"replayed delivery {args.delivery_id} as {result.delivery_id}: {result.outcome}" + (
        f" ({result.detail})" if result.detail else ""
    )


def adjust(db: Database, args: argparse.Namespace) -> str:
    sign = 1 if args.action == "grant" else -1
    if not _STOCK.match(args.stock_id):
        raise OperatorError(f"{args.stock_id!r} is not a stock id (coins, revive, skin.<name>)")
    if not args.reason.strip():
        raise OperatorError("--reason must say why")
    with db.transaction() as session:
        player = _player(session, args.open_id)
        try:
            ledger.append(
                session,
                player_id=player.id,
                stock_id=args.stock_id,
                delta=sign * args.quantity,
                reason=ledger.LedgerReason.ADMIN,
                idempotency_key=f"admin:{uuid.uuid4().hex}",
                note=args.reason.strip(),
            )
        except NotEnough:
            held = ledger.balance(session, player_id=player.id, stock_id=args.stock_id)
            raise OperatorError(
                f"{args.open_id} has only {held} {args.stock_id}: cannot revoke {args.quantity}"
            ) from None
        now = ledger.balance(session, player_id=player.id, stock_id=args.stock_id)
    verb = "granted" if sign > 0 else "revoked"
    return f"{verb} {args.quantity} {args.stock_id} for {args.open_id}: now {now}"


def revenue(db: Database, args: argparse.Namespace) -> str:
    with db.transaction(write=False) as session:
        rows = session.execute(
            select(
                Order.item_id,
                Order.is_sandbox.is_(True),
                func.count(),
                func.sum(Order.price_beans * Order.quantity),
                func.sum(Order.refunded_beans),
            )
            .where(Order.paid_at.is_not(None))
            .group_by(Order.item_id, Order.is_sandbox.is_(True))
            .order_by(Order.item_id)
        ).all()
    real = [(i, n, int(g or 0), int(r or 0)) for i, sandbox, n, g, r in rows if not sandbox]
    sandbox = [(n, int(g or 0)) for _, is_sandbox, n, g, _ in rows if is_sandbox]
    lines = table(
        ["item", "orders", "gross Beans", "refunded Beans", "net Beans"],
        [(i, n, g, r, g - r) for i, n, g, r in real]
        + [("TOTAL", sum(x[1] for x in real), sum(x[2] for x in real),
            sum(x[3] for x in real), sum(x[2] - x[3] for x in real))],
    )  # fmt: skip
    count, beans = sum(n for n, _ in sandbox), sum(g for _, g in sandbox)
    return lines + f"\nexcluded: {count} sandbox order(s), {beans} Beans"


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive whole number")
    return value


def register(subparsers: Any) -> None:
    """Add `orders` and its subcommands to `python -m server`."""
    parser = subparsers.add_parser(
        "orders",
        help="operator commands: orders, ledgers, webhook deliveries, manual grants, revenue",
        description="Look at and repair payments. Reads DATABASE_URL like the server.",
    )
    sub = parser.add_subparsers(dest="orders_command", metavar="subcommand", required=True)

    def command(name: str, run: Callable[[Database, argparse.Namespace], str], text: str) -> Any:
        p = sub.add_parser(name, help=text, description=text)
        p.set_defaults(func=_runner(run))
        return p

    p = command("list", list_orders, "list orders, newest first")
    p.add_argument("--status", choices=STATUSES, help="only orders in this status")
    p.add_argument("--limit", type=_positive, default=50, help="at most this many (default 50)")
    p = command("show", show_order, "one order with its events, deliveries and ledger rows")
    p.add_argument("order_id", help="our order id (bh_…)")
    p = command("ledger", show_ledger, "a player's ledger rows and balances")
    p.add_argument("open_id", help="the player's TikTok open_id")
    p.add_argument("--limit", type=_positive, default=1000, help="at most this many rows")
    p = command("deliveries", list_deliveries, "stored webhook deliveries, newest first")
    p.add_argument("--outcome", choices=OUTCOMES, help="only deliveries with this outcome")
    p.add_argument("--limit", type=_positive, default=50, help="at most this many (default 50)")
    p = command("replay", replay, "run a stored delivery through the processing again")
    p.add_argument("delivery_id", type=_positive, help="the delivery's id (see `deliveries`)")
    for action, verb in (("grant", "give"), ("revoke", "take back")):
        p = command(action, adjust, f"{verb} stock by hand (ledger reason `admin`)")
        p.add_argument("open_id", help="the player's TikTok open_id")
        p.add_argument("stock_id", help="coins, revive or skin.<name>")
        p.add_argument("quantity", type=_positive, help="how many")
        p.add_argument("--reason", required=True, help="why (recorded in the ledger)")
        p.set_defaults(action=action)
    command("revenue", revenue, "Beans per item from paid orders, sandbox orders excluded")


def _runner(run: Callable[[Database, argparse.Namespace], str]) -> Callable[..., int]:
    def main(args: argparse.Namespace) -> int:
        settings = load_settings()
        if settings is None:
            return 2
        args.client_key = settings.tiktok_client_key
        db = Database(settings.database_url)
        try:
            print(run(db, args))
        except OperatorError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        except DBAPIError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
            print(f"error: the database cannot be used: {reason}", file=sys.stderr)
            print(
                "       (is DATABASE_URL right, and `python -m server migrate` run?)",
                file=sys.stderr,
            )
            return 1
        finally:
            db.dispose()
        return 0

    return main
