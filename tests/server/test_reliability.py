"""Payments under TikTok's delivery conditions, all over real HTTP: `python -m server` and
`python -m server.sandbox serve` run as subprocesses on free ports; the sandbox's webhooks (with
its faults and quick retries) reach the server. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import sql

from server.sandbox import RetrySchedule
from server.webhooks import EVENT_SUCCESS, sign
from tests.conftest import ROOT
from tests.server.payments_support import envelope

# Condition waits bound these tests, each with a timeout derived from what it waits for; the
# test timeout only backs them up.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
KEY, SECRET = "sbx_beanhop_client_key", "sbx_beanhop_client_secret"
# A server process is given UP seconds to come up: on a 2-core machine shared with other work it
# has taken 50 s (imports and migrations at a small share of a core).
UP = 120.0
# The sandbox's retries here: quick at first (0.1 s, growing by 1.3), so a restarted server is
# found soon after it is back, and 25 attempts, so a delivery keeps trying for RETRY_SPAN (~180 s:
# longer than a restart may take) and then reaches a final state. Tests wait for that state, the
# sandbox's own (every delivery delivered or finally failed), not for a time: SETTLE only bounds
# the wait when something is wrong, and is derived from the schedule.
RETRY = RetrySchedule(base_delay=0.1, factor=1.3, max_attempts=25)
RETRY_SPAN = sum(RETRY.delay_after(n) for n in range(1, RETRY.max_attempts))
SETTLE = RETRY_SPAN + 60.0
WAIT = 60.0  # for conditions a few quick retries reach
FINAL = frozenset({"delivered", "failed", "dropped"})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_for(
    check: Callable[[], Awaitable[bool]],
    *,
    what: str,
    timeout: float = WAIT,
    details: Callable[[], Awaitable[str]] | None = None,
) -> None:
    """Return once `check()` holds; fail the test, saying what it waited for, after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.05)
    pytest.fail(f"{what}: still not so after {timeout:.0f} s\n{await details() if details else ''}")


@dataclass
class Stack:
    tmp_path: Path
    database_url: str
    server_port: int
    sandbox_port: int
    server: subprocess.Popen[bytes] | None = None
    sandbox: subprocess.Popen[bytes] | None = None

    @property
    def server_url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"

    @property
    def sandbox_url(self) -> str:
        return f"http://127.0.0.1:{self.sandbox_port}"

    def _spawn(self, name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = (self.tmp_path / f"{name}.log").open("ab")
        try:
            return subprocess.Popen(
                [sys.executable, *argv], cwd=ROOT, env=env, stdout=log, stderr=log
            )
        finally:
            log.close()

    def start_server(self) -> None:
        env = os.environ | {
            "ENVIRONMENT": "test",
            "DATABASE_URL": self.database_url,
            "TIKTOK_API_BASE": self.sandbox_url,
            "TIKTOK_CLIENT_KEY": KEY,
            "TIKTOK_CLIENT_SECRET": SECRET,
            "SESSION_SECRET": "reliability-session-secret-0123",
            "PUBLIC_BASE_URL": self.server_url,
            "SANDBOX": "0",
            "LOG_LEVEL": "WARNING",
            "SESSION_RATE_LIMIT": "10000/minute",
        }
        self.server = self._spawn("server", ["-m", "server", "--port", str(self.server_port)], env)

    def start_sandbox(self) -> None:
        argv = ["-m", "server.sandbox", "serve", "--port", str(self.sandbox_port)]
        argv += ["--webhook-url", f"{self.server_url}/webhooks/tiktok", "--log-level", "warning"]
        argv += ["--retry-base", str(RETRY.base_delay), "--retry-factor", str(RETRY.factor)]
        argv += ["--retry-attempts", str(RETRY.max_attempts)]
        env = os.environ | {"TIKTOK_CLIENT_KEY": KEY, "TIKTOK_CLIENT_SECRET": SECRET}
        self.sandbox = self._spawn("sandbox", argv, env)

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
            for p in sorted(self.tmp_path.glob("*.log"))
        )

    def kill_server(self) -> None:
        assert self.server is not None
        self.server.send_signal(signal.SIGKILL)
        self.server.wait(timeout=10)

    def stop(self) -> None:
        for process in (self.server, self.sandbox):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


async def wait_up(http: httpx.AsyncClient, url: str, stack: Stack) -> None:
    deadline = time.monotonic() + UP
    while time.monotonic() < deadline:
        try:
            if (await http.get(url)).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.05)
    pytest.fail(f"{url} did not come up\n{stack.logs()}")


def announce_huge_body(port: int) -> str:
    """Send only the headers of a 3 MB webhook; the server must refuse before reading it."""
    head = (
        "POST /webhooks/tiktok HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {3 * 1024 * 1024}\r\nTikTok-Signature: t=1,s={'0' * 64}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head.encode())
        return sock.makefile("rb").readline().decode()


@dataclass
class Live:
    stack: Stack
    http: httpx.AsyncClient

    async def restart_server(self) -> None:
        self.stack.start_server()
        await wait_up(self.http, f"{self.stack.server_url}/healthz", self.stack)

    async def sandbox(self, method: str, path: str, body: Any = None) -> Any:
        response = await self.http.request(method, f"{self.stack.sandbox_url}{path}", json=body)
        assert response.status_code < 300, response.text
        return response.json()

    async def player(self, name: str = "Ann") -> dict[str, str]:
        code = (await self.sandbox("POST", "/control/login_codes", {"display_name": name}))["code"]
        response = await self.http.post(f"{self.stack.server_url}/api/session", json={"code": code})
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['token']}"}

    async def order(self, player: dict[str, str], item_id: str = "revive_pack") -> dict[str, Any]:
        response = await self.http.post(
            f"{self.stack.server_url}/api/orders", json={"item_id": item_id}, headers=player
        )
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    async def items(self, player: dict[str, str]) -> dict[str, int]:
        response = await self.http.get(f"{self.stack.server_url}/api/inventory", headers=player)
        assert response.status_code == 200, response.text
        body = response.json()
        return {k: v for k, v in {**body["items"], "coins": body["coins"]}.items() if v}

    async def deliveries(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = (await self.sandbox("GET", "/control/deliveries"))[
            "deliveries"
        ]
        return result

    async def settled(self) -> bool:
        """Every delivery is final, by the sandbox's own account: delivered, or failed after its
        last attempt (or dropped by a fault)."""
        return all(d["status"] in FINAL for d in await self.deliveries())

    async def report(self) -> str:
        """The deliveries not delivered, with their attempts, and the processes' logs."""
        lines = [
            f"{d['id']} {d['status']}: "
            + ", ".join(str(a["status_code"] or a["error"]) for a in d["attempts"])
            for d in await self.deliveries()
            if d["status"] != "delivered"
        ]
        return "\n".join(lines) + "\n" + self.stack.logs()

    async def wait_settled(self) -> None:
        await wait_for(
            self.settled,
            what="every webhook delivered or finally failed (the sandbox's delivery log)",
            timeout=SETTLE,
            details=self.report,
        )

    async def post_webhook(self, body: bytes, *, at: int | None = None) -> httpx.Response:
        timestamp = int(time.time()) if at is None else at
        headers = {
            "Content-Type": "application/json",
            "TikTok-Signature": sign(body, SECRET, timestamp),
        }
        return await self.http.post(
            f"{self.stack.server_url}/webhooks/tiktok", content=body, headers=headers
        )


@pytest.fixture
async def live(database_url: str, tmp_path: Path) -> AsyncIterator[Live]:
    stack = Stack(tmp_path, database_url, free_port(), free_port())
    limits = httpx.Limits(max_connections=64)
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:
        try:
            stack.start_sandbox()
            stack.start_server()
            await wait_up(http, f"{stack.sandbox_url}/control/faults", stack)
            await wait_up(http, f"{stack.server_url}/healthz", stack)
            yield Live(stack, http)
        finally:
            stack.stop()


async def test_faulty_deliveries_over_http(live: Live) -> None:
    """Duplicates, concurrency, stale/future/foreign signatures, bad bodies, a 3 MB body."""
    player = await live.player()
    order = await live.order(player)
    await live.sandbox("PUT", "/control/faults", {"duplicate": 3})
    await live.sandbox("POST", f"/control/orders/{order['trade_order_id']}/pay", {})
    await live.wait_settled()
    deliveries = await live.deliveries()
    assert len(deliveries) == 4
    assert {d["status"] for d in deliveries} == {"delivered"}, await live.report()
    assert await live.items(player) == {"revive": 5}

    body = deliveries[0]["body"].encode()
    burst = await asyncio.gather(*(live.post_webhook(body) for _ in range(40)))
    assert {r.status_code for r in burst} == {200}
    assert {r.json()["outcome"] for r in burst} == {"duplicate"}

    second = await live.order(player)
    fresh = envelope(
        EVENT_SUCCESS, client_key=KEY, order_id=second["order_id"],
        trade_order_id=second["trade_order_id"],
    )  # fmt: skip
    now = int(time.time())
    for at, code in ((now - 3600, "signature_stale"), (now + 3600, "signature_future")):
        response = await live.post_webhook(fresh, at=at)
        assert (response.status_code, response.json()["error"]["code"]) == (401, code)
    foreign = envelope(
        EVENT_SUCCESS, client_key="another_app", order_id=second["order_id"],
        trade_order_id=second["trade_order_id"],
    )  # fmt: skip
    response = await live.post_webhook(foreign)
    assert response.status_code == 200 and response.json()["outcome"] == "rejected"
    response = await live.post_webhook(b"this is not json")
    assert (response.status_code, response.json()["error"]["code"]) == (400, "malformed_json")
    status_line = await asyncio.to_thread(announce_huge_body, live.stack.server_port)
    assert status_line.startswith("HTTP/1.1 413"), status_line
    # A client that pushes the whole 3 MB anyway reads a clean 413 (the server discards the rest
    # of the body on the kept-alive connection), not a connection reset; and the connection
    # still serves the next request.
    for _ in range(3):
        response = await live.post_webhook(b'{"pad": "' + b"x" * (3 * 1024 * 1024) + b'"}')
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "body_too_large"
    assert (await live.http.get(f"{live.stack.server_url}/healthz")).status_code == 200
    assert await live.items(player) == {"revive": 5}

    concurrent = await asyncio.gather(*(live.post_webhook(fresh) for _ in range(40)))
    assert {r.status_code for r in concurrent} == {200}
    assert sorted(r.json()["outcome"] for r in concurrent) == ["applied"] + ["duplicate"] * 39
    assert await live.items(player) == {"revive": 10}


async def test_wrong_secret_and_stale_signatures_from_the_sandbox_grant_nothing(live: Live) -> None:
    player = await live.player()
    for fault in ("wrong_secret", "stale_timestamp"):
        order = await live.order(player)
        await live.sandbox(
            "PUT", f"/control/orders/{order['trade_order_id']}/faults", {fault: True}
        )
        paid = await live.sandbox("POST", f"/control/orders/{order['trade_order_id']}/pay", {})
        delivery_id = paid["deliveries"][0]

        async def answered(delivery_id: str = delivery_id) -> list[dict[str, Any]]:
            delivery = await live.sandbox("GET", f"/control/deliveries/{delivery_id}")
            return [a for a in delivery["attempts"] if a["status_code"] or a["error"]]

        async def refused_twice() -> bool:
            return len(await answered()) >= 2

        await wait_for(refused_twice, what=f"{fault}: two attempts refused")
        attempts = await answered()
        assert len(attempts) >= 2 and {a["status_code"] for a in attempts} == {401}, fault
    assert await live.items(player) == {}


async def test_refund_before_success_leaves_the_player_nothing(live: Live) -> None:
    player = await live.player()
    order = await live.order(player, "starter_bundle")
    trade = order["trade_order_id"]
    await live.sandbox("PUT", f"/control/orders/{trade}/faults", {"out_of_order": True})
    await live.sandbox("POST", f"/control/orders/{trade}/pay", {})
    await live.sandbox("POST", f"/control/orders/{trade}/refund", {"amount": 10})
    await live.wait_settled()
    deliveries = await live.deliveries()
    assert {d["status"] for d in deliveries} == {"delivered"}, await live.report()
    response = await live.http.get(
        f"{live.stack.server_url}/api/orders/{order['order_id']}", headers=player
    )
    assert response.json()["status"] == "refunded" and response.json()["fulfilled"] is False
    assert await live.items(player) == {}


async def test_a_server_killed_during_a_burst_ends_with_every_order_granted_once(
    live: Live,
) -> None:
    players = [await live.player(f"P{i}") for i in range(4)]
    orders = [(p, await live.order(p)) for p in players for _ in range(6)]
    await live.sandbox("PUT", "/control/faults", {"duplicate": 1})
    paying = [
        live.sandbox("POST", f"/control/orders/{o['trade_order_id']}/pay", {}) for _, o in orders
    ]
    await asyncio.gather(*paying[:12])
    live.stack.kill_server()  # mid-burst: some deliveries in flight, the rest will hit a dead port
    await asyncio.gather(*paying[12:])
    await live.restart_server()
    await live.wait_settled()
    deliveries = await live.deliveries()
    assert len(deliveries) == 48
    assert {d["status"] for d in deliveries} == {"delivered"}, await live.report()
    assert any(a["status_code"] != 200 for d in deliveries for a in d["attempts"])
    for player in players:
        assert await live.items(player) == {"revive": 30}
    for player, order in orders:
        response = await live.http.get(
            f"{live.stack.server_url}/api/orders/{order['order_id']}", headers=player
        )
        assert response.json()["status"] == "paid"


@pytest.mark.postgres
async def test_database_unavailable_is_503_then_success(postgres_url: str, tmp_path: Path) -> None:
    stack = Stack(tmp_path, postgres_url, free_port(), free_port())
    admin = postgres_url.rsplit("/", 1)[0] + "/postgres"
    name = postgres_url.rsplit("/", 1)[1]
    async with httpx.AsyncClient(timeout=30) as http:
        try:
            stack.start_sandbox()
            stack.start_server()
            await wait_up(http, f"{stack.sandbox_url}/control/faults", stack)
            await wait_up(http, f"{stack.server_url}/healthz", stack)
            live = Live(stack, http)
            player = await live.player()
            order = await live.order(player)
            _allow_connections(admin, name, allow=False)
            paid = await live.sandbox("POST", f"/control/orders/{order['trade_order_id']}/pay", {})
            delivery_id = paid["deliveries"][0]

            async def failed_once() -> bool:
                delivery = await live.sandbox("GET", f"/control/deliveries/{delivery_id}")
                return any(a["status_code"] == 503 for a in delivery["attempts"])

            await wait_for(failed_once, what="a delivery answered 503 while PostgreSQL is away")
            direct = await live.post_webhook(
                json.dumps({"client_key": KEY, "event": "x", "create_time": 1}).encode()
            )
            assert direct.status_code == 503
            assert direct.json()["error"]["code"] == "database_unavailable"
            _allow_connections(admin, name, allow=True)
            await live.wait_settled()
            delivery = await live.sandbox("GET", f"/control/deliveries/{delivery_id}")
            codes = [a["status_code"] for a in delivery["attempts"]]
            assert codes[0] == 503 and codes[-1] == 200 and delivery["status"] == "delivered"
            assert await live.items(player) == {"revive": 5}
        finally:
            _allow_connections(admin, name, allow=True)
            stack.stop()


def _allow_connections(admin_url: str, name: str, *, allow: bool) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS {}").format(
                sql.Identifier(name), sql.SQL("true" if allow else "false")
            )
        )
        if not allow:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )


def test_the_webhook_benchmark_checks_its_grants(capsys: pytest.CaptureFixture[str]) -> None:
    from server.bench.__main__ import main

    assert main(["webhooks", "--orders", "6", "--players", "2", "--raw-seconds", "0.1"]) == 0
    out = capsys.readouterr().out
    assert "applied 6, duplicate 18" in out and "exactly once for every order" in out
    assert "raw SQLite write transactions/s" in out and "webhook deliveries/s" in out
