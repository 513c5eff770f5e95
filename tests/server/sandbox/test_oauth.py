"""POST /v2/oauth/token/: the three grants and every documented error, over a real socket."""

from __future__ import annotations

import httpx
import pytest

from server.sandbox import SandboxConfig

from .helpers import KEY, SECRET, Clock, bearer, login, sandbox_client

TOKEN = "/v2/oauth/token/"
FLAT_KEYS = {
    "access_token",
    "expires_in",
    "open_id",
    "refresh_expires_in",
    "refresh_token",
    "scope",
    "token_type",
}


async def new_code(client: httpx.AsyncClient, **body: str) -> str:
    response = await client.post("/control/login_codes", json=body)
    assert response.status_code == 201
    code: str = response.json()["code"]
    return code


def code_form(code: str, **override: str) -> dict[str, str]:
    form = {"client_key": KEY, "client_secret": SECRET, "code": code}
    return form | {"grant_type": "authorization_code"} | override


def assert_oauth_error(response: httpx.Response, status: int, error: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "error_description", "log_id"}
    assert body["error"] == error
    assert body["error_description"]


async def test_code_exchange_answers_flat_tokens(client: httpx.AsyncClient) -> None:
    response = await client.post("/control/login_codes", json={"display_name": "Ada"})
    issued = response.json()
    tokens = (await client.post(TOKEN, data=code_form(issued["code"]))).json()
    assert set(tokens) == FLAT_KEYS
    assert tokens["open_id"] == issued["open_id"]
    assert tokens["access_token"].startswith("act.")
    assert tokens["refresh_token"].startswith("rft.")
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 86_400
    assert tokens["scope"] == "user.info.basic"


async def test_codes_are_single_use(client: httpx.AsyncClient) -> None:
    code = await new_code(client)
    assert (await client.post(TOKEN, data=code_form(code))).status_code == 200
    assert_oauth_error(await client.post(TOKEN, data=code_form(code)), 400, "invalid_grant")


async def test_codes_expire() -> None:
    clock = Clock()
    async with sandbox_client(SandboxConfig(now=clock, code_ttl=300)) as client:
        code = await new_code(client)
        clock.advance(301)
        assert_oauth_error(await client.post(TOKEN, data=code_form(code)), 400, "invalid_grant")


async def test_unknown_code_is_invalid_grant(client: httpx.AsyncClient) -> None:
    response = await client.post(TOKEN, data=code_form("sbxcode.nope"))
    assert_oauth_error(response, 400, "invalid_grant")


@pytest.mark.parametrize(
    "override", [{"client_secret": "wrong"}, {"client_key": "someone_else"}], ids=["secret", "key"]
)
async def test_wrong_client_is_invalid_client(
    client: httpx.AsyncClient, override: dict[str, str]
) -> None:
    code = await new_code(client)
    response = await client.post(TOKEN, data=code_form(code, **override))
    assert_oauth_error(response, 401, "invalid_client")
    # The code was not spent by the failed attempt.
    assert (await client.post(TOKEN, data=code_form(code))).status_code == 200


@pytest.mark.parametrize(
    ("kwargs", "why"),
    [
        ({"json": {"code": "x", "grant_type": "authorization_code"}}, "JSON instead of a form"),
        ({"data": {"client_key": KEY, "client_secret": SECRET, "code": "x"}}, "no grant_type"),
        (
            {"data": {"client_key": KEY, "code": "x", "grant_type": "authorization_code"}},
            "no secret",
        ),
        ({"data": code_form("", grant_type="authorization_code")}, "empty code"),
        ({"data": code_form("x", grant_type="password")}, "unknown grant"),
        (
            {"data": {"client_key": KEY, "client_secret": SECRET, "grant_type": "refresh_token"}},
            "rt",
        ),
        (
            {
                "content": b"\xff\xfe=\x00",
                "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            },
            "not UTF-8",
        ),
        ({}, "no body at all"),
    ],
)
async def test_malformed_requests_are_invalid_request(
    client: httpx.AsyncClient, kwargs: dict[str, object], why: str
) -> None:
    response = await client.post(TOKEN, **kwargs)  # type: ignore[arg-type]
    assert_oauth_error(response, 400, "invalid_request")


async def test_refresh_rotates_the_refresh_token(client: httpx.AsyncClient) -> None:
    first = await login(client)
    form = {"client_key": KEY, "client_secret": SECRET, "grant_type": "refresh_token"}
    second = (
        await client.post(TOKEN, data=form | {"refresh_token": first["refresh_token"]})
    ).json()
    assert set(second) == FLAT_KEYS
    assert second["open_id"] == first["open_id"]
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    again = await client.post(TOKEN, data=form | {"refresh_token": first["refresh_token"]})
    assert_oauth_error(again, 400, "invalid_grant")
    info = await client.get("/v2/user/info/?fields=open_id", headers=bearer(second))
    assert info.json()["data"]["user"]["open_id"] == first["open_id"]
    third = await client.post(TOKEN, data=form | {"refresh_token": second["refresh_token"]})
    assert third.status_code == 200


async def test_expired_refresh_token_is_invalid_grant() -> None:
    clock = Clock()
    async with sandbox_client(SandboxConfig(now=clock, refresh_token_ttl=1000)) as client:
        tokens = await login(client)
        clock.advance(1001)
        form = {"client_key": KEY, "client_secret": SECRET, "grant_type": "refresh_token"}
        response = await client.post(TOKEN, data=form | {"refresh_token": tokens["refresh_token"]})
        assert_oauth_error(response, 400, "invalid_grant")


async def test_client_credentials_issue_a_client_token(client: httpx.AsyncClient) -> None:
    form = {"client_key": KEY, "client_secret": SECRET, "grant_type": "client_credentials"}
    body = (await client.post(TOKEN, data=form)).json()
    assert set(body) == {"access_token", "expires_in", "token_type"}
    assert body["access_token"].startswith("clt.")
    assert body["expires_in"] == 7200
    check = await client.post(
        "/v2/minis/utility/check_redeem_amounts/",
        headers=bearer(body),
        json={"token_type": "BEANS", "token_amounts": [100]},
    )
    assert check.json()["data"] == {"valid": True}
    # A client token is not a user's: user info refuses it.
    info = await client.get("/v2/user/info/?fields=open_id", headers=bearer(body))
    assert info.status_code == 401


async def test_the_path_without_trailing_slash_answers_the_same(client: httpx.AsyncClient) -> None:
    code = await new_code(client)
    response = await client.post(TOKEN.rstrip("/"), data=code_form(code))
    assert response.status_code == 200
    assert set(response.json()) == FLAT_KEYS
