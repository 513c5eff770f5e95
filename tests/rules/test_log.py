"""The input log: run-length encoding as the world records it, the wire form, the bounds."""

from __future__ import annotations

import json

import pytest

from rules.log import (
    MAX_REVIVES,
    MAX_SEGMENTS,
    MAX_STEPS,
    STEER_LEVELS,
    InputLog,
    LogError,
    Recorder,
    quantise,
)
from rules.world import Input, World


def test_the_recorder_run_length_encodes_levels() -> None:
    recorder = Recorder()
    for level in (0, 0, 0, 4, 4, -2, 0):
        recorder.add(level)
    log = recorder.log()
    assert log.steer == (0, 3, 4, 2, -2, 1, 0, 1)
    assert log.steps == 7 and log.segments == 4
    assert list(log.runs()) == [(0, 3), (4, 2), (-2, 1), (0, 1)]


def test_the_world_records_every_step_and_its_revive() -> None:
    world = World(3)
    for steer in (0.0, 0.0, 1.0, 1.0, -0.3):
        world.step(Input(steer))
    assert world.log.log().steer == (0, 2, 4, 2, -1, 1)
    world.bean.y = world.camera_y - 500
    world.step(Input(0.0))
    assert world.over and world.ticks == 6
    world.step(Input(1.0))  # a finished world takes no steps: none recorded
    world.revive()
    assert world.log.log() == InputLog((0, 2, 4, 2, -1, 1, 0, 1), (6,))


def test_the_wire_form_round_trips_through_json_text() -> None:
    log = InputLog((0, 10, -4, 3, 2, 1), (12,))
    text = json.dumps(log.to_json(), separators=(",", ":"))
    assert text == '{"v":1,"steer":[0,10,-4,3,2,1],"revives":[12]}'
    assert InputLog.from_json(json.loads(text)) == log


def test_revives_default_to_none() -> None:
    assert InputLog.from_json({"v": 1, "steer": [1, 5]}) == InputLog((1, 5), ())


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        ("steer", "invalid_log", "object"),
        ({"v": 1, "steer": [0, 1, 2]}, "invalid_log", "pairs"),
        ({"v": 1, "steer": [STEER_LEVELS + 1, 1]}, "invalid_log", "levels"),
        ({"v": 1, "steer": [0, 0]}, "invalid_log", "at least 1"),
        ({"v": 1, "steer": [0, False]}, "invalid_log", "integers"),
        ({"v": 1, "steer": [0, 2.0]}, "invalid_log", "integers"),
        ({"v": 1, "steer": [0, MAX_STEPS + 1]}, "invalid_log", "out of range"),
        ({"v": 1, "steer": [0, MAX_STEPS, 1, 1]}, "log_too_long", "steps"),
        ({"v": 1, "steer": [0, 1] * (MAX_SEGMENTS + 1)}, "log_too_long", "segments"),
        ({"v": 1, "steer": [0, 9], "revives": [1, 2]}, "invalid_log", "at most"),
        ({"v": 1, "steer": [0, 9], "revives": [10]}, "invalid_log", "step of the log"),
        ({"v": "1", "steer": [0, 9]}, "invalid_log", "version"),
    ],
)
def test_a_bad_log_says_what_is_wrong(data: object, code: str, words: str) -> None:
    with pytest.raises(LogError) as caught:
        InputLog.from_json(data)
    assert caught.value.code == code and words in caught.value.message


def test_the_recorder_stops_at_the_step_bound() -> None:
    recorder = Recorder()
    for _ in range(MAX_STEPS + 10):
        recorder.add(0)
    assert recorder.full and recorder.log().steps == MAX_STEPS
    recorder.revive(MAX_STEPS)
    assert recorder.log().revives == (), "nothing is recorded past the bound"
    InputLog.from_json(recorder.log().to_json())  # what a client sends is always valid


def test_the_recorder_stops_at_the_segment_bound() -> None:
    recorder = Recorder()
    for i in range(2 * MAX_SEGMENTS):
        recorder.add(i % 2)
    log = recorder.log()
    assert recorder.full and log.segments == MAX_SEGMENTS and log.steps == MAX_SEGMENTS
    assert len(json.dumps(log.to_json(), separators=(",", ":"))) < 65536 - 200


def test_the_worst_log_within_the_bounds_fits_a_request_body() -> None:
    """The most characters a valid log can take: longest levels, counts spending the steps on
    as many digits as they can (one each, then two: 10 steps for 2 digits)."""
    counts = [1] * MAX_SEGMENTS
    spare, i = MAX_STEPS - MAX_SEGMENTS, 0
    while spare >= 9:
        counts[i], spare, i = 10, spare - 9, i + 1
    steer = [v for c in counts for v in (-STEER_LEVELS, c)]
    body = {"log": {"v": 1, "steer": steer, "revives": [sum(counts)]}, "score": 2**31, "coins": 1}
    assert len(json.dumps(body)) < 65536, "the server's MAX_BODY_BYTES (json.dumps as the game)"
    assert InputLog.from_json(body["log"]).steps <= MAX_STEPS
    assert MAX_REVIVES == 1


def test_quantise_levels_and_hysteresis() -> None:
    assert [quantise(s) for s in (-9.0, -1.0, -0.5, 0.0, 0.1, 0.125, 0.13, 0.7, 1.0, 9.0)] == [
        -4, -4, -2, 0, 0, 0, 1, 3, 4, 4,
    ]  # fmt: skip
    assert quantise(0.3, previous=1) == 1, "near the previous level, it stays"
    assert quantise(0.45, previous=1) == 2, "beyond the hysteresis, it moves"
    assert quantise(1.0, previous=0) == 4 and quantise(0.0, previous=4) == 0
    for level in range(-STEER_LEVELS, STEER_LEVELS + 1):
        assert Input.of_level(level).level == level
        assert Input.of_level(level).steer * STEER_LEVELS == level, "exact"
