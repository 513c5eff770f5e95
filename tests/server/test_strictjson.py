"""server/strictjson.py: what untrusted JSON may hold."""

from __future__ import annotations

import json
from typing import Any

import pytest

from server.strictjson import MAX_DEPTH, NotJson, OutOfBounds, check, loads


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_ordinary_json_comes_back_as_json_loads_gives_it() -> None:
    text = '{"a": [1, -2.5, true, null, "é\\u2028", {"b": 9223372036854775807}]}'
    assert loads(text) == json.loads(text)
    assert loads(text.encode()) == json.loads(text)


def test_depth_is_bounded_exactly_and_without_recursion() -> None:
    assert loads(nested(MAX_DEPTH)) == json.loads(nested(MAX_DEPTH))
    for depth in (MAX_DEPTH + 1, 900, 50_000):  # 50 000 makes json.loads raise RecursionError
        with pytest.raises(OutOfBounds, match="nested deeper than 32"):
            loads(nested(depth))
    with pytest.raises(OutOfBounds):
        loads('{"a":' * 40 + "1" + "}" * 40)
    assert loads(nested(5), max_depth=5) == json.loads(nested(5))


@pytest.mark.parametrize(
    "value",
    ["\udfff", "a\ud800b", "\x00", {"\udfff": 1}, {"k\x00": 1}, [["\udc00"]]],
)
def test_strings_must_be_storable_text(value: Any) -> None:
    with pytest.raises(OutOfBounds, match="not valid text"):
        loads(json.dumps(value))  # escapes: \udfff, \u0000


@pytest.mark.parametrize("number", [2**63, -(2**63) - 1, 2**64, 10**30, -(10**300)])
def test_integers_beyond_64_bits_are_refused(number: int) -> None:
    with pytest.raises(OutOfBounds, match="64 bits"):
        loads(json.dumps({"n": [number]}))


def test_64_bit_integers_and_finite_floats_pass() -> None:
    assert loads(json.dumps([2**63 - 1, -(2**63), 1e308])) == [2**63 - 1, -(2**63), 1e308]
    with pytest.raises(OutOfBounds, match="too large for a double"):
        loads("[1e400]")


@pytest.mark.parametrize(
    "data",
    [b"\xff", b'"\xed\xa0\x80"', b"NaN", b"[Infinity]", b"-Infinity", b"{", b"", b"\xef\xbb\xbf1"],
)
def test_what_is_not_json(data: bytes) -> None:
    with pytest.raises(NotJson):
        loads(data)


def test_check_walks_a_value_already_parsed() -> None:
    check({"a": [1, "b"]})
    with pytest.raises(OutOfBounds):
        check({"a": [2**64]}, what="the thing")
