"""Screenshots of every scene into docs/screenshots/: python scripts/screenshots.py [--out DIR].

Starts the real game server (``python -m server`` with its TikTok sandbox, SQLite in a temporary
directory, a free port on 127.0.0.1; or uses ``--server URL``) and runs the real scenes headless
with the native transport playing TikTok through that sandbox, as ``python -m game`` does. So the
shop shows the server's own catalog and pictures: a stand-in catalog cannot hide a bug there. The
player ("Hopper") first buys a revive pack and the golden skin (recharging Beans on the pay sheet)
and has the careful bot play a 2-minute run the server verifies, so the pictures show the game as
a player with an account sees it (the server picks the runs' seeds: pictures vary a little).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import pygame  # noqa: E402

from bridge import Bridge  # noqa: E402
from bridge.transports.native import NativeTransport  # noqa: E402
from game.assets import ASSETS_DIR, Assets  # noqa: E402
from game.audio import Audio  # noqa: E402
from game.render import Renderer  # noqa: E402
from game.scenes import Context, SceneManager, build_manager  # noqa: E402
from game.services import Services  # noqa: E402
from game.storage import LocalStore  # noqa: E402
from game.ui import Painter  # noqa: E402
from rules.bot import Bot  # noqa: E402
from rules.world import DT, HEIGHT, WIDTH, World  # noqa: E402

STARTUP_SECONDS = 60.0
WAIT_SECONDS = 30.0


class ScreenshotError(RuntimeError):
    """Something the screenshots need did not happen; the message says what to do."""


@contextlib.contextmanager
def game_server(workdir: Path) -> Iterator[str]:
    """``python -m server`` with SANDBOX=1 on a free port of 127.0.0.1; yields its URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "SANDBOX": "1",
        "DATABASE_URL": f"sqlite:///{workdir / 'server.db'}",
        "PUBLIC_BASE_URL": base,
        # the player's runs are played by the bot faster than real time (docs/server.md, "Runs")
        "RUN_TIME_TOLERANCE_SECONDS": "3600",
    }
    log = workdir / "server.log"
    print(f"- starting the game server and its TikTok sandbox at {base}", flush=True)
    with log.open("wb") as out:
        command = [sys.executable, "-m", "server", "--host", "127.0.0.1", "--port", str(port)]
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)  # noqa: S603
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while not _healthy(base):
                if process.poll() is not None or time.monotonic() > deadline:
                    tail = log.read_text(errors="replace")[-2000:]
                    raise ScreenshotError(f"the game server did not start:\n{tail}")
                time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def new_player(server: str, state: Path) -> None:
    """A sandbox player named Hopper, remembered where the native transport looks for it."""
    try:
        answer = httpx.post(f"{server}/sandbox/control/users", json={"display_name": "Hopper"})
    except httpx.HTTPError as exc:
        raise ScreenshotError(f"cannot reach {server} ({exc}): is it running?") from exc
    if answer.status_code != 201:
        raise ScreenshotError(f"{server} has no TikTok sandbox (start it with SANDBOX=1)")
    state.write_text(json.dumps({"open_id": answer.json()["open_id"]}))


async def until(
    manager: SceneManager, surface: pygame.Surface, what: str, done: Callable[[], bool]
) -> None:
    """Frames, with real time between them for the network, until ``done()``."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not done():
        if time.monotonic() > deadline:
            raise ScreenshotError(f"gave up waiting for {what} (scene {manager.name})")
        manager.update(DT)
        manager.draw(surface)
        await asyncio.sleep(0.02)


async def frames(manager: SceneManager, surface: pygame.Surface, n: int) -> None:
    for _ in range(n):
        manager.update(DT)
        manager.draw(surface)
        await asyncio.sleep(0)


def switch(manager: SceneManager, name: str, **payload: Any) -> None:
    manager.current.go(name, **payload)
    manager._switch()


def playing_world(world: World, ticks: int) -> World:
    """``world`` after ``ticks`` steps of the careful bot (which does not fall that early)."""
    bot = Bot(world.seed, careful=True)
    for _ in range(ticks):
        world.step(bot.decide(world))
    return world


async def account(services: Services) -> None:
    """What the player owns in the pictures, got the real way: paid purchases and a run."""
    for item_id in ("revive_pack", "skin_golden"):
        purchase, job = services.buy(item_id)
        await job.wait()
        if purchase.state != "done":
            raise ScreenshotError(f"buying {item_id} failed: {purchase.message}")
    ticket = await services.start_run()  # the server verifies a run by replaying it
    result = await services.finish_run(ticket.run_id, playing_world(World(ticket.seed), 7200))
    if not result.saved:
        raise ScreenshotError(
            f"recording a run failed: {result.message} (a --server needs "
            "RUN_TIME_TOLERANCE_SECONDS=3600: the bot plays faster than real time)"
        )


async def shoot(out: Path, server: str, workdir: Path) -> list[Path]:
    pygame.display.init()
    pygame.font.init()
    surface = pygame.display.set_mode((WIDTH, HEIGHT))
    new_player(server, workdir / "sim-user.json")
    transport = NativeTransport(
        server, state_path=workdir / "sim-user.json", ad="complete", pay="confirm", recharge="yes"
    )
    store = LocalStore(None)
    store.set(skin="classic")
    services = Services(Bridge(transport), store, server_url=server, poll_interval=0.2)
    assets = Assets(ASSETS_DIR)
    ctx = Context(
        assets,
        Renderer(assets),
        Painter(assets),
        Audio(ASSETS_DIR, enabled=False),
        services,
        store,
        seed=3,
    )
    services.start()
    manager = build_manager(ctx)
    written: list[Path] = []

    def save(name: str) -> None:
        manager.draw(surface)
        path = out / f"{name}.png"
        pygame.image.save(surface, str(path))
        written.append(path)

    try:
        await until(manager, surface, "sign-in", lambda: services.status != "connecting")
        if not services.online:
            raise ScreenshotError(f"the player could not sign in: {services.guest_reason}")
        print("- signed in; buying a revive pack and the golden skin, recording a run", flush=True)
        await account(services)
        await services.refresh_profile()
        await frames(manager, surface, 40)
        await until(manager, surface, "the next run", lambda: ctx.server_runs.settled)
        save("title")
        world = playing_world(ctx.server_runs.begin(2), 440)  # the server's run, saved at results
        switch(manager, "play", world=world)
        await frames(manager, surface, 1)
        save("play")
        switch(manager, "pause", world=world)
        save("pause")
        bot = Bot(world.seed)
        while not world.over:
            world.step(bot.decide(world))
        switch(manager, "gameover", world=world)
        await frames(manager, surface, 2)
        save("gameover")
        manager.handle_event(_click(manager, "skip"))
        await until(manager, surface, "the run saved", lambda: manager.current.result is not None)
        await frames(manager, surface, 10)
        save("results")
        switch(manager, "shop", back="title")
        shop = manager.current
        loaded = lambda: bool(shop.items) and shop.load_job is None  # noqa: E731
        await until(manager, surface, "the catalog", loaded)
        await frames(manager, surface, 20)
        save("shop")
        # The pay sheet closes without paying: the shop waits for TikTok's confirmation.
        transport.pay_outcome, services.poll_interval = "pending", 30.0
        for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
            manager.handle_event(_click(manager, "buy:revive_pack", kind))
        processing = lambda: shop.purchase is not None and shop.purchase.state == "processing"  # noqa: E731
        await until(manager, surface, "the purchase processing", processing)
        await frames(manager, surface, 20)
        save("shop_processing")
        switch(manager, "profile", back="title")
        await frames(manager, surface, 31)
        save("profile")
    finally:
        await services.close(grace=0)
        pygame.quit()
    return written


def _click(
    manager: SceneManager, button_id: str, kind: int = pygame.MOUSEBUTTONUP
) -> pygame.event.Event:
    button = manager.current.button(button_id)
    if kind == pygame.MOUSEBUTTONUP:
        manager.current._pressed = button_id
    return pygame.event.Event(kind, pos=button.rect.center, button=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument(
        "--server",
        metavar="URL",
        help="a running server started with SANDBOX=1 (default: start one on a free port)",
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="beanhop-shots-") as tmp:
        workdir = Path(tmp)
        try:
            with contextlib.ExitStack() as stack:
                server = args.server or stack.enter_context(game_server(workdir))
                for path in asyncio.run(shoot(args.out, server.rstrip("/"), workdir)):
                    print(path)
        except ScreenshotError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
