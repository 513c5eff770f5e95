"""Background work a scene can poll once per frame, so the frame loop never awaits the network."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Job(Generic[T]):
    """A background coroutine a scene can poll once per frame."""

    def __init__(self, coro: Coroutine[Any, Any, T]) -> None:
        self.task: asyncio.Task[T] = asyncio.ensure_future(coro)

    def done(self) -> bool:
        return self.task.done()

    def result(self) -> T:
        return self.task.result()

    def error(self) -> BaseException | None:
        if not self.task.done() or self.task.cancelled():
            return None
        return self.task.exception()

    def cancel(self) -> None:
        self.task.cancel()

    async def wait(self) -> None:
        """Until the coroutine has ended, however it ended."""
        await asyncio.wait([self.task])
        if not self.task.cancelled():
            self.task.exception()  # retrieved: no "never retrieved" warning
