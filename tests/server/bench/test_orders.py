"""The order benchmark runs end to end against a real `python -m server` (a small run)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from server.bench.orders import percentile

ROOT = Path(__file__).resolve().parents[3]


def test_percentile() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.50) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([7.0], 0.99) == 7.0


@pytest.mark.slow
def test_bench_orders_small_run(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SANDBOX")}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "server.bench",
            "orders",
            "--orders",
            "40",
            "--players",
            "3",
            "--concurrency",
            "4",
            "--warmup",
            "4",
        ],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "status: {201: 40}" in result.stdout
    assert "p99" in result.stdout and "orders/s" in result.stdout
