"""The native half of ``python -m game.bench``: the scripted run headless, in-process, per seed.

Shared by the command line (game/bench.py) and the browser run (game/bench_browser.py), which
prints its figures next to these.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

SCENES = ("title", "shop", "play", "gameover", "results")


async def bench(frames: int, seeds: list[int]) -> list[dict[str, Any]]:
    """The scripted run natively, once per seed: the game's --stats of each."""
    from game.main import main
    from game.options import Options

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in seeds:
            path = Path(tmp) / f"{seed}.json"
            options = Options(
                headless=True, autoplay=True, tour=True, frames=frames, seed=seed, stats=path
            )
            await main(options)
            results.append(json.loads(path.read_text()))
    return results


def fmt(figures: dict[str, float]) -> str:
    return f"{figures['median']:.3f} / {figures['p95']:.3f} / {figures['p99']:.3f}"
