"""Fault switches: what goes wrong with webhooks and with the Open API, and their validation.

Webhook faults (global, or per order where an order's own switches replace the global ones):
``duplicate`` (N extra copies, each its own delivery, freshly signed), ``delay_seconds`` (wait
before the first attempt), ``out_of_order`` (a success webhook is held back and sent right after
the first attempt of the order's next refund webhook), ``drop`` (nothing is sent),
``wrong_secret`` (signed with another secret), ``stale_timestamp`` (``t`` one hour old).

Open API faults (global only): ``api_error`` (``rate_limit_exceeded`` -> 429, ``internal_error``
-> 500, ``timeout`` -> the request hangs for ``api_timeout_seconds``, then 504), for every call
or only for the next ``api_error_count`` calls.
"""

from __future__ import annotations

from typing import Any

from .errors import ControlError

WEBHOOK_DEFAULTS: dict[str, Any] = {
    "duplicate": 0,
    "delay_seconds": 0,
    "out_of_order": False,
    "drop": False,
    "wrong_secret": False,
    "stale_timestamp": False,
}
API_DEFAULTS: dict[str, Any] = {"api_error": None, "api_error_count": None}
DEFAULTS: dict[str, Any] = {**WEBHOOK_DEFAULTS, **API_DEFAULTS}
API_ERRORS = ("rate_limit_exceeded", "internal_error", "timeout")
MAX_DUPLICATE = 20
MAX_DELAY = 3_600


def _invalid(message: str) -> ControlError:
    return ControlError("invalid_faults", message, 400)


def _check(key: str, value: Any) -> Any:
    if key in ("out_of_order", "drop", "wrong_secret", "stale_timestamp"):
        if not isinstance(value, bool):
            raise _invalid(f"{key} must be true or false")
        return value
    if key == "duplicate":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DUPLICATE:
            raise _invalid(f"duplicate must be an integer from 0 to {MAX_DUPLICATE}")
        return value
    if key == "delay_seconds":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _invalid("delay_seconds must be a number")
        if not 0 <= value <= MAX_DELAY:
            raise _invalid(f"delay_seconds must be from 0 to {MAX_DELAY}")
        return value
    if key == "api_error":
        if value is not None and value not in API_ERRORS:
            raise _invalid(f"api_error must be null or one of {', '.join(API_ERRORS)}")
        return value
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise _invalid("api_error_count must be null or a positive integer")
    return value


def merge(current: dict[str, Any], update: Any, *, allowed: dict[str, Any]) -> dict[str, Any]:
    """``current`` with the keys of ``update`` changed; unknown keys or bad values: ControlError."""
    if not isinstance(update, dict):
        raise _invalid("the body must be a JSON object of fault switches")
    unknown = sorted(set(update) - set(allowed))
    if unknown:
        raise _invalid(
            f"unknown fault switch(es): {', '.join(unknown)}; known: {', '.join(allowed)}"
        )
    merged = {**allowed, **{k: v for k, v in current.items() if k in allowed}}
    for key, value in update.items():
        merged[key] = _check(key, value)
    return merged


def in_force(stored: dict[str, Any]) -> dict[str, Any]:
    """All switches, defaults filled in."""
    return {**DEFAULTS, **{k: v for k, v in stored.items() if k in DEFAULTS}}


def webhook_part(faults: dict[str, Any]) -> dict[str, Any]:
    return {k: faults.get(k, v) for k, v in WEBHOOK_DEFAULTS.items()}
