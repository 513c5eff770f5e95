"""server/deliveries.py: the stored body, and the trace a failed processing leaves."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from server import deliveries
from server.models import WebhookDelivery
from server.webhooks import EVENT_SUCCESS, EnvelopeError
from tests.server.conftest import Api, login
from tests.server.payments_support import deliver, items, open_order, success_body


@pytest.mark.parametrize(
    "raw",
    [
        b'{"event": "x"}',
        "caf\u00e9 \u2028".encode(),
        b"",
        b"a\x00b",  # PostgreSQL text refuses NUL
        b"\xff\xfe\x00",  # not UTF-8
        b"\xed\xa0\x80",  # an encoded lone surrogate: not UTF-8 either
        b"base64:aGk=",  # looks like the marker: stored encoded, so it comes back as itself
    ],
)
def test_the_stored_body_gives_back_the_very_bytes(raw: bytes) -> None:
    stored = deliveries.encode_body(raw)
    assert "\x00" not in stored
    stored.encode("utf-8")  # storable text: no lone surrogate
    assert deliveries.decode_body(stored) == raw


def test_a_readable_body_is_stored_as_its_text() -> None:
    assert deliveries.encode_body(b'{"event": "x"}') == '{"event": "x"}'
    assert deliveries.encode_body(b"a\x00b") == "base64:YQBi"


def stored(api: Api, delivery_id: int) -> WebhookDelivery:
    with api.db.read() as session:
        row = session.scalars(select(WebhookDelivery).where(WebhookDelivery.id == delivery_id))
        return row.one()


async def test_a_body_with_nul_is_kept_and_replayable(api: Api) -> None:
    body = b'{"client_key": "k", "event": "x", "create_time": 1, "pad": "\x00"}'
    response = await deliver(api, body)
    assert response.status_code == 400  # a raw NUL inside a string is not JSON
    with api.db.read() as session:
        row = session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id.desc())).first()
    assert row is not None and row.outcome == "malformed"
    assert deliveries.decode_body(row.body) == body
    with pytest.raises(EnvelopeError, match="not JSON"):
        deliveries.replay(
            api.db,
            api.app.state.services.catalog,
            delivery_id=row.id,
            client_key=api.settings.tiktok_client_key,
            now=datetime.now(UTC),
        )


async def test_processing_that_raises_is_kept_as_error_and_answered_500(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The safety net for bugs: a verified delivery whose processing raises leaves a row with
    its body (outcome `error`) and is answered 500; a replay once fixed applies it."""
    me = await login(api)
    order = await open_order(api, me)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug in processing")  # injected: no real input reaches this

    monkeypatch.setattr(deliveries, "dispatch", broken)
    body = success_body(api, order)
    response = await deliver(api, body)
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    kept_id = int(response.json()["error"]["message"].rsplit(" ", 1)[1].rstrip(")"))
    kept = stored(api, kept_id)
    assert kept.outcome == "error" and "RuntimeError" in kept.detail
    assert deliveries.decode_body(kept.body) == body and kept.event == ""
    assert await items(api, me) == {}

    monkeypatch.undo()  # "fixed": the operator replays the kept delivery
    result = deliveries.replay(
        api.db,
        api.app.state.services.catalog,
        delivery_id=kept_id,
        client_key=api.settings.tiktok_client_key,
        now=datetime.now(UTC),
    )
    assert result.outcome == "applied"
    assert stored(api, result.delivery_id).event == EVENT_SUCCESS
    assert await items(api, me) == {"revive": 5}
