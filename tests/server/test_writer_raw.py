"""server/writer.py RawBatch: the order path's group commit on the driver's connection."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from server.db import Database
from server.writer import RawBatch, batch_for


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'r.db'}")
    with database.transaction() as session:
        session.execute(text("CREATE TABLE t (k TEXT PRIMARY KEY)"))
    yield database
    database.dispose()


def keys(db: Database) -> list[str]:
    with db.read() as session:
        return [row[0] for row in session.execute(text("SELECT k FROM t ORDER BY k"))]


def insert(key: str) -> Callable[[Any], str]:
    def work(conn: Any) -> str:
        conn.execute("INSERT INTO t (k) VALUES (?)", (key,))
        return key

    return work


async def test_many_units_commit_in_batches(db: Database) -> None:
    batch = RawBatch(db, max_batch=8)
    results = await asyncio.gather(*(batch.run(insert(f"k{i:02}")) for i in range(50)))
    assert results == [f"k{i:02}" for i in range(50)]
    assert keys(db) == results


async def test_a_failing_unit_rolls_back_alone(db: Database) -> None:
    batch = batch_for(db)

    def half_then_fail(conn: Any) -> None:
        conn.execute("INSERT INTO t (k) VALUES ('partial')")
        raise LookupError("boom")

    outcomes = await asyncio.gather(
        batch.run(insert("a")),
        batch.run(half_then_fail),
        batch.run(insert("a")),  # a unique violation
        batch.run(insert("b")),
        return_exceptions=True,
    )
    assert outcomes[0] == "a" and outcomes[3] == "b"
    assert isinstance(outcomes[1], LookupError)
    assert isinstance(outcomes[2], sqlite3.IntegrityError)
    assert keys(db) == ["a", "b"]


async def test_a_cancelled_unit_does_not_run(db: Database) -> None:
    batch = batch_for(db)
    cancelled = asyncio.ensure_future(batch.run(insert("gone")))
    kept = asyncio.ensure_future(batch.run(insert("kept")))
    await asyncio.sleep(0)  # both queued, the flush not yet run
    cancelled.cancel()
    assert await kept == "kept"
    assert keys(db) == ["kept"]


async def test_the_write_lock_is_free_afterwards(db: Database) -> None:
    await batch_for(db).run(insert("x"))
    with db.transaction() as session:  # would wait forever on a lock left held
        session.execute(text("INSERT INTO t (k) VALUES ('y')"))
    assert keys(db) == ["x", "y"]
