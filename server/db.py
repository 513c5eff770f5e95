"""The database: a SQLAlchemy 2 engine built from DATABASE_URL, transactions, migrations.

SQLite gets WAL, a busy timeout and foreign keys, and its write transactions start with
`BEGIN IMMEDIATE` so concurrent writers queue on the lock instead of failing half-way with
"database is locked". PostgreSQL goes through psycopg 3. Work is synchronous: async routes call it
through `starlette.concurrency.run_in_threadpool` (or are plain `def`).
"""

from __future__ import annotations

import collections
import contextlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

T = TypeVar("T")

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_MIGRATION_LOCK = 0x6265616E  # "bean": a PostgreSQL advisory lock id for concurrent replicas
# Every SQLite connection's pragmas. synchronous=FULL: a commit is on disk (fsync) before it
# returns, so a 200 (a webhook TikTok will never retry) survives a power loss, not only a crash.
SQLITE_PRAGMAS = ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=30000")


def is_unavailable(exc: BaseException) -> bool:
    """A database that cannot answer now (down, locked, deadlock, pool exhausted): retry later.
    Any other error (a constraint, a value it cannot hold) would fail again."""
    if isinstance(exc, OperationalError | InterfaceError | PoolTimeout):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def normalise_url(url: str) -> str:
    """`postgresql://…` → the psycopg 3 driver; everything else unchanged."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.removeprefix("postgres://")
    return url


def _sqlite_engine(url: str, *, echo: bool) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        echo=echo,
        connect_args={"check_same_thread": False, "timeout": 30, "isolation_level": None},
        pool_size=20,
        max_overflow=20,
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # pysqlite's own transaction handling is off (isolation_level=None): we say BEGIN.
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


class FairLock:
    """A FIFO lock: SQLite writers of this process take turns in arrival order (threading.Lock
    lets a newcomer overtake threads that have waited long, which shows as tail latency)."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiters: collections.deque[threading.Event] = collections.deque()
        self._locked = False

    def __enter__(self) -> FairLock:
        with self._mutex:
            if not self._locked:
                self._locked = True
                return self
            turn = threading.Event()
            self._waiters.append(turn)
        turn.wait()  # the lock is handed over to us, still held
        return self

    def __exit__(self, *exc: object) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().set()
            else:
                self._locked = False


class Database:
    """One engine per process; `transaction()` for writes, `read()` for reads."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = normalise_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        self._write_lock = FairLock()
        self._hot: Any = None  # sqlite_write's connection, checked out of the pool once
        if self.is_sqlite:
            self.engine = _sqlite_engine(self.url, echo=echo)
        else:
            self.engine = create_engine(
                self.url, echo=echo, pool_pre_ping=True, pool_size=20, max_overflow=20
            )

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Session]:
        """A session in one transaction: commit on success, rollback on any error.

        On SQLite a write transaction takes the write lock up front (`BEGIN IMMEDIATE`).
        """
        # SQLite has one writer at a time: queue this process's writers on a lock rather than in
        # SQLite's busy handler, which sleeps in steps of up to 100 ms.
        lock = self._write_lock if self.is_sqlite and write else contextlib.nullcontext()
        with lock, self.engine.connect() as conn:
            if self.is_sqlite:
                conn = conn.execution_options(sqlite_begin="IMMEDIATE" if write else "DEFERRED")
            with (
                Session(bind=conn, expire_on_commit=False, autoflush=True) as session,
                session.begin(),
            ):
                yield session

    @contextmanager
    def sqlite_write(self) -> Iterator[Any]:
        """SQLite only: the driver's connection in a `BEGIN IMMEDIATE` transaction, under the same
        write lock as `transaction()`, for a few hot statements (no Session, no execution layer).
        Commits on success, rolls back on any error."""
        assert self.is_sqlite, "sqlite_write is for SQLite"
        with self._write_lock:
            if self._hot is None:  # one connection kept for these (the lock serialises them)
                self._hot = self.engine.raw_connection()
            conn = self._hot.driver_connection
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            try:
                conn.execute("COMMIT")
            except BaseException:
                conn.rollback()
                raise

    def read(self) -> Any:
        """A read-only transaction (a deferred one on SQLite, so readers do not queue)."""
        return self.transaction(write=False)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run database work from async code: inline on SQLite (short, serialised anyway, and a
        thread hop costs more than the work), in the thread pool on PostgreSQL."""
        if self.is_sqlite:
            return fn(*args)
        return await run_in_threadpool(fn, *args)

    def ping(self) -> None:
        with self.engine.connect() as conn:
            if self.is_sqlite:
                conn = conn.execution_options(sqlite_begin="DEFERRED")
            conn.execute(text("SELECT 1"))

    def migrate(self, revision: str = "head") -> None:
        """Apply the Alembic migrations in `server/migrations/` (safe from several replicas)."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.connect() as conn:
            if not self.is_sqlite:
                conn.execute(text("SELECT pg_advisory_lock(:id)"), {"id": _MIGRATION_LOCK})
                conn.commit()
            try:
                with conn.begin():
                    config.attributes["connection"] = conn
                    command.upgrade(config, revision)
            finally:
                if not self.is_sqlite:
                    conn.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": _MIGRATION_LOCK})
                    conn.commit()

    def dispose(self) -> None:
        if self._hot is not None:
            with self._write_lock:
                self._hot.close()
                self._hot = None
        self.engine.dispose()
