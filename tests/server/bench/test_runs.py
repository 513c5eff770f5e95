"""The run verification benchmark plays and verifies real runs (a short one here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from server.bench.runs import long_run, verify

ROOT = Path(__file__).resolve().parents[3]


def test_a_careful_run_lasts_and_verifies_to_its_score() -> None:
    world = long_run(2, 1200)
    assert world is not None and world.ticks == 1200
    ms, score = verify(2, json.dumps(world.log.log().to_json()))
    assert score == world.score and ms >= 0


@pytest.mark.slow
def test_bench_runs_prints_the_figures() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "server.bench", "runs", "--seconds", "10", "--runs", "2",
         "--repeat", "2", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["steps"] == 600 and figures["verifications"] == 4
    assert 0 < figures["cpu_ms_median"] <= figures["cpu_ms_p95"] <= figures["cpu_ms_max"]


def test_bad_arguments_are_a_clear_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "server.bench", "runs", "--runs", "0"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and "at least 1" in done.stderr and "Traceback" not in done.stderr
