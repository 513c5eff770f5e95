"""Runs: best score and capped coins."""

from __future__ import annotations

from tests.server.conftest import Api, login


async def test_runs_keep_the_best_score_and_grant_capped_coins(api: Api) -> None:
    me = await login(api)
    first = await api.client.post("/api/runs", json={"score": 300, "coins": 12}, headers=me.headers)
    assert first.status_code == 200, first.text
    assert first.json()["best_score"] == 300 and first.json()["coins_granted"] == 12
    worse = await api.client.post(
        "/api/runs", json={"score": 100, "coins": 10_000}, headers=me.headers
    )
    body = worse.json()
    assert body["best_score"] == 300
    assert body["coins_granted"] == api.settings.run_max_coins
    assert body["inventory"]["coins"] == 12 + api.settings.run_max_coins
    assert body["run_id"] > first.json()["run_id"]
    me_now = (await api.client.get("/api/me", headers=me.headers)).json()
    assert me_now["best_score"] == 300


async def test_bad_runs_are_400(api: Api) -> None:
    me = await login(api)
    for body in ({"score": -1, "coins": 0}, {"score": 1}, {"score": "9", "coins": 1}, [1, 2]):
        response = await api.client.post("/api/runs", json=body, headers=me.headers)
        assert response.status_code == 400, body
        assert response.json()["error"]["code"] == "invalid_request"
