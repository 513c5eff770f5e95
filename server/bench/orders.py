"""Order creation latency at N concurrent clients against `python -m server` with the sandbox.

Starts the server (SANDBOX=1, SQLite) on a free port, logs in the players through the sandbox,
then fires order creations from `--concurrency` clients and prints latency percentiles and the
throughput. Target: p99 < 50 ms at 32 clients.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from typing import Any

import httpx

from server.bench.process import running_server
from server.bench.rawhttp import RawConnection

TARGET_P99_MS = 50.0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("orders", help="order creation latency", description=__doc__)
    parser.add_argument("--players", type=int, default=32, help="players to log in (default 32)")
    parser.add_argument(
        "--concurrency", type=int, default=32, help="concurrent clients (default 32)"
    )
    parser.add_argument("--orders", type=int, default=2000, help="orders to create (default 2000)")
    parser.add_argument("--warmup", type=int, default=100, help="orders before measuring")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp dir")
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="orders per second in all (paced, open loop); 0: each client as fast as it can",
    )
    parser.set_defaults(func=run)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


async def _login(client: httpx.AsyncClient, n: int) -> str:
    code = await client.post("/sandbox/control/login_codes", json={"display_name": f"Bench {n}"})
    code.raise_for_status()
    session = await client.post("/api/session", json={"code": code.json()["code"]})
    session.raise_for_status()
    return str(session.json()["token"])


async def _fire(
    base: str, tokens: list[str], total: int, concurrency: int, rate: float = 0.0
) -> tuple[list[float], dict[int, int], float]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    counter = iter(range(total))
    body = json.dumps({"item_id": "revive_pack"}).encode()
    begin = time.perf_counter()

    async def worker(w: int) -> None:
        connection = RawConnection(base)
        headers = {"Authorization": f"Bearer {tokens[w % len(tokens)]}"}
        try:
            for n in counter:
                if rate > 0:  # order n is due at n / rate; latency counts from when it was due
                    due = begin + n / rate
                    await asyncio.sleep(max(0.0, due - time.perf_counter()))
                    started = due
                else:
                    started = time.perf_counter()
                status, _ = await connection.request("POST", "/api/orders", body, headers)
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            await connection.aclose()

    started = time.perf_counter()
    await asyncio.gather(*(worker(w) for w in range(concurrency)))
    return latencies, statuses, time.perf_counter() - started


async def _bench(base: str, args: argparse.Namespace) -> int:
    limits = httpx.Limits(
        max_connections=args.concurrency, max_keepalive_connections=args.concurrency
    )
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        tokens = list(await asyncio.gather(*(_login(client, n) for n in range(args.players))))
    await _fire(base, tokens, args.warmup, args.concurrency)
    latencies, statuses, elapsed = await _fire(
        base, tokens, args.orders, args.concurrency, args.rate
    )
    p50, p95, p99 = (percentile(latencies, f) for f in (0.50, 0.95, 0.99))
    pace = f"paced at {args.rate:g}/s" if args.rate > 0 else "closed loop"
    print(f"orders: {args.orders} from {args.concurrency} concurrent clients ({pace}),")
    print(f"        {args.players} players logged in through the sandbox")
    print(f"        server: {args.workers} worker(s), SANDBOX=1, {args.database_url or 'SQLite'}")
    print(f"status: {dict(sorted(statuses.items()))}")
    print(
        f"latency ms: p50 {p50:.1f}  p95 {p95:.1f}  p99 {p99:.1f}  "
        f"mean {statistics.fmean(latencies):.1f}  max {max(latencies):.1f}"
    )
    print(f"throughput: {args.orders / elapsed:.0f} orders/s over {elapsed:.2f} s")
    verdict = "met" if p99 < TARGET_P99_MS else "missed"
    print(f"target p99 < {TARGET_P99_MS:.0f} ms: {verdict}")
    return 0 if statuses.get(201, 0) == args.orders else 1


def run(args: argparse.Namespace) -> int:
    with running_server(workers=args.workers, database_url=args.database_url) as base:
        return asyncio.run(_bench(base, args))
