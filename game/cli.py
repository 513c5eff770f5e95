"""The command line of ``python -m game`` (desktop only: web builds never import this module,
and the standard-library trim leaves argparse out of them, see bridge/build/stdlib)."""

from __future__ import annotations

import argparse
from pathlib import Path

from game.options import Options


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m game",
        description="Bean Hop: hop from platform to platform as high as you can. "
        "Steer with the arrow keys or A/D, or hold/drag on either half of the window.",
    )
    p.add_argument(
        "--headless", action="store_true", help="no window, no sound (SDL dummy drivers)"
    )
    p.add_argument(
        "--frames", type=_count, default=0, metavar="N", help="stop after N frames and exit 0"
    )
    p.add_argument(
        "--seed", type=int, default=None, metavar="N", help="same seed, same run (default: random)"
    )
    p.add_argument(
        "--autoplay", action="store_true", help="a bot plays: climbs, collects, falls, plays again"
    )
    p.add_argument(
        "--tour",
        action="store_true",
        help="the benchmarks' scripted run: the title and the shop for 3 s each, "
        "then --autoplay (implied)",
    )
    p.add_argument("--screenshot", type=Path, metavar="PATH", help="save the last frame as a PNG")
    p.add_argument(
        "--stats", type=Path, metavar="PATH", help="write frame timings and the score as JSON"
    )
    p.add_argument(
        "--server",
        metavar="URL",
        help="the Bean Hop server to sign in and shop at (its TikTok sandbox plays TikTok); "
        "default http://127.0.0.1:8000 in a window, none when --headless",
    )
    return p


def parse(argv: list[str] | None = None) -> Options:
    args = parser().parse_args(argv)
    server = args.server
    if server is not None and not server.startswith(("http://", "https://")):
        parser().error(f"--server must be an http(s) URL, not {server!r}")
    return Options(
        headless=args.headless,
        frames=args.frames,
        seed=args.seed,
        autoplay=args.autoplay or args.tour,
        tour=args.tour,
        screenshot=args.screenshot,
        stats=args.stats,
        server=server,
    )


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value
