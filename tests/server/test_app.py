"""The app's edges: malformed input, tokens, body limits, errors, CORS, health, docs, assets."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from itsdangerous import URLSafeTimedSerializer

from server.settings import Settings
from tests.server.conftest import Api, login, start_api


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """The app's edges do not depend on the database: SQLite only (PostgreSQL runs elsewhere)."""
    return sqlite_url


MALFORMED = [
    (b"{not json", "invalid_json"),
    (b"", "invalid_request"),
    (b"[]", "invalid_request"),
    (b'{"code": 42}', "invalid_request"),
    (b'{"code": ""}', "invalid_request"),
    (b'{"code": null}', "invalid_request"),
    (b'{"code": ["a"]}', "invalid_request"),
    (b"\xff\xfe", "invalid_json"),
]


async def test_malformed_bodies_are_400(api: Api) -> None:
    for content, code in MALFORMED:
        response = await api.client.post("/api/session", content=content)
        assert response.status_code == 400, (content, response.text)
        assert response.json()["error"]["code"] == code, content
        assert response.json()["error"]["message"]


async def test_bodies_without_a_json_content_type_are_read_as_json(api: Api) -> None:
    me = await login(api)
    response = await api.client.post(
        "/api/ads/reward",
        content=b'{"placement": "free_coins"}',
        headers={**me.headers, "Content-Type": "text/plain"},
    )
    assert response.status_code == 200, response.text


async def test_bad_authorization_is_401(api: Api) -> None:
    cases = [
        (None, "missing_token"),
        ("Bearer", "invalid_token"),
        ("Basic abc", "invalid_token"),
        ("Bearer not.a.token", "invalid_token"),
    ]
    for header, code in cases:
        headers = {"Authorization": header} if header is not None else {}
        response = await api.client.get("/api/inventory", headers=headers)
        assert response.status_code == 401, header
        assert response.json()["error"]["code"] == code, header


async def test_forged_and_expired_tokens_are_401(api: Api) -> None:
    me = await login(api)
    forged = URLSafeTimedSerializer("another-secret", salt="beanhop.session").dumps(
        {"p": me.player_id, "o": me.open_id}
    )
    response = await api.client.get("/api/inventory", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401 and response.json()["error"]["code"] == "invalid_token"
    tampered = me.token[:-2] + ("AA" if not me.token.endswith("AA") else "BB")
    response = await api.client.get(
        "/api/inventory", headers={"Authorization": f"Bearer {tampered}"}
    )
    assert response.status_code == 401


async def test_expired_session_is_401(settings_for: Callable[..., Settings]) -> None:
    async for api in start_api(settings_for(session_ttl_seconds=1)):
        me = await login(api)
        # itsdangerous reads the wall clock: sign a token two seconds in the past instead
        sessions = api.app.state.services.sessions
        old = sessions._serializer
        signer = old.make_signer(old.salt)
        payload = old.dump_payload({"p": me.player_id, "o": me.open_id})
        stamp = int(api.clock.epoch()) - 10
        signer.get_timestamp = lambda stamp=stamp: stamp  # type: ignore[method-assign]
        token = signer.sign(payload).decode()
        response = await api.client.get(
            "/api/inventory", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "token_expired"


async def test_oversized_bodies_are_413(api: Api) -> None:
    big = b'{"code": "' + b"x" * (api.settings.max_body_bytes + 10) + b'"}'
    response = await api.client.post("/api/session", content=big)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


async def test_oversized_streamed_bodies_are_413(api: Api) -> None:
    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(10):
            yield b"x" * (api.settings.max_body_bytes // 4)

    response = await api.client.post("/api/session", content=chunks())
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


async def test_unknown_paths_and_methods_answer_json(api: Api) -> None:
    missing = await api.client.get("/api/nothing")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    wrong = await api.client.delete("/api/catalog")
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"


async def test_catalog(api: Api) -> None:
    response = await api.client.get("/api/catalog")
    assert response.status_code == 200
    items = {item["id"]: item for item in response.json()["items"]}
    assert {"revive_pack", "skin_golden", "starter_bundle"} <= set(items)
    assert items["revive_pack"]["kind"] == "consumable"
    assert items["skin_golden"]["kind"] == "permanent"
    assert all(isinstance(i["price_beans"], int) and i["grants"] for i in items.values())
    coin_items = response.json()["coin_items"]
    assert coin_items[0]["id"] == "skin_cocoa" and coin_items[0]["price_coins"] > 0


async def test_health_docs_and_request_ids(api: Api) -> None:
    health = await api.client.get("/healthz")
    assert health.status_code == 200 and health.json()["database"] == "ok"
    assert len(health.headers["x-request-id"]) == 32
    echoed = await api.client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["x-request-id"] == "abc-123"
    assert (await api.client.get("/docs")).status_code == 200
    spec = (await api.client.get("/openapi.json")).json()
    assert "/api/orders" in spec["paths"] and "/api/session" in spec["paths"]


async def test_logs_carry_no_tokens(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="server")
    me = await login(api)
    await api.client.get("/api/inventory", headers=me.headers)
    text = caplog.text
    assert "/api/inventory" in text and "request_id" in text
    assert me.token not in text and "act." not in text and "Bearer" not in text


async def test_cors_allows_only_configured_origins(settings_for: Callable[..., Settings]) -> None:
    async for api in start_api(settings_for(cors_origins="https://play.example")):
        preflight = {"Access-Control-Request-Method": "POST"}
        ok = await api.client.options(
            "/api/orders", headers={"Origin": "https://play.example", **preflight}
        )
        assert ok.headers["access-control-allow-origin"] == "https://play.example"
        bad = await api.client.options(
            "/api/orders", headers={"Origin": "https://evil.example", **preflight}
        )
        assert "access-control-allow-origin" not in bad.headers


async def test_database_down_is_503(settings_for: Callable[..., Settings], api: Api) -> None:
    me = await login(api)
    api.app.state.services.db.engine.dispose()
    url = "postgresql://nobody@127.0.0.1:1/none"
    from server.db import Database

    api.app.state.services.db = Database(url)
    for response in (
        await api.client.get("/healthz"),
        await api.client.get("/api/inventory", headers=me.headers),
    ):
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "database_unavailable"


async def test_assets_and_web_dir_are_served(
    settings_for: Callable[..., Settings], tmp_path: Path
) -> None:
    (tmp_path / "assets" / "shop").mkdir(parents=True)
    (tmp_path / "assets" / "shop" / "revive_pack.png").write_bytes(b"\x89PNG fake")
    web = tmp_path / "web"
    web.mkdir()
    (web / "index.html").write_text("<title>Bean Hop</title>")
    async for api in start_api(settings_for(web_dir=web)):
        image = await api.client.get("/assets/shop/revive_pack.png")
        assert image.status_code == 200 and image.content == b"\x89PNG fake"
        page = await api.client.get("/")
        assert page.status_code == 200 and "Bean Hop" in page.text
        assert (await api.client.get("/api/catalog")).status_code == 200


async def test_catalog_prices_are_checked_with_tiktok(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    from server.app import check_catalog_prices

    caplog.set_level("INFO", logger="server")
    await check_catalog_prices(api.app.state.services)
    checks = [r for r in api.tiktok_requests if r.url.path.endswith("/check_redeem_amounts/")]
    assert checks and b'"token_amounts":[10,30,50]' in checks[-1].content
    assert "TikTok accepts the catalog prices" in caplog.text


async def test_unreachable_tiktok_at_start_only_warns(
    settings_for: Callable[..., Settings], caplog: pytest.LogCaptureFixture
) -> None:
    import httpx

    from server.app import check_catalog_prices

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    caplog.set_level("INFO", logger="server")
    async for api in start_api(settings_for(), transport=httpx.MockTransport(refuse)):
        await check_catalog_prices(api.app.state.services)
        assert "could not check the catalog prices" in caplog.text
        assert (await api.client.get("/healthz")).status_code == 200


async def test_sandbox_mode_mounts_the_sandbox_and_uses_it_as_tiktok(
    settings_for: Callable[..., Settings],
) -> None:
    import httpx

    from server.app import create_app
    from server.db import Database

    settings = settings_for(sandbox=True, public_base_url="http://game.test")
    Database(settings.database_url).migrate()
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://game.test") as c,
    ):
        issued = await c.post("/sandbox/control/login_codes", json={"display_name": "Sam"})
        assert issued.status_code == 201
        session = await c.post("/api/session", json={"code": issued.json()["code"]})
        assert session.status_code == 200, session.text
        assert session.json()["player"]["display_name"] == "Sam"
        headers = {"Authorization": f"Bearer {session.json()['token']}"}
        order = await c.post("/api/orders", json={"item_id": "skin_golden"}, headers=headers)
        assert order.status_code == 201, order.text
        trade = await c.get(f"/sandbox/control/orders/{order.json()['trade_order_id']}")
        assert trade.json()["order_id"] == order.json()["order_id"]
        assert trade.json()["token_amount"] == 50


async def test_a_session_whose_player_is_gone_is_401_everywhere(api: Api) -> None:
    sessions = api.app.state.services.sessions
    ghost = {"Authorization": f"Bearer {sessions.issue(player_id=999_999, open_id='gone')}"}
    calls = [
        ("GET", "/api/me", None),
        ("POST", "/api/runs", {}),
        ("POST", "/api/runs/1/revive", {"paid_with": "ad"}),
        ("POST", "/api/inventory/consume", {"item_id": "revive", "quantity": 1}),
        ("POST", "/api/shop/coins", {"item_id": "skin_cocoa"}),
        ("POST", "/api/ads/reward", {"placement": "free_coins"}),
        ("POST", "/api/orders", {"item_id": "revive_pack"}),
    ]
    for method, path, body in calls:
        response = await api.client.request(method, path, json=body, headers=ghost)
        assert response.status_code == 401, (path, response.text)
        assert response.json()["error"]["code"] == "invalid_token"


async def test_the_web_bundles_gzip_copies_go_to_browsers_that_accept_them(
    settings_for: Callable[..., Settings], tmp_path: Path
) -> None:
    import gzip

    web = tmp_path / "web"
    (web / "runtime").mkdir(parents=True)
    wasm = b"\0asm" + bytes(range(256)) * 400
    (web / "runtime" / "pyodide.asm.wasm").write_bytes(wasm)
    (web / "runtime" / "pyodide.asm.wasm.gz").write_bytes(gzip.compress(wasm, 9, mtime=0))
    (web / "index.html").write_text("<title>Bean Hop</title>")
    (web / "plain.js").write_text("var x = 1;")  # no copy: sent as it is
    async for api in start_api(settings_for(web_dir=web)):
        packed = await api.client.get("/runtime/pyodide.asm.wasm")  # httpx accepts gzip
        assert packed.status_code == 200
        assert packed.headers["content-encoding"] == "gzip"
        assert packed.headers["content-type"] == "application/wasm", "the original's type"
        assert packed.headers["vary"] == "Accept-Encoding"
        assert int(packed.headers["content-length"]) < len(wasm) / 10
        assert packed.content == wasm, "httpx inflates it: the bytes of the file"
        for refusal in ("identity", "gzip;q=0, deflate", "br"):
            raw = await api.client.get(
                "/runtime/pyodide.asm.wasm", headers={"Accept-Encoding": refusal}
            )
            assert "content-encoding" not in raw.headers, refusal
            assert raw.content == wasm and raw.headers["vary"] == "Accept-Encoding"
        again = await api.client.get(
            "/runtime/pyodide.asm.wasm", headers={"If-None-Match": packed.headers["etag"]}
        )
        assert again.status_code == 304
        plain = await api.client.get("/plain.js")
        assert plain.text == "var x = 1;" and "content-encoding" not in plain.headers
        page = await api.client.get("/")
        assert page.status_code == 200 and "Bean Hop" in page.text
        # A file changed after the build (newer than its copy) is sent as it is now.
        newer = wasm + b"patched"
        (web / "runtime" / "pyodide.asm.wasm").write_bytes(newer)
        copy = web / "runtime" / "pyodide.asm.wasm.gz"
        os.utime(copy, (copy.stat().st_atime, copy.stat().st_mtime - 60))
        fresh = await api.client.get("/runtime/pyodide.asm.wasm")
        assert fresh.content == newer and "content-encoding" not in fresh.headers


def test_accept_encoding_is_read_as_http_says() -> None:
    from starlette.datastructures import Headers

    from server.static import accepts_gzip

    def accepts(value: str) -> bool:
        return accepts_gzip(Headers({"accept-encoding": value}))

    assert accepts("gzip, deflate, br") and accepts("GZip") and accepts("*")
    assert accepts("br;q=1.0, gzip;q=0.8") and accepts("gzip;q=bogus")
    assert not accepts("") and not accepts("br") and not accepts("gzip;q=0")
    assert not accepts("identity") and not accepts("gzip;q=0.0")
