"""The game's session tokens: signed and time-stamped with itsdangerous, checked on every call."""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from server.errors import Unauthorized


@dataclass(frozen=True)
class SessionClaims:
    player_id: int
    open_id: str


class SessionTokens:
    """Issues and verifies `Authorization: Bearer <token>` values."""

    def __init__(self, secret: str, *, ttl_seconds: int) -> None:
        assert secret, "sessions need a secret"
        self._serializer = URLSafeTimedSerializer(secret, salt="beanhop.session")
        self.ttl_seconds = ttl_seconds

    def issue(self, *, player_id: int, open_id: str) -> str:
        return self._serializer.dumps({"p": player_id, "o": open_id})

    def verify(self, token: str) -> SessionClaims:
        try:
            data = self._serializer.loads(token, max_age=self.ttl_seconds)
        except SignatureExpired as exc:
            raise Unauthorized("the session expired: log in again", code="token_expired") from exc
        except BadSignature as exc:
            raise Unauthorized("the session token is not valid", code="invalid_token") from exc
        if not isinstance(data, dict) or not isinstance(data.get("p"), int):
            raise Unauthorized("the session token is not valid", code="invalid_token")
        return SessionClaims(player_id=data["p"], open_id=str(data.get("o", "")))

    def from_header(self, authorization: str | None) -> SessionClaims:
        """Claims from an `Authorization` header value."""
        if not authorization:
            raise Unauthorized(
                "send the session token as 'Authorization: Bearer <token>'", code="missing_token"
            )
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized(
                "the Authorization header must be 'Bearer <token>'", code="invalid_token"
            )
        return self.verify(token.strip())
