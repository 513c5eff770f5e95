"""Strict JSON for untrusted bodies: UTF-8, bounded nesting, valid strings, 64-bit integers.

The standard library parses more than a database can hold: `"\\udfff"` decodes to a lone surrogate
that no driver can encode, `"\\u0000"` to a NUL that PostgreSQL text refuses, `2**64` overflows
BIGINT, `NaN` is not JSON at all, and a body nested 50 000 levels deep raises `RecursionError`.
`loads` refuses all of those, so what it returns can be stored and walked without surprises:

- `NotJson`: not UTF-8 (strictly: encoded surrogates are refused too), not JSON syntax, or
  `NaN`/`Infinity` (which `json` accepts and RFC 8259 does not);
- `OutOfBounds`: nested deeper than `max_depth` arrays/objects, a string (key or value) holding a
  lone surrogate or a NUL, an integer outside the signed 64-bit range, a float that is not finite.

The depth is checked on the parsed value, without recursion; `json.loads` itself raises
`RecursionError` (caught) long before a depth could exhaust the stack.
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


def loads(data: bytes | str, *, what: str = "the body", max_depth: int = MAX_DEPTH) -> Any:
    """Parse `data` strictly; `NotJson` or `OutOfBounds` with a message naming `what`."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise NotJson(f"{what} is not UTF-8") from None
    try:
        value = json.loads(text, parse_constant=_no_constants)
    except RecursionError:
        raise OutOfBounds(f"{what} is nested deeper than {max_depth} levels") from None
    except NotJson as exc:
        raise NotJson(f"{what} is not JSON ({exc})") from None
    except ValueError:
        raise NotJson(f"{what} is not JSON") from None
    check(value, what=what, max_depth=max_depth)
    return value


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
