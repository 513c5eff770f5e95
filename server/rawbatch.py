"""Group commit for the order path's SQLite statements, on the event loop's own thread.

Every SQLite COMMIT is fsynced (`synchronous=FULL`), and an order writes twice (the local order,
then TikTok's id for it). `RawBatch.run(work)` queues `work(conn)` (plain SQL on the driver's
connection, see `Database.sqlite_write`); the units queued while the loop runs its ready callbacks
run at the next turn of the loop in one transaction, each in its own SAVEPOINT: a unit that fails
rolls back alone (its caller gets the exception), the others commit together, and no caller hears
back before the COMMIT succeeded. If the transaction fails, every caller of the batch gets the error.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

from server.db import Database

T = TypeVar("T")
_Unit = tuple[Callable[[Any], Any], "asyncio.Future[Any]"]


class RawBatch:
    def __init__(self, db: Database, *, max_batch: int = 64) -> None:
        assert db.is_sqlite, "group commit on the driver's connection is for SQLite"
        self.db = db
        self.max_batch = max_batch
        self._pending: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, list[_Unit]] = (
            weakref.WeakKeyDictionary()
        )

    async def run(self, work: Callable[[Any], T]) -> T:
        """`work(conn)` in the next batch; its result once the batch has committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        pending = self._pending.get(loop)
        if pending is None:
            pending = self._pending[loop] = []
            loop.call_soon(self._flush, loop)
        pending.append((work, future))
        return await future

    def _flush(self, loop: asyncio.AbstractEventLoop) -> None:
        units = self._pending.pop(loop, [])
        batch, rest = units[: self.max_batch], units[self.max_batch :]
        if rest:  # the rest at the next turn, so the loop answers in between
            self._pending[loop] = rest
            loop.call_soon(self._flush, loop)
        batch = [unit for unit in batch if not unit[1].cancelled()]  # nobody waits for those
        if not batch:
            return
        outcomes: list[tuple[bool, Any]] = []
        try:
            with self.db.sqlite_write() as conn:
                for work, _ in batch:
                    outcomes.append(_run_one(conn, work))
        except Exception as exc:  # BEGIN or COMMIT failed: nothing of the batch committed
            outcomes = [(False, exc)] * len(batch)
        for (_, future), (ok, value) in zip(batch, outcomes, strict=True):
            if future.cancelled():
                continue
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)


def _run_one(conn: Any, work: Callable[[Any], Any]) -> tuple[bool, Any]:
    conn.execute("SAVEPOINT unit")
    try:
        result = work(conn)
    except Exception as exc:
        conn.execute("ROLLBACK TO unit")
        conn.execute("RELEASE unit")
        return False, exc
    conn.execute("RELEASE unit")
    return True, result


_batches: weakref.WeakKeyDictionary[Database, RawBatch] = weakref.WeakKeyDictionary()
_batches_lock = threading.Lock()


def batch_for(db: Database) -> RawBatch:
    """The database's group commit for raw units (one per `Database` object)."""
    with _batches_lock:
        batch = _batches.get(db)
        if batch is None:
            batch = _batches[db] = RawBatch(db)
        return batch
