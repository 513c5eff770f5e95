"""The one async main loop, for a window, headless runs and the browser alike.

Each frame: pygame events, platform events, update, draw, flip, then exactly one ``await``: the
bridge's frame clock (the display's next animation frame in a browser, the rest of 1/60 s in a
window, nothing headless; ``bridge.frames``). Between a ``hide`` and a ``show`` platform event the
app is in the background: the loop only hands on events, it neither updates nor draws.
Headless and autoplay runs use a fixed 1/60 s per frame (the same seed plays the same game); a
window uses real time, and the play scene still steps its world at the fixed rate.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

from bridge import Bridge, frames, runtime
from bridge.sound import platform_sounds
from bridge.transports import auto_transport
from game.assets import ASSETS_DIR, Assets
from game.errors import ConfigError
from game.options import Options
from game.scenes import Context, SceneManager, build_manager
from game.services import Services
from game.stats import FrameStats
from game.storage import LocalStore, default_save_path
from game.tour import Tour
from rules.world import DT, HEIGHT, WIDTH

DEFAULT_SERVER = "http://127.0.0.1:8000"
TARGET_FRAME = 1 / 60
MAX_DT = 0.1


async def main(options: Options | None = None) -> int:
    """Run the game; returns the exit status (0 when ``--frames`` ran out or the window closed)."""
    try:
        return await _run(options or Options())
    except Exception as error:  # in a browser the page shows it instead of a black frame
        runtime.boot_failed(error)
        raise


async def _run(options: Options) -> int:
    where = runtime.detect()
    if options.headless:
        os.environ["SDL_VIDEODRIVER"] = "dummy"
        os.environ["SDL_AUDIODRIVER"] = "dummy"
    import pygame  # after the SDL drivers are chosen

    pygame.init()
    flags = pygame.SCALED | pygame.RESIZABLE if where == "native" and not options.headless else 0
    screen = pygame.display.set_mode((WIDTH, HEIGHT), flags)
    pygame.display.set_caption("Bean Hop")
    services = _services(options, where)
    if where != "native":  # the browser's save lives in the platform's storage
        await services.load_saved()
        services.store.on_save = services.persist
    ctx = _context(options, where, services)
    services.start()
    tour = Tour(ctx) if options.tour else None
    manager = build_manager(ctx)
    stats = FrameStats()
    clock = frames.frame_clock(0 if options.headless else TARGET_FRAME, runtime_name=where)
    status = 0
    try:
        await _loop(pygame, screen, manager, services, options, stats, clock, tour)
    finally:
        try:
            if options.screenshot is not None:
                options.screenshot.parent.mkdir(parents=True, exist_ok=True)
                pygame.image.save(screen, str(options.screenshot))
            if options.stats is not None:
                _write_stats(options.stats, stats, manager, ctx)
        except (OSError, pygame.error) as exc:
            print(f"error: cannot write the requested output: {exc}", file=sys.stderr)
            status = 1
        await services.close()
        pygame.quit()
    return status


def _services(options: Options, where: str) -> Services:
    store = LocalStore(default_save_path() if where == "native" and not options.headless else None)
    if where != "native":  # the page's own origin, or the server a native package names
        server = options.server or ""
        return Services(Bridge(auto_transport(server_url=server)), store, server_url=server)
    server = options.server or (None if options.headless else DEFAULT_SERVER)
    try:
        transport = auto_transport(server_url=server or DEFAULT_SERVER)
    except ValueError as exc:  # the native simulator's BEANHOP_SIM_* settings
        raise ConfigError(str(exc)) from exc
    return Services(Bridge(transport), store, server_url=server)


def _context(options: Options, where: str, services: Services) -> Context:
    from game.audio import Audio
    from game.render import Renderer
    from game.ui import Painter

    assets = Assets(ASSETS_DIR)
    store = services.store
    audio = Audio(ASSETS_DIR, enabled=not options.headless, platform=platform_sounds())
    audio.set_volumes(music=float(store.get("music_volume")), sfx=float(store.get("sfx_volume")))
    audio.set_user_muted(bool(store.get("muted")))
    seed = options.seed if options.seed is not None else random.SystemRandom().randrange(2**31)
    return Context(
        assets=assets,
        renderer=Renderer(assets),
        painter=Painter(assets),
        audio=audio,
        services=services,
        store=store,
        seed=seed,
        autoplay=options.autoplay,
    )


async def _loop(
    pygame: Any,
    screen: Any,
    manager: SceneManager,
    services: Services,
    options: Options,
    stats: FrameStats,
    clock: frames.FrameClock,
    tour: Tour | None,
) -> None:
    fixed = options.headless or options.autoplay
    last = time.perf_counter()
    frame = 0
    hidden = False
    while True:
        start = time.perf_counter()
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                return
            manager.handle_event(event)
        hidden = _platform_events(services, manager, hidden)
        if not hidden:
            if tour is not None:
                tour.step(manager)
            dt = DT if fixed else min(MAX_DT, start - last)
            last = start
            manager.update(dt)
            drawn = time.perf_counter()
            manager.draw(screen)
            done = time.perf_counter()
            pygame.display.flip()
            runtime.boot_started()  # the first frame is up: the page's loading screen goes
            stats.add((drawn - start) * 1000, (done - drawn) * 1000, manager.name)
            frame += 1
            if options.frames and frame >= options.frames:
                return
        await clock.next_frame()


def _platform_events(services: Services, manager: SceneManager, hidden: bool) -> bool:
    """Hands the platform's events on; returns whether the app is in the background now."""
    for event in services.events():
        services.on_platform_event(event)
        manager.platform_event(event)
        if event.type in ("hide", "show"):
            hidden = event.type == "hide"
    return hidden


def _write_stats(path: Path, stats: FrameStats, manager: SceneManager, ctx: Context) -> None:
    world = manager.scenes["play"].world  # type: ignore[attr-defined]
    payload = {
        "frames": stats.frames,
        "score": world.score,
        "height": world.height,
        "coins": world.coins_collected,
        "seed": ctx.seed,
        "runs": ctx.runs,
        "scene": manager.name,
        **stats.as_dict(),
        "python": sys.version.split()[0],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2) + "\n")
