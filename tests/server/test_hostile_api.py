"""The API's routes against anything a client can send (issue 15): any JSON body (huge integers,
lone surrogates, NULs, deep nesting), any bytes, odd headers and paths. Never a 5xx; every error is
the `{"error": {"code", "message"}}` envelope. Property-based (hypothesis), on SQLite and
PostgreSQL."""

from __future__ import annotations

import httpx
from hypothesis import given
from hypothesis import strategies as st

from tests.server.conftest import Api, Session, login
from tests.server.hostile import PROPERTY, deep_json, dumps, json_values, texts

POSTS = [
    "/api/session",
    "/api/orders",
    "/api/inventory/consume",
    "/api/shop/coins",
    "/api/ads/reward",
    "/api/runs",
]
GETS = ["/api/me", "/api/inventory", "/api/catalog", "/healthz"]
_players: dict[int, Session] = {}


async def player(api: Api) -> Session:
    if id(api) not in _players:
        _players[id(api)] = await login(api)
    return _players[id(api)]


def assert_answered(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        error = response.json()["error"]
        assert set(error) == {"code", "message"} and error["code"] and error["message"]


# JSON objects with the routes' own field names, valued with anything.
FIELDS = ["code", "item_id", "quantity", "placement", "score", "coins"]
bodies = (
    st.dictionaries(st.sampled_from(FIELDS) | texts, json_values, max_size=4).map(dumps)
    | json_values.map(dumps)
    | deep_json
).map(str.encode) | st.binary(max_size=200)


@PROPERTY
@given(path=st.sampled_from(POSTS), body=bodies, authorized=st.booleans())
async def test_any_body_to_any_route(api: Api, path: str, body: bytes, authorized: bool) -> None:
    me = await player(api)
    headers = me.headers if authorized else {}
    assert_answered(await api.client.post(path, content=body, headers=headers))


header_values = st.binary(max_size=300) | texts.map(lambda t: t.encode("utf-8", "surrogatepass"))


@PROPERTY
@given(
    name=st.sampled_from(["Idempotency-Key", "Authorization", "X-Request-ID", "Content-Type"]),
    value=header_values | st.just(b"k" * 10_000),
    path=st.sampled_from(POSTS + GETS),
)
async def test_odd_headers(api: Api, name: str, value: bytes, path: str) -> None:
    me = await player(api)
    headers = {**me.headers, name: value}
    if path in GETS:
        response = await api.client.get(path, headers=headers)
    else:
        response = await api.client.post(path, json={"item_id": "revive_pack"}, headers=headers)
    assert_answered(response)


@PROPERTY
@given(segment=st.binary(min_size=1, max_size=80))
async def test_odd_order_ids_in_the_path(api: Api, segment: bytes) -> None:
    me = await player(api)
    quoted = "".join(f"%{b:02X}" for b in segment)
    response = await api.client.get(f"/api/orders/{quoted}", headers=me.headers)
    assert_answered(response)
    if b"/" not in segment:  # a slash makes another path (no route, or a redirect)
        assert response.status_code == 404
