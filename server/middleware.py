"""ASGI middleware: request ids with one structured log line per request, and body size limits."""

from __future__ import annotations

import itertools
import json
import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("server.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestLog:
    """Gives each request an id (`X-Request-ID`, kept from the client when sane) and logs it.

    The log line holds method, path (never the query string or headers: no tokens in logs),
    status, duration and the client address, as JSON.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # Ids are a random per-process prefix and a counter: unique like uuid4, without a
        # system call for randomness on every request.
        self._prefix = uuid.uuid4().hex[:16]
        self._counter = itertools.count(1)

    def _new_id(self) -> str:
        return f"{self._prefix}{next(self._counter):016x}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _REQUEST_ID.match(given) else self._new_id()
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                client = scope.get("client")
                access_log.info(
                    json.dumps(
                        {
                            "request_id": request_id,
                            "method": scope["method"],
                            "path": scope["path"],
                            "status": status,
                            "ms": round((time.perf_counter() - started) * 1000, 2),
                            "client": client[0] if client else None,
                        }
                    )
                )


class BodyLimit:
    """413 for bodies over the limit: by Content-Length up front, or while streaming.

    A declared body of up to `DRAIN_FACTOR` times the limit is answered 413 at once and the
    connection is kept open: the server (uvicorn) then reads and discards the rest of that
    request's body, so a client that pushes the whole body anyway still reads a clean 413 instead
    of a connection reset (closing a socket with unread data makes the kernel send a RST). Larger
    declared bodies, and streamed bodies caught half-way, are answered 413 with
    `Connection: close`.
    """

    DRAIN_FACTOR = 4

    def __init__(self, app: ASGIApp, *, default: int, overrides: dict[str, int]) -> None:
        self.app = app
        self.default = default
        self.overrides = overrides

    def _limit(self, path: str) -> int:
        for prefix, limit in self.overrides.items():
            if path.startswith(prefix):
                return limit
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope["path"])
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await _too_large(send, limit, close=int(length) > self.DRAIN_FACTOR * limit)
            return
        # Read the (small, limited) body up front: a limit hit half-way is still a clean 413.
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > limit:
                await _too_large(send, limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _too_large(send: Send, limit: int, *, close: bool = True) -> None:
    body = json.dumps(
        {"error": {"code": "body_too_large", "message": f"the request body is over {limit} bytes"}}
    ).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class JsonBodies:
    """API bodies are JSON whatever Content-Type says (text/plain avoids a CORS preflight)."""

    def __init__(self, app: ASGIApp, *, prefix: str = "/api/") -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.prefix):
            headers = [(k, v) for k, v in scope["headers"] if k != b"content-type"]
            headers.append((b"content-type", b"application/json"))
            scope = {**scope, "headers": headers}
        await self.app(scope, receive, send)
