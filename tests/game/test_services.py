"""The game's services against the real server (python -m server, SANDBOX=1, SQLite) with the
native transport playing TikTok through the sandbox: login, shop, revive, runs, ads."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from bridge import Bridge
from bridge.transports.native import NativeTransport
from game.services import Services
from game.storage import LocalStore
from tests.rules.support import play

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("game-server")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "SANDBOX": "1",
        "DATABASE_URL": f"sqlite:///{tmp / 'server.db'}",
        "PUBLIC_BASE_URL": base,
        "AD_REWARD_COOLDOWN_SECONDS": "0",
        # headless games step faster than real time: the server's pace check is tested elsewhere
        "RUN_TIME_TOLERANCE_SECONDS": "3600",
    }
    command = [sys.executable, "-m", "server", "--host", "127.0.0.1", "--port", str(port)]
    log = tmp / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 30
            while True:
                if proc.poll() is not None:
                    pytest.fail(f"the server exited: {log.read_text()[-3000:]}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    pytest.fail(f"the server never answered: {log.read_text()[-3000:]}")
                time.sleep(0.1)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
async def services(server_url: str, tmp_path: Path) -> AsyncIterator[Services]:
    transport = NativeTransport(
        server_url, state_path=tmp_path / "sim.json", ad="complete", pay="confirm"
    )
    s = Services(
        Bridge(transport),
        LocalStore(None),
        server_url=server_url,
        poll_interval=0.1,
        purchase_timeout=15,
    )
    yield s
    await s.close()


async def test_login_shop_revive_and_runs_against_the_real_server(services: Services) -> None:
    await services.login()
    assert services.online, services.guest_reason
    ids = {item["id"] for item in services.catalog}
    assert {"revive_pack", "skin_golden"} <= ids
    assert services.inventory.count("revive") == 0

    purchase, job = services.buy("revive_pack")
    await job.wait()
    assert purchase.state == "done", purchase.message
    assert services.inventory.count("revive") == 5

    assert await services.consume_revive()
    assert services.inventory.count("revive") == 4

    for _ in range(10):  # the server picks the seed: 1 in 300 of the bot's runs has no coin
        ticket = await services.start_run()
        world = play(ticket.seed, revive=True)
        if world.coins_collected:
            break
    assert await services.revive_run(ticket.run_id, "token")
    assert services.inventory.count("revive") == 3
    result = await services.finish_run(ticket.run_id, world)
    assert result.saved, result.message
    assert (result.best_score, result.coins_granted) == (world.score, world.coins_collected)
    coins = services.inventory.coins
    assert coins == world.coins_collected
    outcome = await services.watch_ad()
    assert outcome.rewarded
    await services.claim_ad_reward("double_coins")
    assert services.inventory.coins == 2 * coins

    message = await services.buy_with_coins("skin_cocoa")  # 300 coins: not yet
    assert message != "Unlocked!" and services.inventory.count("skin.cocoa") == 0


async def test_a_cancelled_payment_grants_nothing_on_the_real_server(
    server_url: str, tmp_path: Path
) -> None:
    transport = NativeTransport(server_url, state_path=tmp_path / "sim.json", pay="cancel")
    s = Services(Bridge(transport), LocalStore(None), server_url=server_url, poll_interval=0.1)
    try:
        await s.login()
        purchase, job = s.buy("skin_golden")
        await job.wait()
        assert purchase.state == "cancelled"
        await s.refresh_inventory()
        assert s.inventory.count("skin.golden") == 0
    finally:
        await s.close()


async def test_the_game_plays_headless_against_the_server(server_url: str, tmp_path: Path) -> None:
    """Signed in, the server seeds the runs: the bot's runs end within 4,100 steps (300 random
    seeds: median 1,370, longest 4,017), so in 6,000 frames one is replayed and saved."""
    stats = tmp_path / "stats.json"
    env = {**os.environ, "BEANHOP_SIM_STATE": str(tmp_path / "sim.json")}
    done = subprocess.run(
        [sys.executable, "-m", "game", "--headless", "--autoplay", "--frames", "6000",
         "--seed", "6", "--server", server_url, "--stats", str(stats)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(stats.read_text())
    assert data["frames"] == 6000 and data["runs"] >= 1
    assert data["seed"] == 6, "--seed seeds offline runs; the server seeds its own"
    # The same simulated TikTok user signs in again and finds the run on the server.
    transport = NativeTransport(server_url, state_path=tmp_path / "sim.json")
    again = Services(Bridge(transport), LocalStore(None), server_url=server_url)
    try:
        await again.login()
        assert again.online and again.server_best > 0
    finally:
        await again.close()
