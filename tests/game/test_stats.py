"""Frame statistics: the median pygbag's CPython can compute (it has no ``statistics``)."""

from __future__ import annotations

import random
import statistics

import pytest

from game.stats import FrameStats, median, summary


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 10, 101])
def test_median_matches_the_standard_library(n: int) -> None:
    rng = random.Random(n)
    samples = sorted(rng.uniform(0, 20) for _ in range(n))
    assert median(samples) == pytest.approx(statistics.median(samples))


def test_summary_of_frame_times() -> None:
    stats = FrameStats()
    for i in range(100):
        stats.add(update_ms=1.0, draw_ms=float(i))
    figures = stats.as_dict()
    assert figures["draw_ms"] == {"median": 49.5, "p95": 95.0, "p99": 99.0}
    assert figures["frame_ms"]["median"] == 50.5
    assert summary([]) == {"median": 0.0, "p95": 0.0, "p99": 0.0}
