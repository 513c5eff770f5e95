"""Screenshots of every scene into docs/screenshots/: python scripts/screenshots.py [--out DIR].

Runs the real scenes headless with the fake bridge transport and a tiny in-memory stand-in for the
game server (a signed-in player with some coins, revives and a skin), so the pictures show the game
as a player with an account sees it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pygame  # noqa: E402

from bridge import Bridge  # noqa: E402
from bridge.transports import FakeTransport, ok  # noqa: E402
from game.assets import ASSETS_DIR, Assets  # noqa: E402
from game.audio import Audio  # noqa: E402
from game.render import Renderer  # noqa: E402
from game.scenes import Context, SceneManager, build_manager  # noqa: E402
from game.services import Services  # noqa: E402
from game.storage import LocalStore  # noqa: E402
from game.ui import Painter  # noqa: E402
from rules.bot import Bot  # noqa: E402
from rules.world import DT, HEIGHT, WIDTH, World  # noqa: E402

SERVER = "http://beanhop.local"
PLAYER = {"open_id": "demo", "display_name": "Hopper", "avatar_url": ""}


def catalog() -> dict[str, Any]:
    path = ROOT / "server" / "catalog.json"
    if path.is_file():
        return dict(json.loads(path.read_text()))
    return {"items": [], "coin_items": []}


class DemoServer:
    def __init__(self) -> None:
        self.inventory = {"items": {"revive": 3, "skin.golden": 1, "skin.mint": 1}, "coins": 460}

    def __call__(self, args: dict[str, Any]) -> dict[str, Any]:
        method, path = args["method"], urlsplit(args["url"]).path
        answers: dict[tuple[str, str], Any] = {
            ("POST", "/api/session"): {"token": "demo", "expires_in": 3600, "player": PLAYER},
            ("GET", "/api/me"): {"player": PLAYER, "best_score": 1280, "inventory": self.inventory},
            ("GET", "/api/catalog"): catalog(),
            ("GET", "/api/inventory"): self.inventory,
            ("POST", "/api/runs"): {"run_id": 1, "seed": 2, "coins_left_today": 1000},
            ("POST", "/api/runs/1/result"): {
                "best_score": 1280,
                "coins_granted": 9,
                "inventory": self.inventory,
            },
            ("POST", "/api/orders"): {
                "order_id": "o1",
                "trade_order_id": "t1",
                "status": "pending",
            },
        }
        if method == "GET" and path.startswith("/api/orders/"):
            body: Any = {"order_id": "o1", "status": "pending", "fulfilled": False}
        else:
            body = answers.get((method, path), {})
        return ok({"status": 200, "headers": {}, "body": json.dumps(body)})


async def frames(manager: SceneManager, surface: pygame.Surface, n: int) -> None:
    for _ in range(n):
        manager.update(DT)
        manager.draw(surface)
        await asyncio.sleep(0)


def switch(manager: SceneManager, name: str, **payload: Any) -> None:
    manager.current.go(name, **payload)
    manager._switch()


def playing_world(world: World, ticks: int) -> World:
    bot = Bot(world.seed)
    for _ in range(ticks):
        world.step(bot.decide(world))
        assert not world.over, "pick a seed and tick count where the bot is still climbing"
    return world


async def shoot(out: Path) -> list[Path]:
    pygame.display.init()
    pygame.font.init()
    surface = pygame.display.set_mode((WIDTH, HEIGHT))
    transport = FakeTransport()
    transport.set_handler("login", lambda args: ok({"code": "demo"}))
    transport.set_handler("http", DemoServer())
    transport.set_handler("pay", lambda args: ok({}))
    store = LocalStore(None)
    store.set(skin="classic")
    services = Services(Bridge(transport), store, server_url=SERVER, poll_interval=30)
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

    await frames(manager, surface, 40)
    save("title")
    world = playing_world(ctx.server_runs.begin(2), 440)  # the demo server's run: seed 2
    switch(manager, "play", world=world)
    await frames(manager, surface, 1)
    save("play")
    switch(manager, "pause", world=world)
    save("pause")
    bot = Bot(2)
    while not world.over:
        world.step(bot.decide(world))
    switch(manager, "gameover", world=world)
    await frames(manager, surface, 2)
    save("gameover")
    manager.handle_event(_click(manager, "skip"))
    await frames(manager, surface, 10)
    save("results")
    switch(manager, "shop", back="title")
    await frames(manager, surface, 20)
    save("shop")
    for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
        manager.handle_event(_click(manager, "buy:revive_pack", kind))
    await frames(manager, surface, 20)
    save("shop_processing")
    switch(manager, "profile", back="title")
    await frames(manager, surface, 31)
    save("profile")
    await services.close()
    pygame.quit()
    return written


def _click(
    manager: SceneManager, button_id: str, kind: int = pygame.MOUSEBUTTONUP
) -> pygame.event.Event:
    button = manager.current.button(button_id)
    if kind == pygame.MOUSEBUTTONUP:
        manager.current._pressed = button_id
    return pygame.event.Event(kind, pos=button.rect.center, button=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for path in asyncio.run(shoot(args.out)):
        print(path)


if __name__ == "__main__":
    main()
