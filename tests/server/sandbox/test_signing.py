"""The signature helper against a hand-computed HMAC."""

from __future__ import annotations

import hashlib
import hmac

from server.sandbox.signing import HEADER, signature, signature_header


def test_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    body = b'{"client_key":"k","event":"e"}'
    expected = hmac.new(b"secret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert signature("secret", 1700000000, body) == expected
    assert signature_header("secret", 1700000000, body) == f"t=1700000000,s={expected}"
    assert HEADER == "TikTok-Signature"


def test_signature_depends_on_every_input() -> None:
    base = signature("secret", 1, b"body")
    assert signature("secreT", 1, b"body") != base
    assert signature("secret", 2, b"body") != base
    assert signature("secret", 1, b"body ") != base
