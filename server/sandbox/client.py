"""The command line's client side: calls a running sandbox's control API, prints tables."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

import httpx


class CommandError(Exception):
    """A one-line message for the user; the command exits with status 1."""


def call(base_url: str, method: str, path: str, body: Any = None) -> Any:
    url = base_url.rstrip("/") + path
    try:
        with httpx.Client(timeout=10.0) as client:
            response = client.request(method, url, json=body)
    except httpx.ConnectError as exc:
        raise CommandError(
            f"cannot reach the sandbox at {base_url}: start it with "
            "'python -m server.sandbox serve --port 8000' (or the game server with SANDBOX=1), "
            "or pass --url"
        ) from exc
    except httpx.HTTPError as exc:
        raise CommandError(f"the sandbox at {base_url} did not answer: {exc}") from exc
    try:
        data = response.json()
    except ValueError as exc:
        raise CommandError(f"{url} answered {response.status_code} without JSON") from exc
    if response.status_code >= 400:
        error = data.get("error") if isinstance(data, dict) else None
        if isinstance(error, dict):
            raise CommandError(f"{error.get('code')}: {error.get('message')}")
        raise CommandError(f"{url} answered {response.status_code}: {data}")
    return data


def when(timestamp: float | None) -> str:
    if timestamp is None:
        return "-"
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(timestamp))


def table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> str:
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def orders_table(orders: list[dict[str, Any]]) -> str:
    if not orders:
        return "no orders yet"
    headers = ["trade_order_id", "order_id", "open_id", "beans", "status", "refunded", "created"]
    keys = ["trade_order_id", "order_id", "open_id", "token_amount", "status", "refunded_amount"]
    rows = [[*(o[k] for k in keys), when(o["created_at"])] for o in orders]
    return table(rows, headers)


def deliveries_table(deliveries: list[dict[str, Any]]) -> str:
    if not deliveries:
        return "no webhook deliveries yet"
    headers = ["id", "event", "trade_order_id", "status", "attempts", "last", "url"]
    rows = []
    for d in deliveries:
        last = d["attempts"][-1] if d["attempts"] else None
        outcome = "-" if last is None else (last["status_code"] or last["error"])
        event = d["event"].removeprefix("minis.trade_order.redeem.")
        rows.append([d["id"], event, d["trade_order_id"], d["status"], len(d["attempts"])])
        rows[-1] += [outcome, d["url"] or "(none)"]
    return table(rows, headers)


def users_table(users: list[dict[str, Any]]) -> str:
    if not users:
        return "no users yet"
    rows = [[u["open_id"], u["display_name"], u["beans"]] for u in users]
    return table(rows, ["open_id", "display_name", "beans"])


def pretty(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True)


def parse_setting(text: str) -> tuple[str, Any]:
    """``key=value`` with JSON-ish values: true/false, null/none, numbers, else a string."""
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise CommandError(f"--set wants key=value, got {text!r}")
    lowered = raw.strip().lower()
    if lowered in ("true", "false"):
        return key, lowered == "true"
    if lowered in ("null", "none", ""):
        return key, None
    for kind in (int, float):
        try:
            return key, kind(raw)
        except ValueError:
            pass
    return key, raw
