"""TikTok tokens at rest, and session tokens."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from server.crypto import TokenBox
from server.errors import Unauthorized
from server.sessions import SessionTokens


def test_token_box_round_trip_and_key_separation() -> None:
    box = TokenBox.from_secret("one secret")
    sealed = box.seal("act.secret")
    assert "act.secret" not in sealed and box.open(sealed) == "act.secret"
    assert box.seal("act.secret") != sealed  # fresh IV each time
    assert TokenBox.from_secret("another secret").open(sealed) is None
    assert box.open(None) is None and box.open("garbage") is None
    explicit = Fernet.generate_key().decode()
    assert TokenBox.from_secret("one secret", explicit).open(sealed) is None


def test_session_tokens() -> None:
    tokens = SessionTokens("s" * 32, ttl_seconds=60)
    claims = tokens.from_header(f"Bearer {tokens.issue(player_id=7, open_id='o7')}")
    assert (claims.player_id, claims.open_id) == (7, "o7")
    other = SessionTokens("t" * 32, ttl_seconds=60).issue(player_id=7, open_id="o7")
    with pytest.raises(Unauthorized) as error:
        tokens.verify(other)
    assert error.value.code == "invalid_token"
    with pytest.raises(Unauthorized) as error:
        tokens.from_header(None)
    assert error.value.code == "missing_token"
