"""python -m game.bench: frame-time figures of the native game, headless, bot playing.

Runs the whole game loop in-process (title, play, game over, results, again) for each seed and
prints median / p95 / p99 of update, draw and update+draw in milliseconds. Figures only: nothing
here passes or fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import tempfile
from pathlib import Path

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


async def bench(frames: int, seeds: list[int]) -> list[dict[str, object]]:
    from game.main import main
    from game.options import Options

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in seeds:
            path = Path(tmp) / f"{seed}.json"
            await main(Options(headless=True, autoplay=True, frames=frames, seed=seed, stats=path))
            results.append(json.loads(path.read_text()))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m game.bench", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--frames", type=int, default=1800, help="frames per seed (default 1800)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3], help="seeds to play")
    parser.add_argument("--json", action="store_true", help="print the raw stats as JSON")
    args = parser.parse_args()
    results = asyncio.run(bench(args.frames, args.seeds))
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(
        f"Bean Hop native frame times, headless 360x640, {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}"
    )
    print(
        f"{'seed':>5} {'frames':>7} {'score':>6} {'runs':>5}   {'update+draw ms (median/p95/p99)':<34} {'update':<22} draw"
    )
    for r in results:
        cells = [_fmt(r[k]) for k in ("frame_ms", "update_ms", "draw_ms")]  # type: ignore[arg-type]
        print(
            f"{r['seed']:>5} {r['frames']:>7} {r['score']:>6} {r['runs']:>5}   {cells[0]:<34} {cells[1]:<22} {cells[2]}"
        )


def _fmt(figures: dict[str, float]) -> str:
    return f"{figures['median']:.3f} / {figures['p95']:.3f} / {figures['p99']:.3f}"


if __name__ == "__main__":
    main()
