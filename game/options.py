"""How the game is run, as one dataclass: from the command line of ``python -m game``
(game.cli) or from a web page's query (``from_query``). This module is imported in browsers, so
argparse stays out of it (game.cli): the web runtimes do not ship it."""

from __future__ import annotations

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
