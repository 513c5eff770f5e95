"""server/strictjson.py: what untrusted JSON may hold."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.strictjson import MAX_DEPTH, NotJson, OutOfBounds, check, loads
from tests.server.hostile import PROPERTY, floats, integers, json_values, texts
from tests.server.hostile import nested as nesting


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
    with pytest.raises(OutOfBounds, match="not valid text"):
        loads(json.dumps(value, ensure_ascii=False))  # a str may hold the characters themselves


@pytest.mark.parametrize("number", [2**63, -(2**63) - 1, 2**64, 10**30, -(10**300)])
def test_integers_beyond_64_bits_are_refused(number: int) -> None:
    with pytest.raises(OutOfBounds, match="64 bits"):
        loads(json.dumps({"n": [number]}))


def test_an_integer_of_thousands_of_digits_is_out_of_bounds_not_an_error() -> None:
    with pytest.raises(OutOfBounds, match="64 bits"):  # int() refuses over 4300 digits
        loads("[" + "7" * 5000 + "]")


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


def verdict(call: Any) -> str:
    try:
        call()
    except OutOfBounds:
        return "out of bounds"
    return "ok"


moderately_deep = st.builds(
    nesting, st.integers(1, 2 * MAX_DEPTH), st.sampled_from(["array", "object", "mixed"])
).map(json.loads)


# Small values with one kind of trouble each (the quick look has a condition per kind), and any.
awkward = st.one_of(
    texts,
    st.lists(texts | integers | floats, max_size=3),
    st.dictionaries(texts, texts | integers | floats, max_size=3),
    moderately_deep,
    json_values,
)


@settings(PROPERTY, max_examples=300)
@given(value=awkward, ascii_only=st.booleans())
def test_the_quick_look_never_lets_through_what_the_walk_refuses(
    value: Any, ascii_only: bool
) -> None:
    """Ordinary texts skip the walk over the parsed value: the answer must be the same."""
    try:
        text = json.dumps(value, ensure_ascii=ascii_only)
        text.encode("utf-8")
    except (RecursionError, UnicodeEncodeError):
        return  # too deep for json.dumps, or not text: nothing to compare
    assert verdict(lambda: loads(text)) == verdict(lambda: check(json.loads(text)))
