"""Ad rewards: cooldown and daily cap read from the ledger, 429 with Retry-After."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from server.settings import Settings
from tests.server.conftest import Api, login, start_api
from tests.server.runs_support import played_run, start


async def test_free_coins_then_cooldown(api: Api) -> None:
    me = await login(api)
    first = await api.client.post(
        "/api/ads/reward", json={"placement": "free_coins"}, headers=me.headers
    )
    assert first.status_code == 200, first.text
    assert first.json()["granted"] == {"coins": 25}
    assert first.json()["inventory"] == {"items": {}, "coins": 25}
    again = await api.client.post(
        "/api/ads/reward", json={"placement": "free_coins"}, headers=me.headers
    )
    assert again.status_code == 429
    assert again.json()["error"]["code"] == "ad_cooldown"
    assert 1 <= int(again.headers["retry-after"]) <= 30
    api.clock.advance(31)
    later = await api.client.post(
        "/api/ads/reward", json={"placement": "free_coins"}, headers=me.headers
    )
    assert later.status_code == 200
    assert later.json()["inventory"]["coins"] == 50


async def test_daily_cap_until_the_next_utc_day(settings_for: Callable[..., Settings]) -> None:
    settings = settings_for(ad_reward_cooldown_seconds=0, ad_reward_daily_cap=3)
    async for api in start_api(settings):
        # start just after midnight so the cap is hit within one UTC day
        now = api.clock.now()
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        api.clock.advance(86_400 - (now - midnight).total_seconds() + 10)
        me = await login(api)
        statuses = []
        for _ in range(4):
            response = await api.client.post(
                "/api/ads/reward", json={"placement": "revive"}, headers=me.headers
            )
            statuses.append(response.status_code)
        assert statuses == [200, 200, 200, 429]
        assert response.json()["error"]["code"] == "ad_daily_cap"
        assert int(response.headers["retry-after"]) > 80_000
        api.clock.advance(86_400)
        next_day = await api.client.post(
            "/api/ads/reward", json={"placement": "revive"}, headers=me.headers
        )
        assert next_day.status_code == 200
        assert next_day.json()["granted"] == {}


async def test_concurrent_claims_count_once(settings_for: Callable[..., Settings]) -> None:
    async for api in start_api(settings_for(ad_reward_cooldown_seconds=60)):
        me = await login(api)
        responses = await asyncio.gather(
            *(
                api.client.post(
                    "/api/ads/reward", json={"placement": "free_coins"}, headers=me.headers
                )
                for _ in range(10)
            )
        )
        assert sorted(r.status_code for r in responses) == [200] + [429] * 9
        inventory = (await api.client.get("/api/inventory", headers=me.headers)).json()
        assert inventory["coins"] == 25


async def test_double_coins_doubles_the_latest_run_once(api: Api) -> None:
    me = await login(api)
    nothing = await api.client.post(
        "/api/ads/reward", json={"placement": "double_coins"}, headers=me.headers
    )
    assert nothing.status_code == 409 and nothing.json()["error"]["code"] == "nothing_to_double"
    run = await played_run(api, me, seed=8)
    assert run["coins_granted"] == 30
    await start(api, me)  # the next run, still open: not the one doubled
    doubled = await api.client.post(
        "/api/ads/reward", json={"placement": "double_coins"}, headers=me.headers
    )
    assert doubled.status_code == 200, doubled.text
    assert doubled.json()["granted"] == {"coins": 30}
    assert doubled.json()["inventory"]["coins"] == 60
    api.clock.advance(60)
    twice = await api.client.post(
        "/api/ads/reward", json={"placement": "double_coins"}, headers=me.headers
    )
    assert twice.status_code == 409


async def test_unknown_placement_is_400(api: Api) -> None:
    me = await login(api)
    response = await api.client.post(
        "/api/ads/reward", json={"placement": "jackpot"}, headers=me.headers
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unknown_placement"
    wrong = await api.client.post("/api/ads/reward", json={"placement": 3}, headers=me.headers)
    assert wrong.status_code == 400
