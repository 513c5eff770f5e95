"""The game's services against the real server (python -m server, SANDBOX=1, SQLite) with the
native transport playing TikTok through the sandbox: login, shop, revive, runs, ads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bridge import Bridge
from bridge.transports.native import NativeTransport
from game.services import Services
from game.storage import LocalStore
from tests.rules.support import play

ROOT = Path(__file__).resolve().parents[2]


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


async def test_a_player_short_of_beans_is_told_so_on_the_real_server(
    server_url: str, tmp_path: Path
) -> None:
    """The simulated player has no Beans and closes the pay sheet instead of recharging."""
    transport = NativeTransport(server_url, state_path=tmp_path / "sim.json", recharge="no")
    s = Services(Bridge(transport), LocalStore(None), server_url=server_url, poll_interval=0.1)
    try:
        await s.login()
        purchase, job = s.buy("skin_golden")
        await job.wait()
        assert (purchase.state, purchase.message) == (
            "failed",
            "Not enough Beans: recharge in TikTok, then try again",
        )
        await s.refresh_inventory()
        assert s.inventory.count("skin.golden") == 0

        transport.recharge_outcome = "yes"  # the next time, the player recharges on the sheet
        purchase, job = s.buy("skin_golden")
        await job.wait()
        assert purchase.state == "done", purchase.message
        assert s.inventory.count("skin.golden") == 1
    finally:
        await s.close()
