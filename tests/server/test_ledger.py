"""The ledger on SQLite and PostgreSQL: idempotent appends, no overdraft under concurrency."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from server import ledger
from server.db import Database
from server.errors import NotEnough
from server.ledger import LedgerReason
from server.models import Player


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    database.migrate()
    yield database
    database.dispose()


def _player(db: Database, open_id: str = "p1") -> int:
    with db.transaction() as session:
        player = Player(open_id=open_id)
        session.add(player)
        session.flush()
        return player.id


def test_append_is_idempotent_and_keeps_the_cache(db: Database) -> None:
    pid = _player(db)
    with db.transaction() as session:
        assert ledger.append(
            session, player_id=pid, stock_id="revive", delta=5, reason="order", idempotency_key="k1"
        )
        assert not ledger.append(
            session, player_id=pid, stock_id="revive", delta=5, reason="order", idempotency_key="k1"
        )
        ledger.append(
            session,
            player_id=pid,
            stock_id="revive",
            delta=-2,
            reason=LedgerReason.CONSUME,
            idempotency_key="k2",
        )
    with db.read() as session:
        assert ledger.balance(session, player_id=pid, stock_id="revive") == 3
        assert ledger.inventory(session, player_id=pid) == {"revive": 3}
        assert ledger.derived_balances(session, player_id=pid) == {"revive": 3}
        assert [e.reason for e in ledger.entries(session, player_id=pid)] == ["order", "consume"]


def test_debit_beyond_the_balance_raises_and_rolls_back(db: Database) -> None:
    pid = _player(db)
    with db.transaction() as session:
        ledger.append(
            session, player_id=pid, stock_id="coins", delta=3, reason="run", idempotency_key="a"
        )
    with pytest.raises(NotEnough), db.transaction() as session:
        ledger.append(
            session,
            player_id=pid,
            stock_id="coins",
            delta=-4,
            reason="consume",
            idempotency_key="b",
        )
    with pytest.raises(NotEnough), db.transaction() as session:
        ledger.append(
            session,
            player_id=pid,
            stock_id="revive",
            delta=-1,
            reason="consume",
            idempotency_key="c",
        )
    with db.read() as session:
        assert ledger.balance(session, player_id=pid, stock_id="coins") == 3
        assert len(ledger.entries(session, player_id=pid)) == 1


def test_allow_negative_records_a_debt(db: Database) -> None:
    pid = _player(db)
    with db.transaction() as session:
        ledger.append(
            session,
            player_id=pid,
            stock_id="revive",
            delta=-2,
            reason="refund",
            idempotency_key="r",
            allow_negative=True,
        )
    with db.read() as session:
        assert ledger.balance(session, player_id=pid, stock_id="revive") == -2


def test_concurrent_debits_never_overdraw(db: Database) -> None:
    pid = _player(db)
    with db.transaction() as session:
        ledger.append(
            session, player_id=pid, stock_id="revive", delta=5, reason="admin", idempotency_key="g"
        )

    def consume(n: int) -> bool:
        try:
            with db.transaction() as session:
                ledger.append(
                    session,
                    player_id=pid,
                    stock_id="revive",
                    delta=-1,
                    reason="consume",
                    idempotency_key=f"c{n}",
                )
        except NotEnough:
            return False
        return True

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(consume, range(20)))
    assert results.count(True) == 5
    with db.read() as session:
        assert ledger.balance(session, player_id=pid, stock_id="revive") == 0
        assert ledger.derived_balances(session, player_id=pid) == {}


def test_concurrent_duplicate_grants_apply_once(db: Database) -> None:
    pid = _player(db)

    def grant(_: int) -> bool:
        with db.transaction() as session:
            return ledger.append(
                session,
                player_id=pid,
                stock_id="skin.golden",
                delta=1,
                reason="order",
                idempotency_key="once",
            )

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(grant, range(20)))
    assert results.count(True) == 1
    with db.read() as session:
        assert ledger.inventory(session, player_id=pid) == {"skin.golden": 1}


def test_migrate_twice_is_a_no_op(db: Database) -> None:
    db.migrate()
    db.ping()
