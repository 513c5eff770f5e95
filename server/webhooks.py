"""TikTok webhook verification and envelope parsing: pure functions, no I/O, no framework.

`verify` checks the `TikTok-Signature: t=<unix seconds>,s=<hex>` header: the HMAC-SHA256 of
`t + "." + raw body` keyed with the client secret (or any of several secrets, for rotation),
compared in constant time, with `|now - t|` within the tolerance. Every failure raises
`SignatureError` whose `code` names the reason:

- `signature_missing`   no `TikTok-Signature` header (or an empty one)
- `signature_malformed` not exactly `t=<digits>,s=<hex>`, each key once
- `signature_mismatch`  the HMAC matches none of the secrets
- `signature_stale`     the timestamp is more than `tolerance` seconds in the past
- `signature_future`    the timestamp is more than `tolerance` seconds in the future

The signature is checked before the timestamp, so `stale`/`future` are only ever reported for a
genuine signature (a replayed delivery or a skewed clock), never for a forgery.

`parse_envelope` turns a verified body into an `Envelope`; it raises `EnvelopeError` (a 400). The
body and its `content` are parsed strictly (`server.strictjson`: UTF-8, at most 32 levels deep, no
lone surrogates or NULs, 64-bit integers) and every field is bounded, so whatever it returns can be
stored on SQLite and PostgreSQL: `create_time` 0..2**63-1, `refund_amount` 1..2**63-1 (what is
refundable caps it later, in `payments.apply_refund`), `order_id` at most 64 characters and
`trade_order_id` at most 128 (the columns they are matched against).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from server import strictjson

SIGNATURE_HEADER = "tiktok-signature"

EVENT_SUCCESS = "minis.trade_order.redeem.success"
EVENT_REFUND = "minis.trade_order.redeem.refund_traceback"
EVENT_AUTHORIZATION_REMOVED = "authorization.removed"
TRADE_ORDER_EVENTS = frozenset({EVENT_SUCCESS, EVENT_REFUND})

_TIMESTAMP = re.compile(r"[0-9]{1,12}")
# Longest ids accepted: the widths of the columns they are stored in and matched against.
ID_LIMITS = {"order_id": 64, "trade_order_id": 128}
_HEX_DIGEST = re.compile(r"[0-9a-fA-F]{64}")


class SignatureError(Exception):
    """A webhook whose signature cannot be trusted; `code` says why (see the module docstring)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class EnvelopeError(Exception):
    """A verified body that is not a TikTok webhook envelope."""

    def __init__(self, message: str, code: str = "malformed_webhook") -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def sign(raw_body: bytes, secret: str, timestamp: int) -> str:
    """The `TikTok-Signature` header value TikTok would send for `raw_body` at `timestamp`."""
    return f"t={timestamp},s={_digest(raw_body, secret, timestamp)}"


def verify(
    raw_body: bytes,
    headers: Mapping[str, str],
    secret: str | Sequence[str],
    *,
    now: float,
    tolerance: int,
) -> int:
    """Check the delivery's signature and freshness; return its signed timestamp."""
    secrets = [secret] if isinstance(secret, str) else [s for s in secret if s]
    assert secrets and all(secrets), "verify() needs at least one non-empty secret"
    timestamp, signature = _parse_header(_header(headers, SIGNATURE_HEADER))
    expected = (_digest(raw_body, s, timestamp) for s in secrets)
    # Compare against every secret (no early exit) so timing reveals nothing about which matched.
    matches = [hmac.compare_digest(e, signature.lower()) for e in expected]
    if not any(matches):
        raise SignatureError("signature_mismatch", "the webhook signature does not match")
    if now - timestamp > tolerance:
        raise SignatureError(
            "signature_stale", f"the webhook timestamp is older than {tolerance} seconds"
        )
    if timestamp - now > tolerance:
        raise SignatureError(
            "signature_future", f"the webhook timestamp is more than {tolerance} seconds ahead"
        )
    return timestamp


def _digest(raw_body: bytes, secret: str, timestamp: int) -> str:
    payload = str(timestamp).encode() + b"." + raw_body
    return hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return ""


def _parse_header(value: str) -> tuple[int, str]:
    if not value.strip():
        raise SignatureError("signature_missing", "the TikTok-Signature header is missing")
    fields: dict[str, str] = {}
    for part in value.strip().split(","):
        key, sep, item = part.strip().partition("=")
        if not sep or key not in ("t", "s") or key in fields:
            raise SignatureError(
                "signature_malformed", "the TikTok-Signature header must be 't=<seconds>,s=<hex>'"
            )
        fields[key] = item
    if set(fields) != {"t", "s"}:
        raise SignatureError(
            "signature_malformed", "the TikTok-Signature header needs both t= and s="
        )
    if not _TIMESTAMP.fullmatch(fields["t"]):
        raise SignatureError("signature_malformed", "the signature timestamp is not an integer")
    if not _HEX_DIGEST.fullmatch(fields["s"]):
        raise SignatureError("signature_malformed", "the signature is not a hex SHA-256 digest")
    return int(fields["t"]), fields["s"]


@dataclass(frozen=True)
class Envelope:
    """TikTok's webhook envelope; `content` is the decoded `content` string (a dict or None)."""

    client_key: str
    event: str
    create_time: int
    user_openid: str
    content_raw: str
    content: dict[str, Any] | None = field(default=None)

    @property
    def trade_order_id(self) -> str:
        return str((self.content or {}).get("trade_order_id") or "")

    @property
    def order_id(self) -> str:
        return str((self.content or {}).get("order_id") or "")

    @property
    def is_sandbox(self) -> bool:
        return (self.content or {}).get("is_sandbox") is True

    @property
    def refund_amount(self) -> int:
        value = (self.content or {}).get("refund_amount")
        assert isinstance(value, int), "refund_amount is validated by parse_envelope"
        return value

    def refund_key(self) -> str:
        """The identity of a refund event: TikTok sends no refund id, so retries of one refund are
        recognised by their content (canonical JSON) and `create_time`, hashed."""
        canonical = json.dumps(self.content, sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(f"{canonical}|{self.create_time}".encode()).hexdigest()
        return f"refund:{digest[:32]}"


def parse_envelope(raw_body: bytes) -> Envelope:
    """Decode the envelope (and its JSON-in-a-string `content`); raise `EnvelopeError` if bad."""
    data = _load(raw_body, "the webhook body")
    if not isinstance(data, dict):
        raise EnvelopeError("the webhook body must be a JSON object")
    client_key, event = data.get("client_key"), data.get("event")
    create_time, user_openid = data.get("create_time"), data.get("user_openid", "")
    content_raw = data.get("content", "")
    if not isinstance(client_key, str) or not isinstance(event, str) or not event:
        raise EnvelopeError("the webhook needs string fields client_key and event")
    if not _is_int(create_time) or create_time < 0:
        raise EnvelopeError("the webhook's create_time must be a non-negative integer")
    if not isinstance(user_openid, str) or not isinstance(content_raw, str):
        raise EnvelopeError("the webhook's user_openid and content must be strings")
    content = _decode_content(content_raw, required=event in TRADE_ORDER_EVENTS)
    envelope = Envelope(client_key, event, int(create_time), user_openid, content_raw, content)
    if event in TRADE_ORDER_EVENTS:
        _check_trade_order(envelope)
    return envelope


def _load(data: str | bytes, what: str) -> Any:
    try:
        return strictjson.loads(data, what=what)
    except strictjson.NotJson as exc:
        raise EnvelopeError(str(exc), "malformed_json") from None
    except strictjson.OutOfBounds as exc:
        raise EnvelopeError(str(exc)) from None


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _decode_content(content_raw: str, *, required: bool) -> dict[str, Any] | None:
    """The decoded `content`: required (an object) for trade-order events; for other events
    anything that is not a valid object is treated as absent (those events barely use it)."""
    try:
        content = _load(content_raw, "the webhook's content") if content_raw else None
    except EnvelopeError:
        if required:
            raise
        content = None
    if isinstance(content, dict):
        return content
    if required:
        raise EnvelopeError("the webhook's content must be a JSON object in a string")
    return None


def _check_trade_order(envelope: Envelope) -> None:
    content = envelope.content or {}
    for name, limit in ID_LIMITS.items():
        value = content.get(name, "")
        if not isinstance(value, str):
            raise EnvelopeError(f"content.{name} must be a string")
        if len(value) > limit:
            raise EnvelopeError(f"content.{name} is longer than {limit} characters")
    if not envelope.trade_order_id and not envelope.order_id:
        raise EnvelopeError("content needs a trade_order_id or an order_id")
    if envelope.event == EVENT_REFUND:
        amount = content.get("refund_amount")
        if not _is_int(amount) or amount <= 0:
            raise EnvelopeError("content.refund_amount must be a positive integer")
