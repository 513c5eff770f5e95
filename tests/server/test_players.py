"""Login exchange, players and their TikTok tokens (encrypted, refreshed, rotated)."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import parse_qs

import httpx
from sqlalchemy import select

from server.models import Player
from server.settings import Settings
from tests.server.conftest import Api, login, login_code, start_api


async def test_login_returns_a_session_and_the_profile(api: Api) -> None:
    code = await login_code(api, name="Ann")
    response = await api.client.post("/api/session", json={"code": code})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["expires_in"] == api.settings.session_ttl_seconds
    assert body["player"]["display_name"] == "Ann"
    assert body["player"]["open_id"].startswith("sbx-")
    assert "access_token" not in response.text and "act." not in response.text

    exchange = next(r for r in api.tiktok_requests if b"authorization_code" in r.content)
    assert exchange.headers["content-type"] == "application/x-www-form-urlencoded"
    form = parse_qs(exchange.content.decode())
    assert form == {
        "client_key": [api.settings.tiktok_client_key],
        "client_secret": [api.settings.tiktok_client_secret],
        "code": [code],
        "grant_type": ["authorization_code"],
    }
    info = next(r for r in api.tiktok_requests if r.url.path == "/v2/user/info/")
    assert info.url.params["fields"] == "open_id,union_id,avatar_url,display_name"

    me = await api.client.get("/api/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.json()["player"] == body["player"]
    assert me.json()["inventory"] == {"items": {}, "coins": 0}


async def test_tiktok_tokens_are_encrypted_at_rest(api: Api) -> None:
    me = await login(api)
    with api.db.read() as session:
        player = session.scalars(select(Player).where(Player.open_id == me.open_id)).one()
        assert player.access_token_enc and player.refresh_token_enc
        assert "act." not in player.access_token_enc and "rft." not in player.refresh_token_enc
        assert api.app.state.services.box.open(player.access_token_enc).startswith("act.")


async def test_logging_in_again_updates_the_same_player(api: Api) -> None:
    first = await login(api, name="Ann")
    again = await login(api, open_id=first.open_id)
    assert again.player_id == first.player_id


async def test_a_rejected_code_is_401(api: Api) -> None:
    response = await api.client.post("/api/session", json={"code": "sbxcode.forged"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_code"
    code = await login_code(api)
    assert (await api.client.post("/api/session", json={"code": code})).status_code == 200
    reused = await api.client.post("/api/session", json={"code": code})
    assert reused.status_code == 401


async def test_unreachable_tiktok_is_502(settings_for: Callable[..., Settings]) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    async for api in start_api(settings_for(), transport=httpx.MockTransport(refuse)):
        response = await api.client.post("/api/session", json={"code": "anything"})
        assert response.status_code == 502
        assert response.json()["error"]["code"] == "tiktok_unavailable"


async def test_logins_are_rate_limited_per_address(settings_for: Callable[..., Settings]) -> None:
    async for api in start_api(settings_for(session_rate_limit="3/minute")):
        statuses = [
            (await api.client.post("/api/session", json={"code": "x"})).status_code
            for _ in range(4)
        ]
        assert statuses == [401, 401, 401, 429]
        limited = await api.client.post("/api/session", json={"code": "x"})
        assert limited.json()["error"]["code"] == "rate_limited"
        assert int(limited.headers["retry-after"]) >= 1


async def test_an_expiring_access_token_is_refreshed_and_the_rotation_stored(api: Api) -> None:
    me = await login(api)
    box = api.app.state.services.box
    with api.db.read() as session:
        before = session.get(Player, me.player_id)
        assert before is not None
        old_refresh = box.open(before.refresh_token_enc)
    api.clock.advance(2 * 86_400)  # past the sandbox's access token lifetime
    response = await api.client.post(
        "/api/orders", json={"item_id": "revive_pack"}, headers=me.headers
    )
    assert response.status_code == 201, response.text
    refreshes = [
        parse_qs(r.content.decode())
        for r in api.tiktok_requests
        if r.url.path == "/v2/oauth/token/" and b"refresh_token" in r.content
    ]
    assert len(refreshes) == 1 and refreshes[0]["refresh_token"] == [old_refresh]
    with api.db.read() as session:
        after = session.get(Player, me.player_id)
        assert after is not None
        assert box.open(after.refresh_token_enc) != old_refresh
        assert after.access_expires_at is not None and after.access_expires_at > api.clock.now()
    # the rotated token keeps working on the next expiry
    api.clock.advance(2 * 86_400)
    again = await api.client.post(
        "/api/orders", json={"item_id": "revive_pack"}, headers=me.headers
    )
    assert again.status_code == 201, again.text


async def test_access_token_invalid_refreshes_once_and_retries(api: Api) -> None:
    me = await login(api)
    with api.db.transaction() as session:
        player = session.get(Player, me.player_id)
        assert player is not None
        # a token TikTok no longer knows, though we think it is fresh
        player.access_token_enc = api.app.state.services.box.seal("act.revoked")
    response = await api.client.post(
        "/api/orders", json={"item_id": "revive_pack"}, headers=me.headers
    )
    assert response.status_code == 201, response.text
    creates = [r for r in api.tiktok_requests if r.url.path.endswith("/trade_order/create/")]
    assert [r.headers["authorization"] == "Bearer act.revoked" for r in creates] == [True, False]


async def test_a_refused_refresh_asks_the_player_to_log_in_again(api: Api) -> None:
    me = await login(api)
    with api.db.transaction() as session:
        player = session.get(Player, me.player_id)
        assert player is not None
        player.access_token_enc = None
        player.refresh_token_enc = api.app.state.services.box.seal("rft.unknown")
    response = await api.client.post(
        "/api/orders", json={"item_id": "revive_pack"}, headers=me.headers
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "tiktok_reauth_required"


async def test_the_session_survives_without_tiktok_but_orders_need_it(api: Api) -> None:
    from server.players import forget_tokens

    me = await login(api)
    with api.db.transaction() as session:
        assert forget_tokens(session, open_id=me.open_id, now=api.clock.now())
    assert (await api.client.get("/api/inventory", headers=me.headers)).status_code == 200
    response = await api.client.post(
        "/api/orders", json={"item_id": "revive_pack"}, headers=me.headers
    )
    assert response.status_code == 401
    assert json.loads(response.text)["error"]["code"] == "tiktok_reauth_required"
