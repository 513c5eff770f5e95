"""Runs over HTTP: started by the server, verified by replaying their input log, granted once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import pytest

from rules.log import MAX_SEGMENTS, MAX_STEPS, InputLog
from rules.replay import replay
from server.settings import Settings
from tests.rules.support import play, result, seconds
from tests.server.conftest import Api, grant, login, start_api
from tests.server.runs_support import post_result, start


async def test_a_run_grants_what_its_replay_computes_once(api: Api) -> None:
    me = await login(api)
    run = await start(api, me)
    assert set(run) == {"run_id", "seed", "coins_left_today"}
    world = play(run["seed"])
    api.clock.advance(seconds(world))
    response = await post_result(api, me, run["run_id"], result(world))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["score"], body["coins"], body["height"]) == (
        world.score,
        world.coins_collected,
        world.height,
    )
    assert body["coins_granted"] == world.coins_collected and not body["capped"]
    assert body["steps"] == world.ticks and body["best_score"] == world.score
    assert body["inventory"]["coins"] == world.coins_collected
    again = await post_result(api, me, run["run_id"], result(world))
    assert again.status_code == 409 and again.json()["error"]["code"] == "run_closed"
    me_now = (await api.client.get("/api/me", headers=me.headers)).json()
    assert me_now["best_score"] == world.score
    assert me_now["inventory"]["coins"] == world.coins_collected, "granted once"


async def test_claims_are_logged_never_granted(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    me = await login(api)
    run = await start(api, me, seed=8)
    world = play(8)
    api.clock.advance(seconds(world))
    with caplog.at_level(logging.WARNING, logger="server.runs"):
        response = await post_result(api, me, run["run_id"], result(world, score=99_999, coins=500))
    assert response.status_code == 200, response.text
    assert response.json()["coins_granted"] == world.coins_collected == 30
    assert response.json()["score"] == world.score
    assert any("claimed score 99999 coins 500" in r.getMessage() for r in caplog.records)


async def test_a_log_from_another_seed_earns_only_what_it_earns_on_this_one(api: Api) -> None:
    """A rich run recorded elsewhere (seed 8: 30 coins) posted for a run of seed 6."""
    me = await login(api)
    run = await start(api, me, seed=6)
    rich = play(8)
    api.clock.advance(seconds(rich))
    response = await post_result(api, me, run["run_id"], result(rich))
    assert response.status_code == 200, response.text
    expected = replay(6, InputLog.from_json(rich.log.log().to_json()))
    assert response.json()["coins_granted"] == expected.coins < rich.coins_collected
    assert response.json()["score"] == expected.score


async def test_a_result_faster_than_play_is_rejected_with_its_run(api: Api) -> None:
    me = await login(api)
    run = await start(api, me, seed=8)
    world = play(8)
    assert seconds(world) > api.settings.run_time_tolerance_seconds
    response = await post_result(api, me, run["run_id"], result(world))
    assert response.status_code == 422 and response.json()["error"]["code"] == "run_too_fast"
    api.clock.advance(seconds(world))
    later = await post_result(api, me, run["run_id"], result(world))
    assert later.status_code == 409 and later.json()["error"]["code"] == "run_closed"
    inventory = (await api.client.get("/api/inventory", headers=me.headers)).json()
    assert inventory["coins"] == 0


async def test_the_tolerance_admits_a_result_just_in_time(api: Api) -> None:
    me = await login(api)
    run = await start(api, me, seed=8)
    world = play(8)
    api.clock.advance(seconds(world) - api.settings.run_time_tolerance_seconds + 0.5)
    response = await post_result(api, me, run["run_id"], result(world))
    assert response.status_code == 200, response.text


async def test_the_daily_coin_cap(settings_for: Callable[..., Settings]) -> None:
    async for api in start_api(settings_for(run_daily_coin_cap=20)):
        me = await login(api)
        first = await start(api, me, seed=8)
        assert first["coins_left_today"] == 20
        world = play(8)  # 30 coins
        api.clock.advance(seconds(world))
        body = (await post_result(api, me, first["run_id"], result(world))).json()
        assert body["coins_granted"] == 20 and body["capped"] and body["coins"] == 30
        assert body["best_score"] == world.score, "the score counts beyond the cap"
        capped = await api.client.post("/api/runs", headers=me.headers)
        assert capped.status_code == 429 and capped.json()["error"]["code"] == "run_daily_cap"
        now = api.clock.now()
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0).timestamp() + 86400
        assert abs(int(capped.headers["Retry-After"]) - (midnight - now.timestamp())) <= 2
        api.clock.advance(int(capped.headers["Retry-After"]))
        assert (await start(api, me))["coins_left_today"] == 20, "a new UTC day"


async def test_a_run_started_under_the_cap_grants_only_what_is_left(
    settings_for: Callable[..., Settings],
) -> None:
    async for api in start_api(settings_for(run_daily_coin_cap=40)):
        me = await login(api)
        runs = [await start(api, me, seed=8), await start(api, me, seed=9)]
        granted = []
        for run, world in zip(runs, (play(8), play(9)), strict=True):
            api.clock.advance(seconds(world))
            response = await post_result(api, me, run["run_id"], result(world))
            granted.append(response.json()["coins_granted"])
        assert granted == [30, 10]
        inventory = (await api.client.get("/api/inventory", headers=me.headers)).json()
        assert inventory["coins"] == 40


MALFORMED: list[tuple[Any, str]] = [
    (None, "invalid_log"),
    ([], "invalid_log"),
    ({}, "invalid_log"),
    ({"v": 2, "steer": [0, 1]}, "invalid_log"),
    ({"v": True, "steer": [0, 1]}, "invalid_log"),
    ({"v": 1}, "invalid_log"),
    ({"v": 1, "steer": "0,1"}, "invalid_log"),
    ({"v": 1, "steer": [0]}, "invalid_log"),
    ({"v": 1, "steer": [5, 1]}, "invalid_log"),
    ({"v": 1, "steer": [-5, 1]}, "invalid_log"),
    ({"v": 1, "steer": [0, 0]}, "invalid_log"),
    ({"v": 1, "steer": [0, -3]}, "invalid_log"),
    ({"v": 1, "steer": [0, 1.5]}, "invalid_log"),
    ({"v": 1, "steer": [True, 1]}, "invalid_log"),
    ({"v": 1, "steer": [0, 10**40]}, "invalid_log"),
    ({"v": 1, "steer": [0, "1"]}, "invalid_log"),
    ({"v": 1, "steer": [0, None]}, "invalid_log"),
    ({"v": 1, "steer": [[0, 1]]}, "invalid_log"),
    ({"v": 1, "steer": [0, 10], "revives": [3, 5]}, "invalid_log"),
    ({"v": 1, "steer": [0, 10], "revives": [11]}, "invalid_log"),
    ({"v": 1, "steer": [0, 10], "revives": [0]}, "invalid_log"),
    ({"v": 1, "steer": [0, 10], "revives": 3}, "invalid_log"),
    ({"v": 1, "steer": [0, MAX_STEPS, 1, 1]}, "log_too_long"),
    ({"v": 1, "steer": [0, 1, 1, 1] * (MAX_SEGMENTS // 2) + [0, 1]}, "log_too_long"),
]


async def test_malformed_logs_are_400_with_a_clear_code(api: Api) -> None:
    me = await login(api)
    run = await start(api, me)
    api.clock.advance(MAX_STEPS)
    for log, code in MALFORMED:
        response = await post_result(api, me, run["run_id"], {"log": log, "score": 1, "coins": 1})
        assert response.status_code == 400, (log, response.text)
        assert response.json()["error"]["code"] in (code, "invalid_request"), log
        assert response.json()["error"]["message"]
    for body in ([], "x", {"log": {"v": 1, "steer": []}}, {"score": 1, "coins": 1}):
        response = await post_result(api, me, run["run_id"], body)
        assert response.status_code == 400, (body, response.text)
    bad_claims = {"log": {"v": 1, "steer": [0, 1]}, "score": 2**40, "coins": -1}
    assert (await post_result(api, me, run["run_id"], bad_claims)).status_code == 400
    empty = {"log": {"v": 1, "steer": []}, "score": 0, "coins": 0}
    assert (await post_result(api, me, run["run_id"], empty)).status_code == 200, "still open"


async def test_someone_elses_or_an_unknown_run_is_404(api: Api) -> None:
    ann, bob = await login(api, name="Ann"), await login(api, name="Bob")
    run = await start(api, ann)
    world = play(run["seed"])
    api.clock.advance(seconds(world))
    for run_id in (run["run_id"], 999_999, "abc", "0", "9" * 40, "%00", "1e3", "-1"):
        response = await post_result(api, bob, run_id, result(world))
        assert response.status_code == 404, (run_id, response.text)
        assert response.json()["error"]["code"] in ("unknown_run", "not_found")
        revive = await api.client.post(
            f"/api/runs/{run_id}/revive", json={"paid_with": "ad"}, headers=bob.headers
        )
        assert revive.status_code == 404, (run_id, revive.text)
    assert (await post_result(api, ann, run["run_id"], result(world))).status_code == 200


async def test_a_token_revive_is_part_of_the_replay(api: Api) -> None:
    me = await login(api)
    grant(api, me, "revive", 1, "g-revive")
    run = await start(api, me, seed=7)
    world = play(7, revive=True)
    assert world.revived and world.log.revives
    path = f"/api/runs/{run['run_id']}/revive"
    response = await api.client.post(path, json={"paid_with": "token"}, headers=me.headers)
    assert response.status_code == 200, response.text
    assert response.json()["revive"] == "token"
    assert response.json()["inventory"]["items"].get("revive", 0) == 0
    twice = await api.client.post(path, json={"paid_with": "ad"}, headers=me.headers)
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "already_revived"
    api.clock.advance(seconds(world))
    body = (await post_result(api, me, run["run_id"], result(world))).json()
    assert body["revived"] and body["steps"] == world.ticks
    assert (body["score"], body["coins_granted"]) == (world.score, world.coins_collected)


async def test_a_token_revive_without_a_token_is_409(api: Api) -> None:
    me = await login(api)
    run = await start(api, me)
    response = await api.client.post(
        f"/api/runs/{run['run_id']}/revive", json={"paid_with": "token"}, headers=me.headers
    )
    assert response.status_code == 409 and response.json()["error"]["code"] == "not_enough"
    bad = await api.client.post(
        f"/api/runs/{run['run_id']}/revive", json={"paid_with": "beans"}, headers=me.headers
    )
    assert bad.status_code == 400


async def test_an_unpaid_revive_ends_the_replay_at_the_fall(api: Api) -> None:
    me = await login(api)
    run = await start(api, me, seed=7)
    fell = play(7)
    world = play(7, revive=True)
    assert world.coins_collected > fell.coins_collected
    api.clock.advance(seconds(world))
    body = (await post_result(api, me, run["run_id"], result(world))).json()
    assert not body["revived"] and body["steps"] == fell.ticks
    assert (body["score"], body["coins_granted"]) == (fell.score, fell.coins_collected)


async def test_an_ad_revive_counts_against_the_ad_cap(
    settings_for: Callable[..., Settings],
) -> None:
    async for api in start_api(settings_for(ad_reward_daily_cap=1)):
        me = await login(api)
        first, second = await start(api, me), await start(api, me)
        response = await api.client.post(
            f"/api/runs/{first['run_id']}/revive", json={"paid_with": "ad"}, headers=me.headers
        )
        assert response.status_code == 200, response.text
        api.clock.advance(3600)
        over = await api.client.post(
            f"/api/runs/{second['run_id']}/revive", json={"paid_with": "ad"}, headers=me.headers
        )
        assert over.status_code == 429 and over.json()["error"]["code"] == "ad_daily_cap"
        assert "Retry-After" in over.headers
        free = await api.client.post(
            "/api/ads/reward", json={"placement": "free_coins"}, headers=me.headers
        )
        assert free.status_code == 429, "the revive used the day's one ad reward"


async def test_an_old_client_is_told_to_update(api: Api) -> None:
    me = await login(api)
    response = await api.client.post(
        "/api/runs", json={"score": 300, "coins": 12}, headers=me.headers
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "outdated_client"
    assert "update" in response.json()["error"]["message"]
    empty_object = await api.client.post("/api/runs", json={}, headers=me.headers)
    assert empty_object.status_code == 201


async def test_starting_a_fourth_run_closes_the_oldest_open_one(api: Api) -> None:
    me = await login(api)
    runs = [await start(api, me) for _ in range(4)]
    api.clock.advance(60)
    empty = {"log": {"v": 1, "steer": []}, "score": 0, "coins": 0}
    oldest = await post_result(api, me, runs[0]["run_id"], empty)
    assert oldest.status_code == 409 and "newer" in oldest.json()["error"]["message"]
    for run in runs[1:]:
        assert (await post_result(api, me, run["run_id"], empty)).status_code == 200


async def test_two_results_at_once_grant_once(api: Api) -> None:
    me = await login(api)
    run = await start(api, me, seed=8)
    world = play(8)
    api.clock.advance(seconds(world))
    responses = await asyncio.gather(
        *(post_result(api, me, run["run_id"], result(world)) for _ in range(4))
    )
    assert sorted(r.status_code for r in responses) == [200, 409, 409, 409]
    inventory = (await api.client.get("/api/inventory", headers=me.headers)).json()
    assert inventory["coins"] == world.coins_collected
