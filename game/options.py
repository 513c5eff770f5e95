"""How the game is run: the command line of ``python -m game`` (or a web page's query) as one
dataclass."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class Options:
    headless: bool = False
    frames: int = 0  # 0: until the window closes
    seed: int | None = None  # None: a fresh seed each start
    autoplay: bool = False
    tour: bool = False  # the benchmark's scripted run: title, shop, then autoplay
    screenshot: Path | None = None
    stats: Path | None = None
    server: str | None = None


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


_YES = ("", "1", "true", "yes", "on")


def from_query(query: str) -> Options:
    """Options from a web page's query (``?tour=1&seed=3``): ``autoplay``, ``tour``, ``seed`` and
    ``frames``. A bad value is named on stderr (the browser console) and ignored, other keys
    belong to the page: a URL never stops the game from starting."""
    flags: dict[str, bool] = {}
    numbers: dict[str, int] = {}
    for key, value in parse_qsl(query.lstrip("?"), keep_blank_values=True):
        if key in ("autoplay", "tour") and value.lower() in _YES:
            flags[key] = True
        elif key in ("seed", "frames") and value.isdigit():
            numbers[key] = int(value)
        elif key in ("autoplay", "tour", "seed", "frames"):
            print(f"warning: ignoring the page option {key}={value!r}", file=sys.stderr)
    tour = flags.get("tour", False)
    return Options(
        frames=numbers.get("frames", 0),
        seed=numbers.get("seed"),
        autoplay=flags.get("autoplay", False) or tour,
        tour=tour,
    )


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value
