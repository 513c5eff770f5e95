"""Group commit for SQLite: queued units of work run many per transaction, on the event loop.

SQLite has one writer at a time, and with synchronous=FULL every COMMIT waits for an fsync.
`LoopWriter.run(work)` queues a unit; the units queued while the event loop runs its ready
callbacks (every request whose bytes arrived together) run at the next turn of the loop, up to
`max_batch` in one transaction: a unit that fails rolls back alone (its caller gets the
exception), the others commit together, and no caller hears back before the COMMIT succeeded.
Units rarely fail, so a batch first runs without savepoints; if a unit raises, that transaction
rolls back (nothing of it was committed or answered) and the batch runs again with each unit in
its own SAVEPOINT. If the transaction fails (BEGIN or COMMIT), every caller of the batch gets that
error (and, for a webhook, answers 503 so TikTok retries).

No thread: a writer thread and the event loop passed the GIL back and forth at every SQLite call
(each one releases it), and that hand-over, not SQLite, bounded the webhook rate. Running inline
blocks the loop for the batch (a fraction of a millisecond per unit, plus one fsync per COMMIT), as
the API's other SQLite work (`Database.run`) already does.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from server.db import Database

T = TypeVar("T")


class LoopWriter:
    """Runs queued units of work, up to `max_batch` per transaction, on the event loop."""

    def __init__(self, db: Database, *, max_batch: int = 128) -> None:
        self.db = db
        self.max_batch = max_batch
        self._pending: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, list[tuple[Callable[[Session], Any], asyncio.Future[Any]]]
        ] = weakref.WeakKeyDictionary()

    async def run(self, work: Callable[[Session], T]) -> T:
        """Run `work(session)` in the next batch; its result once the batch has committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        pending = self._pending.get(loop)
        if pending is None:
            pending = self._pending[loop] = []
            loop.call_soon(self._flush, loop)
        pending.append((work, future))
        return await future

    def _flush(self, loop: asyncio.AbstractEventLoop) -> None:
        jobs = self._pending.pop(loop, [])
        batch, rest = jobs[: self.max_batch], jobs[self.max_batch :]
        if rest:  # the rest at the next turn, so the loop answers in between
            self._pending[loop] = rest
            loop.call_soon(self._flush, loop)
        works = [work for work, _ in batch]
        try:  # optimistic: units rarely fail, so first all of them without savepoints
            with self.db.transaction() as session:
                outcomes = [(True, work(session)) for work in works]
        except Exception:  # nothing committed: again, each unit in its own savepoint
            outcomes = self._isolated(works)
        for (_, future), (ok, value) in zip(batch, outcomes, strict=True):
            _settle(future, ok, value)

    def _isolated(self, works: list[Callable[[Session], Any]]) -> list[tuple[bool, Any]]:
        outcomes: list[tuple[bool, Any]] = []
        try:
            with self.db.transaction() as session:
                outcomes.extend(_run_one(session, work) for work in works)
        except Exception as exc:  # the transaction (BEGIN or COMMIT) failed: nothing committed
            outcomes = [(False, exc)] * len(works)
        return outcomes


def _run_one(session: Session, work: Callable[[Session], Any]) -> tuple[bool, Any]:
    try:
        with session.begin_nested():
            return True, work(session)
    except Exception as exc:
        return False, exc


def _settle(future: asyncio.Future[Any], ok: bool, value: Any) -> None:
    if future.cancelled():
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)


_writers: weakref.WeakKeyDictionary[Database, LoopWriter] = weakref.WeakKeyDictionary()
_writers_lock = threading.Lock()


def writer_for(db: Database) -> LoopWriter:
    """The database's group-commit writer (one per `Database` object)."""
    with _writers_lock:
        writer = _writers.get(db)
        if writer is None:
            writer = _writers[db] = LoopWriter(db)
        return writer
