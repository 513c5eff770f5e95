"""Fixtures shared by the whole suite: real PostgreSQL databases and the headless browser."""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bridge.chromium import CHROMIUM

# The game's tests never open a window or a sound device.
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

DEFAULT_TEST_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test"
ROOT = Path(__file__).resolve().parent.parent


def _postgres_admin_url() -> str:
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_TEST_DATABASE_URL)


def _psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """The PostgreSQL server of TEST_DATABASE_URL; skips the test when it cannot be reached."""
    import psycopg

    url = _postgres_admin_url()
    try:
        with psycopg.connect(_psycopg_url(url), connect_timeout=3) as conn:
            conn.execute("select 1")
    except psycopg.Error as exc:
        pytest.skip(
            f"PostgreSQL at TEST_DATABASE_URL={url} cannot be reached ({exc}); set it to run"
        )
    return url


@pytest.fixture
def postgres_url(postgres_admin_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    import psycopg
    from psycopg import sql

    name = f"beanhop_test_{uuid.uuid4().hex[:12]}"
    admin = _psycopg_url(postgres_admin_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base = postgres_admin_url.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite database file for one test."""
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's chromium; skips the test with the way to install it when it is missing."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(
            f"{CHROMIUM} is missing: 'apt-get install chromium' (make test does it as root)"
        )
    return CHROMIUM


# ---- how long each group of tests took (printed at the end of a run: CI has 90 minutes) -------

TIMED_MARKERS = ("browser", "slow", "postgres")
_timing: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])  # group: [seconds, tests]
_session_started = time.monotonic()


def _groups(report: pytest.TestReport) -> list[str]:
    path = report.nodeid.split("::", 1)[0].split("/")
    folder = "/".join(path[:2]) if len(path) > 2 else path[0] + " (top level)"
    return [folder, *(f"marked {m}" for m in TIMED_MARKERS if m in report.keywords)]


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for group in _groups(report):
        _timing[group][0] += report.duration  # setup, call and teardown alike
        if report.when == "call" or (report.when == "setup" and report.skipped):
            _timing[group][1] += 1


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _timing:
        return
    terminalreporter.section("time per group of tests")
    ordered = sorted(_timing.items(), key=lambda kv: (kv[0].startswith("marked"), kv[0]))
    for group, (seconds, tests) in ordered:
        terminalreporter.write_line(f"{group:<24} {seconds:>8.1f} s  {int(tests):>5} tests")
    wall = time.monotonic() - _session_started
    terminalreporter.write_line(f"{'whole run (wall clock)':<24} {wall:>8.1f} s")
