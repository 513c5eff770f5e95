"""A scriptable transport for tests: answers what the test queued, records every call."""

from __future__ import annotations

import inspect
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from typing import Any

from bridge.transports.base import Envelope, err, ok

Handler = Callable[[dict[str, Any]], Envelope | Awaitable[Envelope]]


class FakeTransport:
    """``script`` queued answers first, then a ``set_handler`` handler, else ``not_supported``."""

    ok = staticmethod(ok)
    err = staticmethod(err)

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.closed = False
        self._scripted: dict[str, deque[Envelope]] = defaultdict(deque)
        self._handlers: dict[str, Handler] = {}
        self._events: list[dict[str, Any]] = []

    def script(self, method: str, *envelopes: Envelope) -> None:
        """Queue answers for ``method``, first in, first out."""
        self._scripted[method].extend(envelopes)

    def set_handler(self, method: str, fn: Handler) -> None:
        """Answer ``method`` with ``fn(args)`` (sync or async) when nothing is scripted."""
        self._handlers[method] = fn

    def push_event(self, type: str, **data: Any) -> None:
        """Queue an event for the next ``drain_events``."""
        self._events.append({"type": type, "data": data})

    async def call(self, method: str, args: dict[str, Any]) -> Envelope:
        self.calls.append((method, dict(args)))
        if self._scripted[method]:
            return self._scripted[method].popleft()
        handler = self._handlers.get(method)
        if handler is None:
            return err("not_supported", f"{method} is not scripted")
        answer = handler(args)
        if inspect.isawaitable(answer):
            answer = await answer
        return answer

    def drain_events(self) -> list[dict[str, Any]]:
        events, self._events = self._events, []
        return events

    async def aclose(self) -> None:
        self.closed = True
