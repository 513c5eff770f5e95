"""server/webhooks.py: the pure signature verifier and the envelope parser."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest

from server.webhooks import (
    EVENT_REFUND,
    EVENT_SUCCESS,
    EnvelopeError,
    SignatureError,
    parse_envelope,
    sign,
    verify,
)

SECRET = "sbx_beanhop_client_secret"
NOW = 1_800_000_000
BODY = b'{"client_key":"k","event":"e","create_time":1,"user_openid":"","content":"{}"}'


def signed(
    body: bytes = BODY,
    *,
    secret: str = SECRET,
    t: int | str = NOW,
    s: str | None = None,
    header: str | None = None,
    name: str = "TikTok-Signature",
) -> dict[str, str]:
    """Headers for `body`, correctly signed unless one field is overridden."""
    if header is None:
        digest = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
        header = f"t={t},s={s if s is not None else digest}"
    return {"Content-Type": "application/json", name: header}


def check(headers: dict[str, str], body: bytes = BODY, **kwargs: Any) -> int:
    options: dict[str, Any] = {"secret": SECRET, "now": NOW, "tolerance": 300} | kwargs
    return verify(body, headers, options.pop("secret"), **options)


def error_code(headers: dict[str, str], body: bytes = BODY, **kwargs: Any) -> str:
    with pytest.raises(SignatureError) as info:
        check(headers, body, **kwargs)
    assert info.value.message
    return info.value.code


def test_a_correct_signature_returns_its_timestamp() -> None:
    assert check(signed()) == NOW


def test_sign_produces_what_verify_accepts() -> None:
    assert check({"TikTok-Signature": sign(BODY, SECRET, NOW)}) == NOW


@pytest.mark.parametrize("name", ["tiktok-signature", "TIKTOK-SIGNATURE", "Tiktok-Signature"])
def test_header_names_are_case_insensitive(name: str) -> None:
    assert check(signed(name=name)) == NOW


def test_uppercase_hex_and_spaces_after_commas_are_accepted() -> None:
    digest = hmac.new(SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert check(signed(header=f"s={digest.upper()}, t={NOW}")) == NOW


def test_missing_header() -> None:
    assert error_code({"Content-Type": "application/json"}) == "signature_missing"
    assert error_code(signed(header="  ")) == "signature_missing"


@pytest.mark.parametrize(
    "header",
    [
        "garbage",
        "t=1800000000",
        "s=" + "a" * 64,
        "t=1800000000,s=" + "a" * 64 + ",v=1",
        "t=1800000000,t=1800000000,s=" + "a" * 64,
        "t=1800000000;s=" + "a" * 64,
        "t=-5,s=" + "a" * 64,
        "t=1.5,s=" + "a" * 64,
        "t=abc,s=" + "a" * 64,
        "t=1800000000,s=xyz",
        "t=1800000000,s=" + "a" * 63,
        "t=1800000000,s=",
        "T=1800000000,S=" + "a" * 64,
    ],
)
def test_malformed_headers(header: str) -> None:
    assert error_code(signed(header=header)) == "signature_malformed"


def test_wrong_secret_is_a_mismatch() -> None:
    assert error_code(signed(secret="not-the-secret")) == "signature_mismatch"


def test_a_changed_body_is_a_mismatch() -> None:
    assert error_code(signed(), body=BODY + b" ") == "signature_mismatch"


def test_a_changed_timestamp_is_a_mismatch() -> None:
    good = signed()["TikTok-Signature"].split(",s=")[1]
    assert error_code(signed(t=NOW + 1, s=good)) == "signature_mismatch"


def test_stale_timestamp() -> None:
    assert error_code(signed(t=NOW - 301)) == "signature_stale"
    assert check(signed(t=NOW - 300)) == NOW - 300


def test_future_timestamp() -> None:
    assert error_code(signed(t=NOW + 301)) == "signature_future"
    assert check(signed(t=NOW + 300)) == NOW + 300


def test_tolerance_is_a_parameter() -> None:
    assert error_code(signed(t=NOW - 11), tolerance=10) == "signature_stale"
    assert check(signed(t=NOW - 11), tolerance=20) == NOW - 11


def test_a_forged_stale_delivery_reports_the_mismatch_not_the_age() -> None:
    assert error_code(signed(t=NOW - 10_000, secret="forged")) == "signature_mismatch"


def test_rotation_accepts_the_current_and_the_previous_secret() -> None:
    secrets = ["new-secret", SECRET]
    assert check(signed(secret="new-secret"), secret=secrets) == NOW
    assert check(signed(secret=SECRET), secret=secrets) == NOW
    assert error_code(signed(secret="older"), secret=secrets) == "signature_mismatch"


def test_empty_previous_secret_is_ignored() -> None:
    assert check(signed(), secret=[SECRET, ""]) == NOW
    assert error_code(signed(secret=""), secret=[SECRET, ""]) == "signature_mismatch"


def envelope(event: str = EVENT_SUCCESS, **content: Any) -> bytes:
    content = {"trade_order_id": "tt_1", "order_id": "ord_1"} | content
    return json.dumps(
        {
            "client_key": "ck",
            "event": event,
            "create_time": NOW,
            "user_openid": "",
            "content": json.dumps(content),
        }
    ).encode()


def test_parse_a_success_envelope() -> None:
    parsed = parse_envelope(envelope(is_sandbox=True))
    assert (parsed.client_key, parsed.event, parsed.create_time) == ("ck", EVENT_SUCCESS, NOW)
    assert (parsed.trade_order_id, parsed.order_id, parsed.is_sandbox) == ("tt_1", "ord_1", True)
    assert parse_envelope(envelope()).is_sandbox is False


def test_parse_a_refund_envelope_and_its_key() -> None:
    parsed = parse_envelope(envelope(EVENT_REFUND, refund_amount=30))
    assert parsed.refund_amount == 30
    again = parse_envelope(envelope(EVENT_REFUND, refund_amount=30))
    other = parse_envelope(envelope(EVENT_REFUND, refund_amount=31))
    assert parsed.refund_key() == again.refund_key() != other.refund_key()
    assert parsed.refund_key().startswith("refund:")


def test_the_refund_key_ignores_key_order_inside_content() -> None:
    a = {"trade_order_id": "tt_1", "order_id": "o", "refund_amount": 5}
    b = {"refund_amount": 5, "order_id": "o", "trade_order_id": "tt_1"}
    bodies = [
        json.dumps(
            {"client_key": "k", "event": EVENT_REFUND, "create_time": 7, "content": json.dumps(c)}
        )
        for c in (a, b)
    ]
    assert (
        parse_envelope(bodies[0].encode()).refund_key()
        == parse_envelope(bodies[1].encode()).refund_key()
    )


def test_other_events_may_carry_any_content() -> None:
    body = {"client_key": "k", "event": "portal.test", "create_time": 1, "content": "not json"}
    parsed = parse_envelope(json.dumps(body).encode())
    assert parsed.content is None and parsed.content_raw == "not json"
    assert parsed.user_openid == ""


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"not json", "malformed_json"),
        (b"\xff\xfe", "malformed_json"),
        (b"[1, 2]", "malformed_webhook"),
        (b'{"event": "x", "create_time": 1}', "malformed_webhook"),
        (b'{"client_key": "k", "event": "", "create_time": 1}', "malformed_webhook"),
        (b'{"client_key": "k", "event": "x", "create_time": "1"}', "malformed_webhook"),
        (b'{"client_key": "k", "event": "x", "create_time": true}', "malformed_webhook"),
        (
            b'{"client_key": "k", "event": "x", "create_time": 1, "content": {}}',
            "malformed_webhook",
        ),
        (
            b'{"client_key": "k", "event": "x", "create_time": 1, "user_openid": 5}',
            "malformed_webhook",
        ),
    ],
)
def test_malformed_envelopes(body: bytes, code: str) -> None:
    with pytest.raises(EnvelopeError) as info:
        parse_envelope(body)
    assert info.value.code == code


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        "[]",
        json.dumps({}),
        json.dumps({"trade_order_id": 5, "order_id": "o"}),
        json.dumps({"trade_order_id": "t", "order_id": ["o"]}),
    ],
)
def test_trade_order_events_need_their_content(content: str) -> None:
    body = {"client_key": "k", "event": EVENT_SUCCESS, "create_time": 1, "content": content}
    with pytest.raises(EnvelopeError):
        parse_envelope(json.dumps(body).encode())


@pytest.mark.parametrize("amount", [0, -5, "30", 1.5, None, True])
def test_refunds_need_a_positive_integer_amount(amount: Any) -> None:
    with pytest.raises(EnvelopeError):
        parse_envelope(envelope(EVENT_REFUND, refund_amount=amount))


def envelope_with(**fields: Any) -> bytes:
    base = {"client_key": "k", "event": EVENT_SUCCESS, "create_time": 1}
    base["content"] = json.dumps({"trade_order_id": "t", "order_id": "o"})
    return json.dumps(base | fields).encode()


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (envelope_with(create_time=2**64), "beyond 64 bits"),
        (envelope_with(create_time=10**30), "beyond 64 bits"),
        (envelope_with(create_time=-1), "non-negative"),
        (envelope_with(event="\udfff"), "not valid text"),
        (envelope_with(client_key="k\x00"), "not valid text"),
        (envelope_with(content=json.dumps({"trade_order_id": "\udfff"})), "not valid text"),
        (envelope_with(content="[" * 5_000 + "]" * 5_000), "nested deeper than 32"),
        (envelope_with(content=json.dumps({"order_id": "o" * 65})), "longer than 64"),
        (envelope_with(content=json.dumps({"trade_order_id": "t" * 129})), "longer than 128"),
        (b"[" * 50_000 + b"]" * 50_000, "nested deeper than 32"),
        (b'{"client_key": NaN}', "not JSON"),
        (b'\xef\xbb\xbf{"client_key": "k"}', "not JSON"),
        (b'{"client_key": "\xed\xb3\xbf"}', "not UTF-8"),  # an encoded lone surrogate
    ],
)
def test_out_of_bounds_envelopes_are_malformed(body: bytes, reason: str) -> None:
    with pytest.raises(EnvelopeError) as info:
        parse_envelope(body)
    assert reason in info.value.message


def test_refund_amounts_are_64_bit() -> None:
    assert parse_envelope(envelope(EVENT_REFUND, refund_amount=2**63 - 1)).refund_amount > 0
    with pytest.raises(EnvelopeError):
        parse_envelope(envelope(EVENT_REFUND, refund_amount=2**63))


def test_other_events_with_unusable_content_keep_none() -> None:
    for content in ("[" * 100 + "]" * 100, json.dumps({"open_id": "\udfff"})):
        parsed = parse_envelope(envelope_with(event="authorization.removed", content=content))
        assert parsed.content is None
