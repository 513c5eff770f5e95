"""python -m game.bench: frame-time figures of the benchmarks' scripted run.

The run is ``--tour --autoplay``: the title and the shop for 3 s each, then the bot plays (a run,
game over, results, the next run), the same seed playing the same game. Natively (the default)
it runs headless in-process for each seed and prints median / p95 / p99 of update, draw and
update+draw in milliseconds, overall and per scene. ``--browser`` plays the same run on Pyodide
in headless Chromium (game/bench_browser.py) and prints it next to the native figures;
``--tiktok-native`` builds the TikTok native-runtime package and plays it in the emulator
(game/bench_tiktok.py). Figures only: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
from pathlib import Path

from game.bench_native import SCENES, bench, fmt

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m game.bench", description=__doc__.splitlines()[0])
    p.add_argument("--frames", type=int, default=1800, help="frames per seed (default 1800)")
    p.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3], help="seeds to play")
    p.add_argument("--json", action="store_true", help="print the raw figures as JSON")
    web = p.add_argument_group("in a browser")
    web.add_argument(
        "--browser",
        action="store_true",
        help="play the run on Pyodide in headless Chromium (the first seed), next to native",
    )
    wheel = os.environ.get("PYGAME_WASM_WHEEL")
    web.add_argument(
        "--wheel",
        type=Path,
        default=Path(wheel) if wheel else None,
        metavar="PATH",
        help="pygame-ce's wasm wheel (env PYGAME_WASM_WHEEL)",
    )
    web.add_argument("--eval-free", action="store_true", help="the eval-free Pyodide build")
    web.add_argument(
        "--tiktok-native",
        action="store_true",
        help="build the TikTok native-runtime package and play it in the emulator (autoplay, "
        "the first seed): package size, first frame, frames per second",
    )
    web.add_argument(
        "--seconds",
        type=int,
        default=10,
        metavar="N",
        help="with --tiktok-native: seconds of play to count frames in (default 10)",
    )
    web.add_argument(
        "--no-bytecode",
        dest="bytecode",
        action="store_false",
        help="build without ahead-of-time bytecode (to compare)",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.frames <= 0:
        parser().error("--frames must be at least 1")
    if args.seconds <= 0:
        parser().error("--seconds must be at least 1")
    if args.tiktok_native:
        from game.bench_tiktok import run as run_native

        return run_native(args.seconds, args.seeds[0], args.wheel, as_json=args.json)
    if args.browser:
        from game.bench_browser import run

        build = {"eval_free": args.eval_free, "bytecode": args.bytecode}
        return run(args.frames, args.seeds[0], args.wheel, build, as_json=args.json)
    results = asyncio.run(bench(args.frames, args.seeds))
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(
        "Bean Hop native frame times, the scripted run (python -m game --tour), headless "
        f"360x640, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, "
        f"{platform.python_implementation()} {platform.python_version()}"
    )
    print(
        f"{'seed':>5} {'frames':>7} {'score':>6} {'runs':>5}   "
        f"{'update+draw ms (median/p95/p99)':<34} {'update':<22} draw"
    )
    for r in results:
        cells = [fmt(r[k]) for k in ("frame_ms", "update_ms", "draw_ms")]
        print(
            f"{r['seed']:>5} {r['frames']:>7} {r['score']:>6} {r['runs']:>5}   "
            f"{cells[0]:<34} {cells[1]:<22} {cells[2]}"
        )
        for name in SCENES:
            scene = r["scenes"].get(name)
            if scene:
                print(f"{name:>13} {scene['frames']:>7}                {fmt(scene['frame_ms'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
