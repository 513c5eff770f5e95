"""server/writer.py: group commit on SQLite, on the event loop, a savepoint per unit of work."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from server.db import Database
from server.writer import LoopWriter, RawBatch, batch_for, writer_for


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'w.db'}")
    with database.transaction() as session:
        session.execute(text("CREATE TABLE t (k TEXT PRIMARY KEY)"))
    yield database
    database.dispose()


def keys(db: Database) -> list[str]:
    with db.read() as session:
        return [row[0] for row in session.execute(text("SELECT k FROM t ORDER BY k"))]


def insert(key: str) -> Callable[[Session], str]:
    def work(session: Session) -> str:
        session.execute(text("INSERT INTO t (k) VALUES (:k)"), {"k": key})
        return key

    return work


async def test_many_units_commit_and_answer(db: Database) -> None:
    writer = LoopWriter(db, max_batch=8)
    results = await asyncio.gather(*(writer.run(insert(f"k{i:02}")) for i in range(50)))
    assert results == [f"k{i:02}" for i in range(50)]
    assert keys(db) == results


async def test_a_failing_unit_rolls_back_alone(db: Database) -> None:
    writer = LoopWriter(db, max_batch=64)

    def half_then_fail(session: Session) -> None:
        session.execute(text("INSERT INTO t (k) VALUES ('partial')"))
        raise LookupError("boom")

    outcomes = await asyncio.gather(
        writer.run(insert("a")),
        writer.run(half_then_fail),
        writer.run(insert("a")),  # a unique violation
        writer.run(insert("b")),
        return_exceptions=True,
    )
    assert outcomes[0] == "a" and outcomes[3] == "b"
    assert isinstance(outcomes[1], LookupError)
    assert isinstance(outcomes[2], Exception)
    assert keys(db) == ["a", "b"]


async def test_a_database_that_cannot_open_fails_every_unit(tmp_path: Path) -> None:
    broken = Database(f"sqlite:///{tmp_path}")  # a directory
    try:
        writer = LoopWriter(broken)
        outcomes = await asyncio.gather(
            *(writer.run(insert(str(i))) for i in range(3)),
            return_exceptions=True,
        )
        assert all(isinstance(o, Exception) for o in outcomes)
    finally:
        broken.dispose()


async def test_units_queued_together_share_a_transaction(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = LoopWriter(db, max_batch=4)
    opened = 0
    transaction = db.transaction

    def counting(**kwargs: bool) -> Any:
        nonlocal opened
        opened += 1
        return transaction(**kwargs)

    monkeypatch.setattr(db, "transaction", counting)
    await asyncio.gather(*(writer.run(insert(f"k{i}")) for i in range(10)))
    assert opened == 3  # 10 units queued together, at most 4 per transaction: 4 + 4 + 2
    assert len(keys(db)) == 10


def test_one_writer_per_database(db: Database) -> None:
    assert writer_for(db) is writer_for(db)


# RawBatch: the order path's units on the driver's connection.


def insert_raw(key: str) -> Callable[[Any], str]:
    def work(conn: Any) -> str:
        conn.execute("INSERT INTO t (k) VALUES (?)", (key,))
        return key

    return work


async def test_many_units_commit_in_batches_raw(db: Database) -> None:
    batch = RawBatch(db, max_batch=8)
    results = await asyncio.gather(*(batch.run(insert_raw(f"k{i:02}")) for i in range(50)))
    assert results == [f"k{i:02}" for i in range(50)]
    assert keys(db) == results


async def test_a_failing_unit_rolls_back_alone_raw(db: Database) -> None:
    batch = batch_for(db)

    def half_then_fail(conn: Any) -> None:
        conn.execute("INSERT INTO t (k) VALUES ('partial')")
        raise LookupError("boom")

    outcomes = await asyncio.gather(
        batch.run(insert_raw("a")),
        batch.run(half_then_fail),
        batch.run(insert_raw("a")),  # a unique violation
        batch.run(insert_raw("b")),
        return_exceptions=True,
    )
    assert outcomes[0] == "a" and outcomes[3] == "b"
    assert isinstance(outcomes[1], LookupError)
    assert isinstance(outcomes[2], sqlite3.IntegrityError)
    assert keys(db) == ["a", "b"]


async def test_a_cancelled_unit_does_not_run_raw(db: Database) -> None:
    batch = batch_for(db)
    cancelled = asyncio.ensure_future(batch.run(insert_raw("gone")))
    kept = asyncio.ensure_future(batch.run(insert_raw("kept")))
    await asyncio.sleep(0)  # both queued, the flush not yet run
    cancelled.cancel()
    assert await kept == "kept"
    assert keys(db) == ["kept"]


async def test_the_write_lock_is_free_afterwards_raw(db: Database) -> None:
    await batch_for(db).run(insert_raw("x"))
    with db.transaction() as session:  # would wait forever on a lock left held
        session.execute(text("INSERT INTO t (k) VALUES ('y')"))
    assert keys(db) == ["x", "y"]
