"""Request parsing and response helpers shared by the route modules."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any, TypeGuard

from starlette.requests import Request

from .core import Sandbox
from .errors import OAuthError, OpenApiError

MAX_BODY_BYTES = 1_048_576


def sandbox_of(request: Request) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    sandbox.ensure_started()
    return sandbox


async def read_body(request: Request) -> bytes | None:
    """The raw body, or None when it is larger than MAX_BODY_BYTES."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json(request: Request) -> tuple[bool, Any]:
    """``(True, value)`` for a JSON body (empty body: ``{}``), ``(False, reason)`` otherwise."""
    body = await read_body(request)
    if body is None:
        return False, f"the body is larger than {MAX_BODY_BYTES} bytes"
    if not body.strip():
        return True, {}
    try:
        return True, json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return False, f"the body is not valid JSON ({exc})"


def is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


API_FAULT_STATUS = {"rate_limit_exceeded": 429, "internal_error": 500, "timeout": 504}
API_FAULT_MESSAGE = {
    "rate_limit_exceeded": "Rate limit exceeded. Please try again later.",
    "internal_error": "Internal error. Please try again later.",
    "timeout": "The request timed out.",
}


async def raise_api_fault(sandbox: Sandbox, *, oauth: bool = False) -> None:
    """Fail this Open API call when an ``api_error`` fault is switched on."""
    fault = sandbox.take_api_fault()
    if fault is None:
        return
    if fault == "timeout":
        # Longer than any client timeout; shutdown (``aclose``) ends the wait early.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(sandbox.wake.wait(), sandbox.config.api_timeout_seconds)
    code = "internal_error" if fault == "timeout" else fault
    status, message = API_FAULT_STATUS[fault], API_FAULT_MESSAGE[fault]
    if oauth:
        raise OAuthError(code, message, status)
    raise OpenApiError(code, message, status)
