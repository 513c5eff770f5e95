"""CPU per run verification: replaying 3-minute runs (10,800 steps) as `POST /api/runs/{id}/result`
does, from the JSON text of the log to the replay's outcome.

The runs are played first by the careful autoplay bot (no mistakes, one revive) on seeds 1, 2, ...
until `--runs` of them last the full `--seconds`; then each log is verified `--repeat` times and
the CPU time of each verification (json.loads, InputLog.from_json, rules.replay) is reported.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from typing import Any

from rules.bot import Bot
from rules.log import STEPS_PER_SECOND, InputLog
from rules.replay import replay
from rules.world import World
from server.bench.orders import percentile

SEED_LIMIT = 200


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("runs", help="CPU per run verification", description=__doc__)
    parser.add_argument("--seconds", type=int, default=180, help="run length (default 180)")
    parser.add_argument("--runs", type=int, default=5, help="different runs (default 5)")
    parser.add_argument("--repeat", type=int, default=10, help="verifications per run")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.set_defaults(func=run)


def long_run(seed: int, steps: int) -> World | None:
    """The careful bot's run of ``seed`` if it lasts ``steps`` (reviving once), else None."""
    world, bot = World(seed), Bot(seed, careful=True)
    while world.ticks < steps:
        world.step(bot.decide(world))
        if world.over:
            if world.revived:
                return None
            world.revive()
    return world


def verify(seed: int, text: str) -> tuple[float, int]:
    """CPU milliseconds of one verification, and the replayed score (checked by the caller)."""
    started = time.process_time()
    outcome = replay(seed, InputLog.from_json(json.loads(text)))
    return (time.process_time() - started) * 1000, outcome.score


def run(args: argparse.Namespace) -> int:
    if args.seconds < 1 or args.runs < 1 or args.repeat < 1:
        print("error: --seconds, --runs and --repeat must be at least 1", file=sys.stderr)
        return 2
    steps = args.seconds * STEPS_PER_SECOND
    print(f"playing {args.runs} runs of {steps} steps with the careful bot...", flush=True)
    runs: list[tuple[int, World, str]] = []
    for seed in range(1, SEED_LIMIT + 1):
        world = long_run(seed, steps)
        if world is not None:
            runs.append((seed, world, json.dumps(world.log.log().to_json())))
            print(f"  seed {seed}: score {world.score}, coins {world.coins_collected}", flush=True)
        if len(runs) == args.runs:
            break
    else:
        print(
            f"error: only {len(runs)} of seeds 1-{SEED_LIMIT} last {steps} steps", file=sys.stderr
        )
        return 1
    times: list[float] = []
    for _ in range(args.repeat):
        for seed, world, text in runs:
            ms, score = verify(seed, text)
            assert score == world.score, f"seed {seed}: the replay differs from the run"
            times.append(ms)
    figures = {
        "steps": steps,
        "verifications": len(times),
        "cpu_ms_median": round(statistics.median(times), 2),
        "cpu_ms_p95": round(percentile(times, 0.95), 2),
        "cpu_ms_max": round(max(times), 2),
        "us_per_step": round(statistics.median(times) * 1000 / steps, 2),
        "log_segments_median": statistics.median(len(t.split(",")) // 2 for _, _, t in runs),
        "log_bytes_max": max(len(t) for _, _, t in runs),
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(
            f"{figures['verifications']} verifications of {steps}-step runs: CPU "
            f"median {figures['cpu_ms_median']} ms, p95 {figures['cpu_ms_p95']} ms, "
            f"max {figures['cpu_ms_max']} ms ({figures['us_per_step']} us per step); logs of "
            f"~{figures['log_segments_median']} segments, at most {figures['log_bytes_max']} bytes"
        )
    return 0
