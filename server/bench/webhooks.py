"""Webhook throughput against `python -m server` (uvicorn, SQLite), next to raw SQLite.

Starts the server on a free port, opens `--orders` orders through the API, then fires each order's
success webhook 4 times (1 + 3 duplicates, each freshly signed) from `--concurrency` connections in
a shuffled order. Checks that every order was granted exactly once (each delivery's outcome, and
every player's inventory), and prints deliveries per second next to the raw SQLite rate of this
machine measured in the same run: single-row write transactions (`BEGIN IMMEDIATE; INSERT;
COMMIT`) on one connection with the server's pragmas (`server.db.SQLITE_PRAGMAS`: WAL,
synchronous=FULL, so every commit waits for an fsync), and for reference the same with
synchronous=NORMAL (no fsync per commit in WAL mode: not durable across a power loss).
Also prints, for scale, the rate of webhooks refused at the signature (no database work): the
ceiling of the HTTP stack on this machine. Target: a quarter of the raw rate, zero double grants.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from server.bench.process import running_server
from server.db import SQLITE_PRAGMAS
from server.settings import PLACEHOLDER_CLIENT_KEY, PLACEHOLDER_CLIENT_SECRET
from server.webhooks import EVENT_SUCCESS, sign

COPIES = 4  # one delivery and three duplicates
REVIVES_PER_ORDER = 5  # revive_pack


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "webhooks", help="webhook deliveries per second vs raw SQLite", description=__doc__
    )
    parser.add_argument("--orders", type=int, default=500, help="orders to pay (default 500)")
    parser.add_argument(
        "--concurrency", type=int, default=32, help="concurrent connections (default 32)"
    )
    parser.add_argument("--players", type=int, default=16, help="players (default 16)")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument(
        "--raw-seconds", type=float, default=2.0, help="how long to measure raw SQLite"
    )
    parser.set_defaults(func=run)


def raw_sqlite_rate(seconds: float, pragmas: tuple[str, ...] = SQLITE_PRAGMAS) -> float:
    """Single-row write transactions per second with the server's pragmas (or `pragmas`)."""
    with tempfile.TemporaryDirectory(prefix="beanhop-raw-") as tmp:
        conn = sqlite3.connect(Path(tmp) / "raw.db", isolation_level=None)
        try:
            for pragma in pragmas:
                conn.execute(f"PRAGMA {pragma}")
            conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT UNIQUE, v INTEGER)")
            count, started = 0, time.perf_counter()
            while (elapsed := time.perf_counter() - started) < seconds:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("INSERT INTO t (k, v) VALUES (?, ?)", (f"key-{count}", count))
                conn.execute("COMMIT")
                count += 1
            return count / elapsed
        finally:
            conn.close()


async def _player(client: httpx.AsyncClient, n: int) -> dict[str, str]:
    code = await client.post("/sandbox/control/login_codes", json={"display_name": f"Bench {n}"})
    code.raise_for_status()
    session = await client.post("/api/session", json={"code": code.json()["code"]})
    session.raise_for_status()
    return {"Authorization": f"Bearer {session.json()['token']}"}


async def _open_orders(
    client: httpx.AsyncClient, players: list[dict[str, str]], total: int, concurrency: int
) -> list[tuple[int, dict[str, Any]]]:
    gate = asyncio.Semaphore(concurrency)

    async def one(n: int) -> tuple[int, dict[str, Any]]:
        owner = n % len(players)
        async with gate:
            response = await client.post(
                "/api/orders", json={"item_id": "revive_pack"}, headers=players[owner]
            )
        response.raise_for_status()
        return owner, response.json()

    return list(await asyncio.gather(*(one(n) for n in range(total))))


def _body(order: dict[str, Any]) -> bytes:
    content = {"trade_order_id": order["trade_order_id"], "order_id": order["order_id"]}
    envelope = {
        "client_key": PLACEHOLDER_CLIENT_KEY,
        "event": EVENT_SUCCESS,
        "create_time": int(time.time()),
        "user_openid": "",
        "content": json.dumps(content, separators=(",", ":")),
    }
    return json.dumps(envelope).encode()


class _Connection:
    """One keep-alive HTTP/1.1 connection: a client far cheaper than httpx, so that the figures
    measure the server, not the load generator."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> _Connection:
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        status = int((await self.reader.readline()).split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    async def close(self) -> None:
        self.writer.close()
        await self.writer.wait_closed()


async def _fire(
    port: int, bodies: list[bytes], concurrency: int, *, signed: bool = True
) -> tuple[Counter[str], float]:
    outcomes: Counter[str] = Counter()
    queue = iter(bodies)

    async def worker() -> None:
        connection = await _Connection.open(port)
        try:
            for body in queue:
                timestamp = int(time.time())
                signature = (
                    sign(body, PLACEHOLDER_CLIENT_SECRET, timestamp)
                    if signed
                    else f"t={timestamp},s={'0' * 64}"
                )
                headers = {"Content-Type": "application/json", "TikTok-Signature": signature}
                status, answer = await connection.post("/webhooks/tiktok", body, headers)
                key = json.loads(answer).get("outcome") if status == 200 else None
                outcomes[key or f"http_{status}"] += 1
        finally:
            await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return outcomes, time.perf_counter() - started


async def _bench(base: str, args: argparse.Namespace) -> dict[str, Any]:
    limits = httpx.Limits(
        max_connections=args.concurrency, max_keepalive_connections=args.concurrency
    )
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        players = list(await asyncio.gather(*(_player(client, n) for n in range(args.players))))
        orders = await _open_orders(client, players, args.orders, args.concurrency)
        bodies = [_body(order) for _, order in orders for _ in range(COPIES)]
        random.Random(7).shuffle(bodies)
        port = int(base.rsplit(":", 1)[1])
        outcomes, elapsed = await _fire(port, bodies, args.concurrency)
        expected = Counter(owner for owner, _ in orders)
    wrong = []
    # A new client: the first one's idle keep-alive connections may have been closed meanwhile.
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        for owner, headers in enumerate(players):
            inventory = (await client.get("/api/inventory", headers=headers)).json()["items"]
            if inventory.get("revive", 0) != REVIVES_PER_ORDER * expected[owner]:
                wrong.append(owner)
        refused, refused_elapsed = await _fire(port, bodies, args.concurrency, signed=False)
        ceiling = sum(refused.values()) / refused_elapsed
    return {
        "outcomes": outcomes,
        "elapsed": elapsed,
        "deliveries": len(bodies),
        "wrong": wrong,
        "ceiling": ceiling,
    }


def run(args: argparse.Namespace) -> int:
    if args.orders < 1 or args.concurrency < 1 or args.players < 1:
        print("error: --orders, --concurrency and --players must be positive")
        return 2
    with running_server(workers=args.workers, env={"LOG_LEVEL": "WARNING"}) as base:
        result = asyncio.run(_bench(base, args))
    raw = raw_sqlite_rate(args.raw_seconds)
    normal = tuple(p for p in SQLITE_PRAGMAS if not p.startswith("synchronous="))
    raw_normal = raw_sqlite_rate(args.raw_seconds, (*normal, "synchronous=NORMAL"))
    outcomes, rate = result["outcomes"], result["deliveries"] / result["elapsed"]
    double = outcomes["applied"] - args.orders
    print(f"orders {args.orders}, deliveries {result['deliveries']} (x{COPIES}),")
    print(f"  {args.concurrency} connections, {args.workers} server worker(s)")
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    print(f"webhook deliveries/s: {rate:,.0f}  ({result['elapsed']:.2f} s)")
    server_sync = next(p for p in SQLITE_PRAGMAS if p.startswith("synchronous="))
    print(f"raw SQLite write transactions/s: {raw:,.0f}  (server pragmas, {server_sync})")
    print(f"  for reference, with synchronous=NORMAL: {raw_normal:,.0f}")
    print(f"HTTP ceiling (401s, no database): {result['ceiling']:,.0f} requests/s")
    print(
        f"ratio: {rate / raw:.3f} (target >= 0.25; vs synchronous=NORMAL: {rate / raw_normal:.3f})"
    )
    ok = double == 0 and outcomes["applied"] == args.orders and not result["wrong"]
    print(
        "grants: exactly once for every order"
        if ok
        else f"GRANTS WRONG: {outcomes['applied']} applied for {args.orders} orders,"
        f" players with a wrong inventory: {result['wrong']}"
    )
    return 0 if ok else 1
