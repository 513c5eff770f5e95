"""The game's test kit: a headless display, a fake Bean Hop server behind the fake transport's
``http``, a scene manager wired to both, and helpers to click buttons and run frames; and the real
server (``python -m server``, SANDBOX=1, SQLite) for the tests that need it."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pygame
import pytest

from bridge import Bridge
from bridge.transports import FakeTransport, err, ok
from game.assets import ASSETS_DIR, Assets
from game.audio import Audio
from game.render import Renderer
from game.scenes import Context, SceneManager, build_manager
from game.scenes.shop import CARD_H, TOP
from game.services import Services
from game.storage import LocalStore
from game.ui import Painter
from rules.bot import Bot
from rules.log import InputLog, LogError
from rules.replay import replay
from rules.world import DT, HEIGHT, WIDTH, Bean, Input, World
from tests.bridge.conftest import free_port, running

SERVER = "http://beanhop.test"
# The real server's catalog in its shape (image: the URL path it serves the picture at).
CATALOG = {
    "items": [
        {
            "id": "revive_pack",
            "title": "Revive Pack",
            "description": "Five revives.",
            "price_beans": 10,
            "kind": "consumable",
            "grants": {"revive": 5},
            "image": "/assets/shop/revive_pack.png",
        },
        {
            "id": "skin_golden",
            "title": "Golden Bean",
            "description": "A shiny golden skin.",
            "price_beans": 50,
            "kind": "permanent",
            "grants": {"skin.golden": 1},
            "image": "/assets/shop/skin_golden.png",
        },
    ],
    "coin_items": [
        {
            "id": "skin_cocoa",
            "title": "Cocoa Bean",
            "description": "Bought with coins.",
            "price_coins": 300,
            "kind": "permanent",
            "grants": {"skin.cocoa": 1},
            "image": "/assets/shop/skin_cocoa.png",
        }
    ],
}


@dataclass
class FakeServer:
    """The game HTTP API as the game sees it, in memory: enough to drive every scene flow."""

    items: dict[str, int] = field(default_factory=dict)
    coins: int = 0
    best: int = 0
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    fulfil_after_polls: int = 2  # GET /api/orders/{id} answers pending this many times
    requests: list[tuple[str, str, dict[str, Any] | None]] = field(default_factory=list)
    down: bool = False
    runs: dict[int, dict[str, Any]] = field(default_factory=dict)
    seeds: list[int] = field(default_factory=lambda: [1])  # the bot falls in 688 steps, 11 coins
    run_daily_cap: bool = False  # POST /api/runs answers 429 run_daily_cap
    reject_results: bool = False  # results answer 422 run_too_fast

    def inventory(self) -> dict[str, Any]:
        return {"items": dict(self.items), "coins": self.coins}

    def handle(self, args: dict[str, Any]) -> dict[str, Any]:
        if self.down:
            return err("network", "connection refused")
        method, url = str(args["method"]), str(args["url"])
        assert url.startswith(SERVER), f"the game called {url}"
        path = urlsplit(url).path
        body = json.loads(args["body"]) if args.get("body") else None
        self.requests.append((method, path, body))
        authed = args.get("headers", {}).get("Authorization") == "Bearer tok-1"
        status, data = self.route(method, path, body, authed)
        return ok({"status": status, "headers": {}, "body": json.dumps(data)})

    def route(
        self, method: str, path: str, body: dict[str, Any] | None, authed: bool
    ) -> tuple[int, Any]:
        player = {"open_id": "o-1", "display_name": "Hopper", "avatar_url": ""}
        if (method, path) == ("POST", "/api/session"):
            if body != {"code": "code-1"}:
                return 401, {"error": {"code": "invalid_code", "message": "bad login code"}}
            return 200, {"token": "tok-1", "expires_in": 3600, "player": player}
        if (method, path) == ("GET", "/api/catalog"):
            return 200, CATALOG
        if not authed:
            return 401, {"error": {"code": "unauthorized", "message": "sign in first"}}
        if (method, path) == ("GET", "/api/me"):
            return 200, {"player": player, "best_score": self.best, "inventory": self.inventory()}
        if (method, path) == ("GET", "/api/inventory"):
            return 200, self.inventory()
        if (method, path) == ("POST", "/api/inventory/consume"):
            assert body is not None
            if self.items.get(body["item_id"], 0) < body["quantity"]:
                return 409, {"error": {"code": "insufficient", "message": "not enough"}}
            self.items[body["item_id"]] -= body["quantity"]
            return 200, self.inventory()
        if (method, path) == ("POST", "/api/orders"):
            assert body is not None
            if body["item_id"] not in {i["id"] for i in CATALOG["items"]}:
                return 404, {"error": {"code": "unknown_item", "message": "No such item"}}
            n = len(self.orders) + 1
            order = {
                "order_id": f"ord-{n}",
                "trade_order_id": f"tt-{n}",
                "item_id": body["item_id"],
            }
            self.orders[order["order_id"]] = {**order, "polls": 0, "status": "pending"}
            return 201, {**order, "status": "pending", "price_beans": 10}
        if method == "GET" and path.startswith("/api/orders/"):
            order = self.orders[path.rsplit("/", 1)[1]]
            order["polls"] += 1
            if order["status"] == "pending" and order["polls"] > self.fulfil_after_polls:
                order["status"] = "paid"
                for key, n in _grants(order["item_id"]).items():
                    self.items[key] = self.items.get(key, 0) + n
            fulfilled = order["status"] == "paid"
            return 200, {
                **{k: order[k] for k in ("order_id", "item_id", "status")},
                "fulfilled": fulfilled,
            }
        if (method, path) == ("POST", "/api/ads/reward"):
            assert body is not None
            if body["placement"] == "double_coins":
                finished = [r for r in self.runs.values() if r.get("granted")]
                if not finished or finished[-1].get("doubled"):
                    return 409, {"error": {"code": "nothing_to_double", "message": "no run"}}
                finished[-1]["doubled"] = True
                self.coins += finished[-1]["granted"]
            return 200, {"placement": body["placement"], "inventory": self.inventory()}
        if path.startswith("/api/runs"):
            return self.route_runs(method, path, body)
        if (method, path) == ("POST", "/api/shop/coins"):
            assert body is not None
            if self.coins < 300:
                return 409, {"error": {"code": "not_enough_coins", "message": "Not enough coins"}}
            self.coins -= 300
            self.items["skin.cocoa"] = 1
            return 200, {"inventory": self.inventory()}
        return 404, {"error": {"code": "not_found", "message": path}}

    def route_runs(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        """The runs API, as strict as the server's: results are replayed with the rules."""
        if (method, path) == ("POST", "/api/runs"):
            if self.run_daily_cap:
                return 429, {"error": {"code": "run_daily_cap", "message": "all coins earned"}}
            run_id = len(self.runs) + 1
            seed = self.seeds[(run_id - 1) % len(self.seeds)]
            self.runs[run_id] = {"seed": seed, "status": "open", "revive": None}
            return 201, {"run_id": run_id, "seed": seed, "coins_left_today": 1000}
        _, _, _, run_id, action = path.split("/")
        run = self.runs.get(int(run_id))
        if method != "POST" or run is None:
            return 404, {"error": {"code": "unknown_run", "message": "no such run"}}
        if run["status"] != "open":
            return 409, {"error": {"code": "run_closed", "message": "already recorded"}}
        if action == "revive":
            if body["paid_with"] == "token":
                if self.items.get("revive", 0) < 1:
                    return 409, {"error": {"code": "not_enough", "message": "no revive left"}}
                self.items["revive"] -= 1
            run["revive"] = body["paid_with"]
            return 200, {
                "run_id": int(run_id),
                "revive": run["revive"],
                "inventory": self.inventory(),
            }
        if self.reject_results:
            run["status"] = "rejected"
            return 422, {"error": {"code": "run_too_fast", "message": "played too fast"}}
        try:
            log = InputLog.from_json(body["log"])
        except LogError as exc:
            return 400, {"error": {"code": exc.code, "message": exc.message}}
        outcome = replay(run["seed"], log, revive_paid=run["revive"] is not None)
        run.update(status="finished", outcome=outcome, claim=body, granted=outcome.coins)
        self.best = max(self.best, outcome.score)
        self.coins += outcome.coins
        return 200, {
            "run_id": int(run_id),
            "score": outcome.score,
            "coins": outcome.coins,
            "coins_granted": outcome.coins,
            "capped": False,
            "height": outcome.height,
            "steps": outcome.steps,
            "revived": outcome.revived,
            "best_score": self.best,
            "inventory": self.inventory(),
        }


def _grants(item_id: str) -> dict[str, int]:
    item = next(i for i in CATALOG["items"] if i["id"] == item_id)
    return dict(item["grants"])


@pytest.fixture
def display() -> Iterator[pygame.Surface]:
    """A headless 360x640 display (per test: the game's own main() quits pygame when it ends)."""
    pygame.display.init()
    pygame.font.init()
    yield pygame.display.set_mode((WIDTH, HEIGHT))


@dataclass
class Game:
    """One wired-up game: the manager, its context, the fake transport and the fake server."""

    manager: SceneManager
    ctx: Context
    transport: FakeTransport
    server: FakeServer
    surface: pygame.Surface

    @property
    def scene(self) -> Any:
        return self.manager.current

    def click(self, button_id: str) -> None:
        button = self.scene.button(button_id)
        assert button.enabled, f"{button_id} is disabled on {self.manager.name}"
        for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
            self.manager.handle_event(pygame.event.Event(kind, pos=button.rect.center, button=1))

    async def frames(self, n: int = 1, until: Callable[[], bool] | None = None) -> None:
        """Run up to ``n`` frames (update, draw, one await each), stopping early once ``until``."""
        for _ in range(n):
            if until is not None and until():
                return
            self.manager.update(DT)
            self.manager.draw(self.surface)
            await asyncio.sleep(0)
        if until is not None:
            assert until(), f"condition not met after {n} frames (scene {self.manager.name})"

    async def settle(self) -> None:
        """Start the silent login (after the test has set the scene) and wait for its outcome."""
        self.ctx.services.start()
        await self.frames(200, until=lambda: self.ctx.services.status != "connecting")


@pytest.fixture
def server() -> FakeServer:
    return FakeServer()


@pytest.fixture
def transport(server: FakeServer) -> FakeTransport:
    t = FakeTransport()
    t.set_handler("login", lambda args: ok({"code": "code-1"}))
    t.set_handler("http", server.handle)
    return t


def make_context(services: Services) -> Context:
    """What the game's main() hands its scenes, around ``services`` (no sound)."""
    assets = Assets(ASSETS_DIR)
    return Context(
        assets=assets,
        renderer=Renderer(assets),
        painter=Painter(assets),
        audio=Audio(ASSETS_DIR, enabled=False),
        services=services,
        store=services.store,
        seed=1,
    )


@pytest.fixture
async def game(display: pygame.Surface, transport: FakeTransport, server: FakeServer) -> Any:
    services = Services(Bridge(transport), LocalStore(None), server_url=SERVER, poll_interval=0)
    ctx = make_context(services)
    g = Game(build_manager(ctx), ctx, transport, server, display)
    yield g
    await services.close()


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``python -m server`` with SANDBOX=1 and SQLite on 127.0.0.1 and a free port; its URL."""
    tmp = tmp_path_factory.mktemp("game-server")
    port = free_port()
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
    with running(command, env, f"{base}/healthz", tmp / "server.log"):
        yield base


def finished_world(seed: int = 1) -> World:
    world = World(seed)
    world.bean = Bean(180, world.camera_y - 500)
    world.step(Input(0.0))
    assert world.over
    return world


async def to_game_over(game: Game) -> World:
    await game.settle()
    world = finished_world()
    game.scene.go("gameover", world=world)
    game.manager._switch()
    assert game.manager.name == "gameover"
    return world


async def play_run(game: Game, *, until: str = "gameover", limit: int = 3000) -> World:
    """From the title, signed in or not: start a run (the server's once its answer is in) and let
    the autoplay bot steer it through the real play scene until the scene ``until``."""
    await game.settle()
    await game.frames(1)  # the title asks for the first run once signed in
    await game.frames(100, until=lambda: game.ctx.server_runs.settled)
    game.click("play")
    assert game.manager.name == "play"
    world: World = game.scene.world
    game.scene.bot = Bot(world.seed)
    await game.frames(limit, until=lambda: game.manager.name == until)
    return world


# ---- the shop's pictures ------------------------------------------------------------------------

THUMB = 76  # a shop card's picture: 76 x 76, 10 px right of and 12 px below the card's corner


def thumbnail(surface: pygame.Surface, index: int) -> pygame.Surface:
    """The picture drawn on card ``index`` (where ShopScene._draw_card puts it)."""
    return surface.subsurface(pygame.Rect(14 + 10, TOP + index * (CARD_H + 8) + 12, THUMB, THUMB))


def difference(drawn: pygame.Surface, picture: pygame.Surface) -> float:
    """Mean RGB difference (0-255) between ``drawn`` and ``picture`` where the picture is (nearly)
    opaque: the card shows through its transparent corners, and smoothscale leaves alpha ~253."""
    total, opaque = 0, 0
    for x in range(THUMB):
        for y in range(THUMB):
            want = picture.get_at((x, y))
            if want.a >= 240:
                got = drawn.get_at((x, y))
                total += abs(want.r - got.r) + abs(want.g - got.g) + abs(want.b - got.b)
                opaque += 1
    assert opaque > THUMB * THUMB // 4, "a picture that is mostly transparent proves nothing"
    return total / (3 * opaque)
