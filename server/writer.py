"""Group commit for SQLite: queued units of work run many per transaction, on the event loop.

SQLite has one writer at a time, and with synchronous=FULL every COMMIT waits for an fsync.
`run(work)` queues a unit; the units queued while the event loop runs its ready callbacks (every
request whose bytes arrived together) run at the next turn of the loop, up to `max_batch` in one
transaction: a unit that fails rolls back alone (its caller gets the exception), the others commit
together, and no caller hears back before the COMMIT succeeded. If the transaction fails (BEGIN or
COMMIT), every caller of the batch gets that error (and, for a webhook, answers 503 so TikTok
retries). A unit whose caller was cancelled before the batch ran is skipped.

Two flavours share that scheduling:
- `LoopWriter` (webhook deliveries): units take an ORM `Session`. Units rarely fail, so a batch
  first runs without savepoints; if a unit raises, that transaction rolls back (nothing of it was
  committed or answered) and the batch runs again with each unit in its own SAVEPOINT.
- `RawBatch` (the order path): units take the driver's connection (`Database.sqlite_write`), each
  in its own SAVEPOINT from the start.

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
from contextlib import AbstractContextManager
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from server.db import Database

T = TypeVar("T")
C = TypeVar("C")  # what a unit of work is handed: a Session or a driver connection
_Job = tuple[Callable[[Any], Any], "asyncio.Future[Any]"]


class GroupCommit(Generic[C]):
    """Runs queued units of work, up to `max_batch` per transaction, on the event loop."""

    optimistic = False  # first try a batch without savepoints

    def __init__(self, db: Database, *, max_batch: int) -> None:
        self.db = db
        self.max_batch = max_batch
        self._pending: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, list[_Job]] = (
            weakref.WeakKeyDictionary()
        )

    def _begin(self) -> AbstractContextManager[C]:
        raise NotImplementedError

    def _isolated_unit(self, conn: C, work: Callable[[C], Any]) -> tuple[bool, Any]:
        raise NotImplementedError

    async def run(self, work: Callable[[C], T]) -> T:
        """Run `work(conn)` in the next batch; its result once the batch has committed."""
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
        batch = [job for job in batch if not job[1].cancelled()]  # nobody waits for those
        if not batch:
            return
        works = [work for work, _ in batch]
        outcomes = self._optimistic(works) if self.optimistic else None
        if outcomes is None:
            outcomes = self._isolated(works)
        for (_, future), (ok, value) in zip(batch, outcomes, strict=True):
            _settle(future, ok, value)

    def _optimistic(self, works: list[Callable[[C], Any]]) -> list[tuple[bool, Any]] | None:
        try:
            with self._begin() as conn:
                return [(True, work(conn)) for work in works]
        except Exception:  # nothing committed: the caller runs them again, isolated
            return None

    def _isolated(self, works: list[Callable[[C], Any]]) -> list[tuple[bool, Any]]:
        outcomes: list[tuple[bool, Any]] = []
        try:
            with self._begin() as conn:
                outcomes.extend(self._isolated_unit(conn, work) for work in works)
        except Exception as exc:  # the transaction (BEGIN or COMMIT) failed: nothing committed
            outcomes = [(False, exc)] * len(works)
        return outcomes


class LoopWriter(GroupCommit[Session]):
    """Units take an ORM `Session` (webhook deliveries)."""

    optimistic = True

    def __init__(self, db: Database, *, max_batch: int = 128) -> None:
        super().__init__(db, max_batch=max_batch)

    def _begin(self) -> AbstractContextManager[Session]:
        return self.db.transaction()

    def _isolated_unit(self, session: Session, work: Callable[[Session], Any]) -> tuple[bool, Any]:
        try:
            with session.begin_nested():
                return True, work(session)
        except Exception as exc:
            return False, exc


class RawBatch(GroupCommit[Any]):
    """Units take the driver's connection: plain SQL on SQLite (the order path)."""

    def __init__(self, db: Database, *, max_batch: int = 64) -> None:
        assert db.is_sqlite, "group commit on the driver's connection is for SQLite"
        super().__init__(db, max_batch=max_batch)

    def _begin(self) -> AbstractContextManager[Any]:
        return self.db.sqlite_write()

    def _isolated_unit(self, conn: Any, work: Callable[[Any], Any]) -> tuple[bool, Any]:
        conn.execute("SAVEPOINT unit")
        try:
            result = work(conn)
        except Exception as exc:
            conn.execute("ROLLBACK TO unit")
            conn.execute("RELEASE unit")
            return False, exc
        conn.execute("RELEASE unit")
        return True, result


def _settle(future: asyncio.Future[Any], ok: bool, value: Any) -> None:
    if future.cancelled():
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)


G = TypeVar("G", bound=GroupCommit[Any])
_lock = threading.Lock()
_writers: weakref.WeakKeyDictionary[Database, LoopWriter] = weakref.WeakKeyDictionary()
_batches: weakref.WeakKeyDictionary[Database, RawBatch] = weakref.WeakKeyDictionary()


def _one_per_database(
    registry: weakref.WeakKeyDictionary[Database, G], db: Database, make: Callable[[Database], G]
) -> G:
    with _lock:
        found = registry.get(db)
        if found is None:
            found = registry[db] = make(db)
        return found


def writer_for(db: Database) -> LoopWriter:
    """The database's group-commit writer for webhook deliveries (one per `Database` object)."""
    return _one_per_database(_writers, db, LoopWriter)


def batch_for(db: Database) -> RawBatch:
    """The database's group commit for raw units (one per `Database` object)."""
    return _one_per_database(_batches, db, RawBatch)
