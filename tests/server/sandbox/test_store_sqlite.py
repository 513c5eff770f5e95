"""Persistence: a sandbox with ``db_path`` picks up where the previous one stopped."""

from __future__ import annotations

from pathlib import Path

from server.sandbox import SandboxConfig
from server.sandbox.state import Delivery, Order, Store, User
from server.sandbox.store_sqlite import SqliteBackend

from .conftest import FAST_RETRY
from .helpers import KEY, SECRET, Target, bearer, create_order, login, sandbox_client, wait_delivery


async def test_users_tokens_orders_and_faults_survive_a_restart(tmp_path: Path) -> None:
    config = SandboxConfig(db_path=str(tmp_path / "state.db"))
    async with sandbox_client(config) as client:
        tokens = await login(client, display_name="Keeper")
        trade_order_id = await create_order(client, tokens, "ord-keep")
        await client.post(f"/control/orders/{trade_order_id}/pay", json={})
        await client.put("/control/faults", json={"duplicate": 1})
        spare = (await client.post("/control/login_codes", json={})).json()["code"]
    async with sandbox_client(config) as client:
        info = await client.get("/v2/user/info/?fields=display_name", headers=bearer(tokens))
        assert info.json()["data"]["user"] == {"display_name": "Keeper"}
        query = await client.post(
            "/v2/minis/trade_order/query/",
            headers=bearer(tokens),
            json={"trade_order_id": trade_order_id},
        )
        assert query.json()["data"]["trade_order_status"] == "SUCCESS"
        assert len((await client.get("/control/deliveries")).json()["deliveries"]) == 1
        assert (await client.get("/control/faults")).json()["duplicate"] == 1
        form = {"client_key": KEY, "client_secret": SECRET, "code": spare}
        exchanged = await client.post(
            "/v2/oauth/token/", data=form | {"grant_type": "authorization_code"}
        )
        assert exchanged.status_code == 200
        again = await create_order(client, tokens, "ord-keep-2")
        assert again != trade_order_id


async def test_a_delivery_left_pending_is_sent_after_a_restart(
    tmp_path: Path, target: Target, target_url: str
) -> None:
    db = tmp_path / "state.db"
    backend = SqliteBackend(db)
    store = Store(backend)
    store.save(User("u1", "un1", "U", "https://x/a.jpeg"))
    order = Order("TOID1", "ord-1", "u1", KEY, 10, "x", {}, 1.0, status="SUCCESS", paid_at=2.0)
    store.save(order)
    body = '{"client_key":"k","event":"minis.trade_order.redeem.success"}'
    store.save(
        Delivery("dlv_1", "minis.trade_order.redeem.success", "TOID1", target_url, body, 2.0)
    )
    store.close()
    config = SandboxConfig(db_path=str(db), webhook_url=target_url, retry=FAST_RETRY)
    async with sandbox_client(config) as client:
        delivered = await wait_delivery(client, "dlv_1", "delivered")
    assert len(delivered["attempts"]) == 1
    assert target.requests[0][1] == body.encode()


def test_the_sqlite_backend_keeps_insertion_order(tmp_path: Path) -> None:
    backend = SqliteBackend(tmp_path / "s.db")
    for key in ("b", "a", "c"):
        backend.save("user", key, {"open_id": key})
    backend.save("user", "b", {"open_id": "b", "beans": 5})
    assert list(backend.load()["user"]) == ["b", "a", "c"]
    assert backend.load()["user"]["b"]["beans"] == 5
    backend.clear()
    assert backend.load() == {}
    backend.close()
