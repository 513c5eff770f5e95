"""A run's input log: the quantised steer of every fixed step, run-length encoded, and its revives.

The wire form is compact JSON: ``{"v": 1, "steer": [level, count, level, count, ...],
"revives": [tick]}``. ``level`` is the steer level of ``count`` consecutive steps
(-STEER_LEVELS..STEER_LEVELS); a revive is the world's tick at the fall it undoes (the game allows
one per run). The bounds keep a log small enough for one request body and its replay cheap: a
recorder stops at them (the server then counts the run up to there), a parser refuses beyond them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

VERSION = 1
STEER_LEVELS = 4  # steer is -4..4 quarters of full steer: 9 values
STEPS_PER_SECOND = 60
MAX_STEPS = 15 * 60 * STEPS_PER_SECOND  # 54,000: a run counts for its first 15 minutes
# Real play changes level every ~12 steps (docs/server.md): 15 minutes take ~4,500 segments. At
# most 8,000 keep the worst valid log, as the game's json.dumps writes it, under 64 KiB.
MAX_SEGMENTS = 8_000
MAX_REVIVES = 1
STEER_HYSTERESIS = 0.75  # in levels: a finger's jitter around a level boundary keeps the level


def quantise(steer: float, previous: int | None = None) -> int:
    """Steer -1..1 as a level -STEER_LEVELS..STEER_LEVELS; within STEER_HYSTERESIS of the
    ``previous`` level, that level (fewer level changes: a shorter log)."""
    scaled = max(-1.0, min(1.0, steer)) * STEER_LEVELS
    if previous is not None and abs(scaled - previous) <= STEER_HYSTERESIS:
        return previous
    return round(scaled)


class LogError(ValueError):
    """A log that is not a valid input log; ``code`` is a stable error code for the client."""

    def __init__(self, message: str, *, code: str = "invalid_log") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class InputLog:
    """A validated log: ``steer`` flat (level, count, ...) pairs, ``revives`` ticks, ascending."""

    steer: tuple[int, ...] = ()
    revives: tuple[int, ...] = ()

    @property
    def steps(self) -> int:
        return sum(self.steer[1::2])

    @property
    def segments(self) -> int:
        return len(self.steer) // 2

    def runs(self) -> Iterator[tuple[int, int]]:
        """(level, count) for each segment, in order."""
        it = iter(self.steer)
        return zip(it, it, strict=True)

    def to_json(self) -> dict[str, Any]:
        return {"v": VERSION, "steer": list(self.steer), "revives": list(self.revives)}

    @classmethod
    def from_json(cls, data: object) -> InputLog:
        """Validates what a client sent; raises LogError saying what is wrong."""
        if not isinstance(data, dict):
            raise LogError("the log must be an object with v, steer and revives")
        if data.get("v") != VERSION or type(data.get("v")) is not int:
            raise LogError(f"the log's version v must be {VERSION}")
        steer = _ints(data.get("steer"), "steer")
        revives = _ints(data.get("revives", []), "revives")
        if len(steer) % 2:
            raise LogError("steer must hold level, count pairs")
        if len(steer) // 2 > MAX_SEGMENTS:
            raise LogError(f"the log has more than {MAX_SEGMENTS} segments", code="log_too_long")
        levels, counts = steer[0::2], steer[1::2]
        if any(not -STEER_LEVELS <= level <= STEER_LEVELS for level in levels):
            raise LogError(f"steer levels must be within -{STEER_LEVELS}..{STEER_LEVELS}")
        if any(count < 1 for count in counts):
            raise LogError("every steer count must be at least 1")
        steps = sum(counts)
        if steps > MAX_STEPS:
            raise LogError(f"the log has more than {MAX_STEPS} steps", code="log_too_long")
        if len(revives) > MAX_REVIVES:
            raise LogError(f"a run has at most {MAX_REVIVES} revive")
        if any(not 1 <= tick <= steps for tick in revives):
            raise LogError("a revive must be at a step of the log")
        return cls(tuple(steer), tuple(sorted(revives)))


def _ints(value: object, name: str) -> list[int]:
    # bool is an int in Python but not in the log; so is anything bigger than a count can be
    if not isinstance(value, list) or any(type(v) is not int for v in value):
        raise LogError(f"{name} must be a list of integers")
    if any(abs(v) > MAX_STEPS for v in value):
        raise LogError(f"{name} holds a number out of range")
    return value


@dataclass
class Recorder:
    """Builds a run's log one step at a time; stops at the bounds (``full``)."""

    steer: list[int] = field(default_factory=list)
    revives: list[int] = field(default_factory=list)
    steps: int = 0
    full: bool = False

    def add(self, level: int) -> None:
        if self.full:
            return
        steer = self.steer
        if steer and steer[-2] == level:
            steer[-1] += 1
        elif len(steer) < 2 * MAX_SEGMENTS:
            steer += (level, 1)
        else:
            self.full = True
            return
        self.steps += 1
        self.full = self.steps >= MAX_STEPS

    def revive(self, tick: int) -> None:
        if not self.full and tick == self.steps and len(self.revives) < MAX_REVIVES:
            self.revives.append(tick)

    def log(self) -> InputLog:
        return InputLog(tuple(self.steer), tuple(self.revives))
