"""``python -m server.sandbox``: run the TikTok sandbox, or drive a running one (like ``stripe``)."""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from typing import Any

from . import client
from .client import CommandError, call
from .config import DEV_CLIENT_KEY, DEV_CLIENT_SECRET, RetrySchedule, SandboxConfig

DEFAULT_URL = "http://127.0.0.1:8000/sandbox"


def serve(args: argparse.Namespace) -> int:
    import socket

    import uvicorn

    from .app import create_app

    try:
        retry = RetrySchedule(args.retry_base, args.retry_factor, args.retry_attempts)
    except AssertionError as exc:
        print(f"error: bad retry schedule: {exc}", file=sys.stderr)
        return 2
    config = SandboxConfig(
        client_key=args.client_key,
        client_secret=args.client_secret,
        webhook_url=args.webhook_url,
        retry=retry,
        db_path=args.db,
    )
    try:
        app = create_app(config)
    except (OSError, sqlite3.Error) as exc:
        print(f"error: cannot open the state file {args.db}: {exc}", file=sys.stderr)
        return 1
    sock = socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
        sock.listen(2048)  # before the banner: a client may connect the moment it reads it
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        sock.close()
        return 1
    host, port = sock.getsockname()[:2]
    print(f"TikTok sandbox listening on http://{host}:{port}", flush=True)
    print(f"  webhooks to {args.webhook_url or '(none: deliveries are logged as failed)'}")
    print(f"  state {'in ' + args.db if args.db else 'in memory'}")
    print(
        f"  drive it: SANDBOX_URL=http://{host}:{port} python -m server.sandbox orders", flush=True
    )
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s:     %(message)s")
    uv_config = uvicorn.Config(app, log_level=args.log_level)
    uvicorn.Server(uv_config).run(sockets=[sock])
    return 0


def _orders(args: argparse.Namespace) -> str:
    return client.orders_table(call(args.url, "GET", "/control/orders")["orders"])


def _deliveries(args: argparse.Namespace) -> str:
    return client.deliveries_table(call(args.url, "GET", "/control/deliveries")["deliveries"])


def _users(args: argparse.Namespace) -> str:
    return client.users_table(call(args.url, "GET", "/control/users")["users"])


def _faults(args: argparse.Namespace) -> str:
    if args.clear:
        return client.pretty(call(args.url, "DELETE", "/control/faults"))
    if not args.set:
        return client.pretty(call(args.url, "GET", "/control/faults"))
    update = dict(client.parse_setting(s) for s in args.set)
    if args.order:
        return client.pretty(call(args.url, "PUT", f"/control/orders/{args.order}/faults", update))
    return client.pretty(call(args.url, "PUT", "/control/faults", update))


def _login_code(args: argparse.Namespace) -> str:
    body = {k: v for k, v in (("open_id", args.open_id), ("display_name", args.name)) if v}
    data = call(args.url, "POST", "/control/login_codes", body)
    return f"code {data['code']}\nopen_id {data['open_id']}\nexpires_in {data['expires_in']}"


def _triggered(data: dict[str, Any]) -> str:
    order = data["order"]
    lines = [f"order {order['trade_order_id']} ({order['order_id']}): {order['status']}"]
    lines.append(f"refunded {order['refunded_amount']} of {order['token_amount']} Beans")
    lines.append("deliveries: " + (", ".join(data["deliveries"]) or "none"))
    return "\n".join(lines)


def _trigger(args: argparse.Namespace) -> str:
    if args.event == "pay":
        body = {"require_balance": args.require_balance}
        return _triggered(call(args.url, "POST", f"/control/orders/{args.id}/pay", body))
    if args.event == "refund":
        body = {"amount": args.amount}
        return _triggered(call(args.url, "POST", f"/control/orders/{args.id}/refund", body))
    delivery = call(args.url, "POST", f"/control/deliveries/{args.id}/replay")["delivery"]
    return f"replaying {args.id} as {delivery['id']} ({delivery['event']}) to {delivery['url']}"


def _client_parser(sub: Any, name: str, help_text: str, run: Callable[..., str]) -> Any:
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.add_argument(
        "--url",
        default=os.environ.get("SANDBOX_URL", DEFAULT_URL),
        help="the sandbox's base URL (default: $SANDBOX_URL or %(default)s)",
    )
    parser.set_defaults(run=run)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m server.sandbox",
        description="The TikTok sandbox: TikTok's Open API and payment webhooks on your machine.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    s = sub.add_parser("serve", help="run the sandbox", description="Run the sandbox standalone.")
    s.add_argument("--host", default="127.0.0.1", help="interface to bind (default %(default)s)")
    s.add_argument("--port", type=int, default=8000, help="port (default %(default)s; 0: any)")
    s.add_argument("--webhook-url", help="where to POST webhooks (default: nowhere)")
    s.add_argument("--db", metavar="PATH", help="persist state in this SQLite file")
    key = os.environ.get("TIKTOK_CLIENT_KEY", DEV_CLIENT_KEY)
    secret = os.environ.get("TIKTOK_CLIENT_SECRET", DEV_CLIENT_SECRET)
    s.add_argument("--client-key", default=key, help="client key (default $TIKTOK_CLIENT_KEY)")
    s.add_argument("--client-secret", default=secret, help="client secret ($TIKTOK_CLIENT_SECRET)")
    s.add_argument("--retry-base", type=float, default=0.5, help="first retry delay, seconds")
    s.add_argument("--retry-factor", type=float, default=2.0, help="backoff factor")
    s.add_argument("--retry-attempts", type=int, default=8, help="attempts per webhook")
    s.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    s.set_defaults(run=serve)

    _client_parser(sub, "orders", "list the trade orders", _orders)
    _client_parser(sub, "deliveries", "list the webhook deliveries and their attempts", _deliveries)
    _client_parser(sub, "users", "list the test users", _users)
    f = _client_parser(sub, "faults", "show or switch faults", _faults)
    f.add_argument("--set", action="append", metavar="KEY=VALUE", help="e.g. --set drop=true")
    f.add_argument("--order", metavar="TRADE_ORDER_ID", help="switch them for this order only")
    f.add_argument("--clear", action="store_true", help="switch all global faults off")
    lc = _client_parser(
        sub, "login-code", "issue a login code (a new user by default)", _login_code
    )
    lc.add_argument("--open-id", help="for this existing user")
    lc.add_argument("--name", help="display name of the new user")

    t = sub.add_parser("trigger", help="pay, refund or replay", description="Trigger an event.")
    events = t.add_subparsers(dest="event", required=True, metavar="EVENT")
    pay = _client_parser(events, "pay", "pay a trade order as TTMinis.game.pay would", _trigger)
    pay.add_argument("id", metavar="TRADE_ORDER_ID")
    pay.add_argument("--require-balance", action="store_true", help="check and deduct Beans")
    refund = _client_parser(events, "refund", "refund Beans of a paid order", _trigger)
    refund.add_argument("id", metavar="TRADE_ORDER_ID")
    refund.add_argument("--amount", type=int, required=True, help="Beans clawed back")
    replay = _client_parser(events, "replay", "send a stored webhook again", _trigger)
    replay.add_argument("id", metavar="DELIVERY_ID")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    try:
        print(args.run(args))
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
