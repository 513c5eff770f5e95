"""Group commit for SQLite: one thread runs queued units of work, many per transaction.

SQLite has one writer at a time. Under load, dozens of request threads queueing for that lock
each pay the Python GIL hand-over on every SQLite call, so a transaction of a few statements takes
milliseconds of wall time. `BatchWriter` instead hands every unit to one thread that drains the
queue and runs up to `max_batch` units in one transaction, each in its own SAVEPOINT: a unit that
fails rolls back alone (its caller gets the exception), the others commit together, and no caller
hears back before the COMMIT succeeded. If the COMMIT fails, every caller of the batch gets that
error (and, for a webhook, answers 503 so TikTok retries).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from server.db import Database

T = TypeVar("T")
log = logging.getLogger("server.writer")
_Job = tuple[Callable[[Session], Any], asyncio.Future[Any], asyncio.AbstractEventLoop]


class BatchWriter:
    def __init__(self, db: Database, *, max_batch: int = 64, idle_seconds: float = 1.0) -> None:
        self.db = db
        self.max_batch = max_batch
        self.idle_seconds = idle_seconds
        self._queue: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    async def run(self, work: Callable[[Session], T]) -> T:
        """Run `work(session)` in the next batch; its result once the batch has committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._queue.put((work, future, loop))
        self._ensure_thread()
        return await future

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._loop, name="sqlite-writer", daemon=True
                )
                self._thread.start()

    def _loop(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=self.idle_seconds)
            except queue.Empty:
                with self._lock:  # exit when idle; `run` starts a new thread if work arrives
                    if self._queue.empty():
                        self._thread = None
                        return
                continue
            batch = [first]
            while len(batch) < self.max_batch:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            self._run_batch(batch)

    def _run_batch(self, batch: list[_Job]) -> None:
        outcomes: list[tuple[bool, Any]] = []
        try:
            with self.db.transaction() as session:
                for work, _, _ in batch:
                    outcomes.append(_run_one(session, work))
        except Exception as exc:  # the transaction (BEGIN or COMMIT) failed: nothing committed
            outcomes = [(False, exc)] * len(batch)
        for (_, future, loop), (ok, value) in zip(batch, outcomes, strict=True):
            with contextlib.suppress(RuntimeError):  # the caller's loop is gone: nobody waits
                loop.call_soon_threadsafe(_settle, future, ok, value)


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


class LoopWriter:
    """Group commit on the event loop's own thread: the units queued while the loop runs its
    ready callbacks (every request whose bytes arrived together) run in one transaction at the
    next turn of the loop, each in its own SAVEPOINT, with the same rules as `BatchWriter`.

    No thread: a writer thread and the event loop pass the GIL back and forth at every SQLite
    call (each one releases it), and that hand-over, not SQLite, bounded the throughput. Running
    inline blocks the loop for the batch (well under a millisecond per unit, plus one fsync per
    COMMIT), as the API's other SQLite work (`Database.run`) already does.
    """

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
        outcomes: list[tuple[bool, Any]] = []
        try:
            with self.db.transaction() as session:
                for work, _ in batch:
                    outcomes.append(_run_one(session, work))
        except Exception as exc:  # the transaction (BEGIN or COMMIT) failed: nothing committed
            outcomes = [(False, exc)] * len(batch)
        for (_, future), (ok, value) in zip(batch, outcomes, strict=True):
            _settle(future, ok, value)


_writers: weakref.WeakKeyDictionary[Database, LoopWriter] = weakref.WeakKeyDictionary()
_writers_lock = threading.Lock()


def writer_for(db: Database) -> LoopWriter:
    """The database's group-commit writer (one per `Database` object)."""
    with _writers_lock:
        writer = _writers.get(db)
        if writer is None:
            writer = _writers[db] = LoopWriter(db)
        return writer
