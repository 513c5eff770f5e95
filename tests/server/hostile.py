"""Hypothesis strategies for what a hostile client (or a broken upstream) can send, and the
settings the property tests share.

The settings are deterministic (`derandomize`: the same examples on every run, no example
database written into the tree) and without deadlines (a shared 2-core CI makes timings
meaningless); the example counts keep each property test to seconds.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

PROPERTY = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=60,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # one running app serves every example
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

# Characters that broke storage or parsing once: lone surrogates (no driver encodes them), NUL
# (PostgreSQL text refuses it), and a few that stress escaping.
AWKWARD = ["\udfff", "\ud800", "\udbff", "\udc00", "\x00", "\\", '"', "\n", "\u2028", "\ufeff", "é"]
texts = st.text(
    alphabet=st.characters(exclude_categories=()) | st.sampled_from(AWKWARD), max_size=40
)
# Integers around every boundary that matters: 32 and 64 bits, signed and not, and far beyond.
EDGES = [2**31 - 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64, 10**30, 10**300]
integers = (
    st.integers()
    | st.sampled_from(EDGES + [-e for e in EDGES] + [0, 1, -1])
    | st.integers(min_value=-(2**70), max_value=2**70)
)
floats = st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from([1e308, -0.0, 1.5])
scalars = st.none() | st.booleans() | integers | floats | texts
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(texts, children, max_size=4),
    max_leaves=20,
)


def dumps(value: Any) -> str:
    """JSON text of `value`; lone surrogates come out as `\\udXXX` escapes, as an attacker's
    client would send them."""
    return json.dumps(value, ensure_ascii=True)


def nested(depth: int, kind: str) -> str:
    """JSON nested `depth` levels deep: arrays, objects or both."""
    if kind == "array":
        return "[" * depth + "]" * depth
    if kind == "object":
        return '{"a":' * depth + "1" + "}" * depth
    return '[{"a":' * (depth // 2) + "[]" + "}]" * (depth // 2)


deep_json = st.builds(
    nested,
    st.integers(min_value=20, max_value=60_000),
    st.sampled_from(["array", "object", "mixed"]),
)
