"""Strict JSON for untrusted bodies: UTF-8, bounded nesting, valid strings, 64-bit integers.

The standard library parses more than a database can hold: `"\\udfff"` decodes to a lone surrogate
that no driver can encode, `"\\u0000"` to a NUL that PostgreSQL text refuses, `2**64` overflows
BIGINT, `NaN` is not JSON at all, and a body nested 50 000 levels deep raises `RecursionError`.
`loads` refuses all of those, so what it returns can be stored and walked without surprises:

- `NotJson`: not UTF-8 (strictly: encoded surrogates are refused too), not JSON syntax, or
  `NaN`/`Infinity` (which `json` accepts and RFC 8259 does not);
- `OutOfBounds`: nested deeper than `max_depth` arrays/objects, a string (key or value) holding a
  lone surrogate or a NUL, an integer outside the signed 64-bit range, a float that is not finite.

Numbers are checked as they are parsed (`parse_int`, `parse_float`). The depth is checked on the
parsed value, without recursion; `json.loads` itself raises `RecursionError` (caught) long before
a depth could exhaust the stack. Ordinary texts skip that walk: one that is ASCII without `\\u`
escapes holds no surrogate or NUL, and one with at most `max_depth` opening brackets cannot nest
deeper (a webhook's body passes both; the walk on every body made parsing four times slower).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

MAX_DEPTH = 32
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
_BAD_CHARACTER = re.compile("[\x00\ud800-\udfff]")


class NotJson(ValueError):
    """Not a JSON text."""


class OutOfBounds(ValueError):
    """JSON, but beyond what the server accepts (depth, strings, numbers)."""


def _no_constants(name: str) -> Any:
    raise NotJson(f"{name} is not JSON")


def _int64(literal: str) -> int:
    if len(literal) > 20 or not INT64_MIN <= (value := int(literal)) <= INT64_MAX:
        raise OutOfBounds("an integer beyond 64 bits")
    return value


def _finite(literal: str) -> float:
    if not math.isfinite(value := float(literal)):
        raise OutOfBounds("a number too large for a double")
    return value


# One decoder for every call: `json.loads` with any option builds a new one each time.
_DECODER = json.JSONDecoder(parse_constant=_no_constants, parse_int=_int64, parse_float=_finite)


def loads(data: bytes | str, *, what: str = "the body", max_depth: int = MAX_DEPTH) -> Any:
    """Parse `data` strictly; `NotJson` or `OutOfBounds` with a message naming `what`."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise NotJson(f"{what} is not UTF-8") from None
    try:
        value = _DECODER.decode(text)
    except RecursionError:
        raise OutOfBounds(f"{what} is nested deeper than {max_depth} levels") from None
    except OutOfBounds as exc:
        raise OutOfBounds(f"{what} holds {exc}") from None
    except NotJson as exc:
        raise NotJson(f"{what} is not JSON ({exc})") from None
    except ValueError:
        raise NotJson(f"{what} is not JSON") from None
    if not _plainly_within_bounds(text, max_depth):
        check(value, what=what, max_depth=max_depth)
    return value


def _plainly_within_bounds(text: str, max_depth: int) -> bool:
    """True when the text alone shows its value is within bounds (see the module docstring)."""
    return text.isascii() and "\\u" not in text and text.count("[") + text.count("{") <= max_depth


def check(value: Any, *, what: str = "the body", max_depth: int = MAX_DEPTH) -> None:
    """Raise `OutOfBounds` unless every part of a parsed JSON value is within bounds."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth >= max_depth:
                raise OutOfBounds(f"{what} is nested deeper than {max_depth} levels")
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
            if isinstance(item, dict):
                stack.extend((key, depth + 1) for key in item)
        elif isinstance(item, str):
            if _BAD_CHARACTER.search(item):
                raise OutOfBounds(f"{what} holds a NUL or a lone surrogate: not valid text")
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int):
            if not INT64_MIN <= item <= INT64_MAX:
                raise OutOfBounds(f"{what} holds an integer beyond 64 bits")
        elif isinstance(item, float) and not math.isfinite(item):
            raise OutOfBounds(f"{what} holds a number too large for a double")
