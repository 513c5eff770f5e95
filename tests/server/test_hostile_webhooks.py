"""POST /webhooks/tiktok against anything (issue 15): a signed body is answered 200, 400 or 503,
never 500, and every 200 and 400 leaves exactly one delivery row holding the very bytes that were
signed; an unsigned one is refused (401) and leaves nothing. Property-based (hypothesis), over
HTTP into the app, on SQLite and PostgreSQL; the known offenders of the issue as examples."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from server.deliveries import decode_body
from server.models import Order, WebhookDelivery
from server.webhooks import EVENT_AUTHORIZATION_REMOVED, EVENT_REFUND, EVENT_SUCCESS
from tests.server.conftest import Api, login
from tests.server.hostile import PROPERTY, deep_json, dumps, integers, json_values, texts
from tests.server.payments_support import deliver, envelope, items, open_order

_orders: dict[int, list[dict[str, Any]]] = {}


async def orders_of(api: Api) -> list[dict[str, Any]]:
    """A few real orders (one paid), made once per app, for envelopes to point at."""
    if id(api) not in _orders:
        me = await login(api)
        made = [await open_order(api, me, item) for item in ("revive_pack", "starter_bundle")]
        key = api.settings.tiktok_client_key
        ids = {"order_id": made[0]["order_id"], "trade_order_id": made[0]["trade_order_id"]}
        assert (await deliver(api, envelope(EVENT_SUCCESS, client_key=key, **ids))).is_success
        _orders[id(api)] = made
    return _orders[id(api)]


def maybe(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`value`, or a field left out (`...`), or any JSON value instead."""
    return value | st.just(...) | json_values


@st.composite
def signed_bodies(draw: st.DrawFn, orders: list[dict[str, Any]], client_key: str) -> bytes:
    """Mostly envelopes close to TikTok's with one or more fields gone wrong; also any JSON, deep
    JSON and any bytes."""
    kind = draw(st.sampled_from(["envelope"] * 6 + ["json", "deep", "bytes"]))
    if kind == "json":
        return dumps(draw(json_values)).encode()
    if kind == "deep":
        return draw(deep_json).encode()
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    order = draw(st.sampled_from(orders))
    content = {
        "trade_order_id": draw(maybe(st.just(order["trade_order_id"]) | texts)),
        "order_id": draw(maybe(st.just(order["order_id"]) | texts)),
        "refund_amount": draw(maybe(integers | st.integers(1, 40))),
        "is_sandbox": draw(maybe(st.booleans())),
    }
    content_text = draw(
        st.just(dumps({k: v for k, v in content.items() if v is not ...}))
        | deep_json
        | texts
        | json_values.map(dumps)
    )
    events = [EVENT_SUCCESS, EVENT_REFUND, EVENT_AUTHORIZATION_REMOVED]
    fields = {
        "client_key": draw(maybe(st.just(client_key) | texts)),
        "event": draw(maybe(st.sampled_from(events) | texts)),
        "create_time": draw(maybe(integers)),
        "user_openid": draw(maybe(st.just("") | texts)),
        "content": draw(maybe(st.just(content_text))),
    }
    return dumps({k: v for k, v in fields.items() if v is not ...}).encode()


def newest_rows(api: Api, after: int) -> list[WebhookDelivery]:
    with api.db.read() as session:
        query = select(WebhookDelivery).where(WebhookDelivery.id > after)
        return list(session.scalars(query.order_by(WebhookDelivery.id)))


def last_id(api: Api) -> int:
    with api.db.read() as session:
        return int(session.scalar(select(func.coalesce(func.max(WebhookDelivery.id), 0))) or 0)


async def post_and_check(api: Api, body: bytes) -> tuple[int, WebhookDelivery | None]:
    """Deliver `body` signed; check the answer and its row; return the status and the row."""
    before = last_id(api)
    response = await deliver(api, body)
    assert response.status_code in (200, 400, 503), response.text
    rows = newest_rows(api, before)
    if response.status_code == 503:  # the database was away: nothing stored, TikTok retries
        assert rows == []
        return 503, None
    assert len(rows) == 1, [r.outcome for r in rows]
    (row,) = rows
    assert decode_body(row.body) == body
    if response.status_code == 200:
        assert response.json()["delivery_id"] == row.id
        assert response.json()["outcome"] == row.outcome
        assert row.outcome not in ("malformed", "error")
    else:
        assert response.json()["error"]["code"] in ("malformed_json", "malformed_webhook")
        assert row.outcome == "malformed" and row.detail
    return response.status_code, row


def refunds_within_price(api: Api) -> None:
    with api.db.read() as session:
        for order in session.scalars(select(Order)):
            assert 0 <= order.refunded_beans <= order.price_beans * order.quantity


@settings(PROPERTY, max_examples=150)
@given(data=st.data())
async def test_any_signed_body_is_answered_and_kept(api: Api, data: st.DataObject) -> None:
    orders = await orders_of(api)
    body = data.draw(signed_bodies(orders, api.settings.tiktok_client_key), label="body")
    await post_and_check(api, body)
    refunds_within_price(api)


header_names = st.sampled_from(
    ["TikTok-Signature", "tiktok-signature", "Content-Type", "X-Request-ID", "Authorization"]
) | st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=20)
signature_like = st.builds(
    lambda t, s: f"t={t},s={s}".encode(),
    st.integers(min_value=0, max_value=10**13) | texts,
    st.text(alphabet="0123456789abcdefABCDEF", max_size=70) | texts,
)
header_values = st.binary(max_size=120) | signature_like


@PROPERTY
@given(
    body=st.binary(max_size=2000) | deep_json.map(str.encode),
    headers=st.dictionaries(header_names, header_values, max_size=5),
)
async def test_unsigned_bodies_are_refused_and_leave_nothing(
    api: Api, body: bytes, headers: dict[str, bytes]
) -> None:
    before = last_id(api)
    response = await api.client.post("/webhooks/tiktok", content=body, headers=headers)
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"].startswith("signature_")
    assert newest_rows(api, before) == []


def success(api: Api, order: dict[str, Any], **overrides: Any) -> bytes:
    fields = {
        "client_key": api.settings.tiktok_client_key,
        "event": EVENT_SUCCESS,
        "create_time": 1_800_000_000,
        "user_openid": "",
        "content": json.dumps(
            {"order_id": order["order_id"], "trade_order_id": order["trade_order_id"]}
        ),
    }
    return json.dumps(fields | overrides).encode()


async def test_the_bodies_of_issue_15_are_stored_as_malformed(api: Api) -> None:
    order = await open_order(api, await login(api))
    offenders = [
        b"[" * 50_000 + b"]" * 50_000,
        success(api, order, content="[" * 5_000 + "]" * 5_000),
        success(api, order, content=json.dumps({"order_id": "\udfff", "trade_order_id": "\udfff"})),
        success(api, order, create_time=2**64),
        success(api, order, create_time=10**30),
        success(api, order, event="minis.trade_order.redeem.success\x00"),
        b'{"client_key": "\x00\xff\xfe"}',
    ]
    for body in offenders:
        status, row = await post_and_check(api, body)
        assert status == 400 and row is not None and row.outcome == "malformed", body[:80]
    assert await items(api, await login(api)) == {}


async def test_a_refund_counts_up_to_what_is_refundable(api: Api) -> None:
    me = await login(api)
    order = await open_order(api, me)  # revive_pack: 10 Beans, 5 revives
    key = api.settings.tiktok_client_key
    ids = {"order_id": order["order_id"], "trade_order_id": order["trade_order_id"]}
    assert (await post_and_check(api, envelope(EVENT_SUCCESS, client_key=key, **ids)))[0] == 200

    def refund(amount: int, create_time: int) -> bytes:
        return envelope(
            EVENT_REFUND, client_key=key, create_time=create_time, refund_amount=amount, **ids
        )

    status, row = await post_and_check(api, refund(2**64, 1))  # beyond 64 bits: not an envelope
    assert status == 400
    status, row = await post_and_check(api, refund(4, 2))
    assert status == 200 and row is not None and row.outcome == "applied"
    status, row = await post_and_check(api, refund(2**63 - 1, 3))  # far more than the 6 left
    assert status == 200 and row is not None and row.outcome == "applied"
    assert "only 6 were refundable" in row.detail
    status, row = await post_and_check(api, refund(1, 4))  # nothing left to refund
    assert status == 200 and row is not None and row.outcome == "ignored"
    with api.db.read() as session:
        stored = session.scalars(select(Order).where(Order.order_id == order["order_id"])).one()
        assert (stored.refunded_beans, stored.status) == (10, "refunded")
    assert await items(api, me) == {}
