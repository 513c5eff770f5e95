"""Whatever a client sends, the answer is a 4xx with the error envelope, never a 500."""

from __future__ import annotations

from typing import Any

from tests.server.conftest import Api, grant, login

JUNK: list[Any] = [
    {},
    [],
    "text",
    1,
    None,
    True,
    {"item_id": {}},
    {"item_id": ["revive"]},
    {"item_id": "\u0000"},
    {"item_id": "revive\u0000", "quantity": 1},
    {"item_id": "x" * 5000},
    {"item_id": "revive", "quantity": 10**40},
    {"item_id": "revive", "quantity": -(10**40)},
    {"item_id": "revive", "quantity": 1e308},
    {"placement": "\u0000"},
    {"score": 10**40, "coins": 10**40},
    {"score": 1.0, "coins": 1},
    {"code": "\u0000"},
    {"code": "a" * 3000},
]
POSTS = [
    "/api/session",
    "/api/orders",
    "/api/inventory/consume",
    "/api/shop/coins",
    "/api/ads/reward",
    "/api/runs",
]


async def test_junk_never_yields_500(api: Api) -> None:
    me = await login(api)
    grant(api, me, "revive", 1, "g")
    for path in POSTS:
        for body in JUNK:
            response = await api.client.post(path, json=body, headers=me.headers)
            assert response.status_code < 500, (path, body, response.text)
            if response.status_code >= 400:
                assert set(response.json()["error"]) == {"code", "message"}, (path, body)
    for order_id in ("%00", "x" * 500, "..%2F..%2Fetc", "bh_" + "\u00e9"):
        response = await api.client.get(f"/api/orders/{order_id}", headers=me.headers)
        assert response.status_code == 404, (order_id, response.text)
    weird_key = {**me.headers, "Idempotency-Key": "caf\u00e9".encode()}
    response = await api.client.post(
        "/api/orders", json={"item_id": "revive_pack"}, headers=weird_key
    )
    assert response.status_code == 400
    newline_key = {**me.headers, "Idempotency-Key": "key\n"}
    response = await api.client.post(
        "/api/orders", json={"item_id": "revive_pack"}, headers=newline_key
    )
    assert response.status_code == 400
