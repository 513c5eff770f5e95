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
# A run's routes, for a real run of the player ({run}) and for ids that are not runs.
RUN_POSTS = ["/api/runs/{run}/revive", "/api/runs/{run}/result"]
RUN_IDS = ["{run}", "0", "-1", "99999999999999999999", "%00", "%ED%B3%BF", "x" * 300]
_players: dict[int, tuple[Session, str]] = {}


async def player(api: Api) -> Session:
    return (await player_and_run(api))[0]


async def player_and_run(api: Api) -> tuple[Session, str]:
    """One player per app, with a run started (its id fills `{run}`)."""
    if id(api) not in _players:
        me = await login(api)
        started = await api.client.post("/api/runs", headers=me.headers)
        assert started.status_code == 201, started.text
        _players[id(api)] = (me, str(started.json()["run_id"]))
    return _players[id(api)]


def assert_answered(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        error = response.json()["error"]
        assert set(error) == {"code", "message"} and error["code"] and error["message"]


# JSON objects with the routes' own field names, valued with anything.
FIELDS = ["code", "item_id", "quantity", "placement", "score", "coins", "log", "paid_with"]
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


# Run results shaped like the real thing, with anything in the log and the claims.
results = st.fixed_dictionaries(
    {
        "log": st.dictionaries(
            st.sampled_from(["v", "seed", "steps", "revive"]) | texts, json_values
        )
    },
    optional={"score": json_values, "coins": json_values},
).map(dumps)


@PROPERTY
@given(
    path=st.sampled_from(RUN_POSTS),
    run_id=st.sampled_from(RUN_IDS),
    body=bodies | results.map(str.encode),
)
async def test_any_body_to_a_run(api: Api, path: str, run_id: str, body: bytes) -> None:
    me, run = await player_and_run(api)
    url = path.format(run=run_id.format(run=run))
    assert_answered(await api.client.post(url, content=body, headers=me.headers))


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
