"""server/operator.py: `python -m server orders …` against a real database."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from server.cli import main
from tests.server.conftest import Api, login
from tests.server.payments_support import deliver, items, open_order, refund_body, success_body

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(api: Api, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    monkeypatch.setenv("DATABASE_URL", api.settings.database_url)
    monkeypatch.setenv("TIKTOK_CLIENT_KEY", api.settings.tiktok_client_key)
    capsys.readouterr()

    def command(*argv: str) -> tuple[int, str, str]:
        status = main(["orders", *argv])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return command


async def test_list_and_show(api: Api, run: Run) -> None:
    me = await login(api)
    paid, pending = await open_order(api, me, "skin_golden"), await open_order(api, me)
    await deliver(api, success_body(api, paid))
    status, out, _ = run("list")
    assert status == 0 and paid["order_id"] in out and pending["order_id"] in out
    assert "2 order(s)" in out
    status, out, _ = run("list", "--status", "paid")
    assert paid["order_id"] in out and pending["order_id"] not in out
    status, out, _ = run("show", paid["order_id"])
    assert status == 0 and "skin.golden" in out and "applied" in out and "success" in out
    status, _, err = run("show", "bh_missing")
    assert status == 1 and "no order 'bh_missing'" in err


async def test_ledger_grant_and_revoke(api: Api, run: Run) -> None:
    me = await login(api)
    status, out, _ = run("grant", me.open_id, "revive", "3", "--reason", "support ticket 42")
    assert status == 0 and "now 3" in out
    assert await items(api, me) == {"revive": 3}
    status, _, err = run("revoke", me.open_id, "revive", "5", "--reason", "oops")
    assert status == 1 and "has only 3 revive" in err
    status, out, _ = run("revoke", me.open_id, "revive", "1", "--reason", "duplicate grant")
    assert status == 0 and "now 2" in out
    status, out, _ = run("ledger", me.open_id)
    assert status == 0 and "support ticket 42" in out and "admin" in out
    assert "revive=2" in out and "WARNING" not in out
    assert run("grant", "nobody", "coins", "1", "--reason", "x")[0] == 1
    assert run("grant", me.open_id, "Bad Stock!", "1", "--reason", "x")[0] == 1
    assert run("grant", me.open_id, "coins", "1", "--reason", "  ")[0] == 1


async def test_bad_usage_exits_2_without_a_traceback(
    api: Api,
    run: Run,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for argv in (["grant", "x", "coins", "-1", "--reason", "r"], ["grant", "x", "coins", "1"]):
        with pytest.raises(SystemExit) as exit_info:
            main(["orders", *argv])
        assert exit_info.value.code == 2
        assert "Traceback" not in capsys.readouterr().err


async def test_deliveries_and_replay(api: Api, run: Run) -> None:
    me = await login(api)
    order = await open_order(api, me)
    ghost = {"order_id": "bh_ghost", "trade_order_id": "tt_ghost"}
    first = (await deliver(api, success_body(api, order))).json()["delivery_id"]
    await deliver(api, success_body(api, ghost))
    status, out, _ = run("deliveries", "--outcome", "unknown_order")
    assert status == 0 and "bh_ghost" in out and order["order_id"] not in out
    status, out, _ = run("replay", str(first))
    assert status == 0 and "duplicate" in out
    assert await items(api, me) == {"revive": 5}
    status, out, _ = run("deliveries")
    assert "replay" in out and "3 deliveries" in out
    status, _, err = run("replay", "999999")
    assert status == 1 and "no delivery 999999" in err


async def test_revenue_excludes_sandbox_orders(api: Api, run: Run) -> None:
    me = await login(api)
    real, refunded, test = [await open_order(api, me) for _ in range(3)]
    await deliver(api, success_body(api, real))
    await deliver(api, success_body(api, refunded))
    await deliver(api, refund_body(api, refunded, 4))
    await deliver(api, success_body(api, test, is_sandbox=True))
    await open_order(api, me)  # pending: no revenue
    status, out, _ = run("revenue")
    assert status == 0
    total = next(line for line in out.splitlines() if line.startswith("TOTAL")).split()
    assert total == ["TOTAL", "2", "20", "4", "16"]
    assert "excluded: 1 sandbox order(s), 10 Beans" in out


def test_a_missing_database_is_a_clear_error(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/empty.db")
    assert main(["orders", "list"]) == 1
    assert "migrate" in capsys.readouterr().err
