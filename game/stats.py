"""Frame timings: collected per frame (and per scene), summarised as median / p95 / p99 ms.

No ``statistics`` here: pygbag's CPython does not ship it (docs/web.md, the stdlib guard).
"""

from __future__ import annotations


def median(ordered: list[float]) -> float:
    """The median of an already sorted, non-empty list (the mean of the middle two when even)."""
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def summary(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {"median": 0.0, "p95": 0.0, "p99": 0.0}
    ordered = sorted(samples)
    n = len(ordered)

    def pick(q: float) -> float:
        return round(ordered[min(n - 1, int(q * n))], 4)

    return {"median": round(median(ordered), 4), "p95": pick(0.95), "p99": pick(0.99)}


class FrameStats:
    def __init__(self) -> None:
        self.frame_ms: list[float] = []
        self.update_ms: list[float] = []
        self.draw_ms: list[float] = []
        self.scene_ms: dict[str, list[float]] = {}  # update + draw, by the scene drawn

    def add(self, update_ms: float, draw_ms: float, scene: str = "") -> None:
        self.update_ms.append(update_ms)
        self.draw_ms.append(draw_ms)
        self.frame_ms.append(update_ms + draw_ms)
        if scene:
            self.scene_ms.setdefault(scene, []).append(update_ms + draw_ms)

    @property
    def frames(self) -> int:
        return len(self.frame_ms)

    def as_dict(self) -> dict[str, object]:
        return {
            "frame_ms": summary(self.frame_ms),
            "update_ms": summary(self.update_ms),
            "draw_ms": summary(self.draw_ms),
            "scenes": {
                name: {"frames": len(samples), "frame_ms": summary(samples)}
                for name, samples in self.scene_ms.items()
            },
        }
