"""The server's error hierarchy: every failure a client can cause or observe.

Each class carries the HTTP status and the stable `code` the app's exception handlers put in
`{"error": {"code", "message"}}`. Foreign errors are translated into these in one place each:
TikTok's envelopes and network failures in `tiktok.py`, database failures in the app's handler.

    BeanHopError                          500 internal_error
    ├── ClientError                       4xx, something the client sent or asked for
    │   ├── BadRequest                    400 invalid_request (and more specific codes)
    │   ├── Unauthorized                  401 missing_token | invalid_token | token_expired
    │   │                                     | invalid_code | tiktok_reauth_required
    │   ├── Forbidden                     403 forbidden
    │   ├── NotFound                      404 not_found | unknown_item | unknown_order
    │   ├── Conflict                      409 not_enough | already_owned | ...
    │   ├── PayloadTooLarge               413 body_too_large
    │   ├── Unprocessable                 422 run_too_fast: well-formed but impossible
    │   └── TooManyRequests               429 rate_limited | ad_cooldown | ad_daily_cap
    │                                         | run_daily_cap
    ├── ServiceUnavailable                503 database_unavailable
    └── TikTokError                       502 tiktok_error: TikTok's Open API failed us
        ├── TikTokUnavailable             502 tiktok_unavailable: network, timeout, 5xx
        ├── RateLimited                   503 tiktok_rate_limited: HTTP 429 / rate_limit_exceeded
        ├── InvalidGrant                  401 invalid_code: a code or refresh token was refused
        ├── AccessTokenInvalid            401 tiktok_reauth_required: access_token_invalid
        └── TikTokRejected                502 tiktok_rejected: any other error code (`tiktok_code`)
"""

from __future__ import annotations


class BeanHopError(Exception):
    """Base of every error the server turns into an HTTP answer."""

    status_code: int = 500
    code: str = "internal_error"
    default_message: str = "internal error"

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        self.message = message or self.default_message
        if code is not None:
            self.code = code
        super().__init__(self.message)

    def headers(self) -> dict[str, str]:
        return {}


class ClientError(BeanHopError):
    status_code = 400
    code = "invalid_request"
    default_message = "invalid request"


class BadRequest(ClientError):
    pass


class Unauthorized(ClientError):
    status_code = 401
    code = "invalid_token"
    default_message = "missing or invalid session token"

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": "Bearer"}


class Forbidden(ClientError):
    status_code = 403
    code = "forbidden"
    default_message = "not yours"


class NotFound(ClientError):
    status_code = 404
    code = "not_found"
    default_message = "not found"


class Conflict(ClientError):
    status_code = 409
    code = "conflict"
    default_message = "conflict"


class NotEnough(Conflict):
    """A ledger change would take a balance below zero."""

    code = "not_enough"
    default_message = "not enough in the inventory"


class PayloadTooLarge(ClientError):
    status_code = 413
    code = "body_too_large"
    default_message = "request body too large"


class Unprocessable(ClientError):
    status_code = 422
    code = "unprocessable"
    default_message = "the request is well-formed but cannot be accepted"


class TooManyRequests(ClientError):
    status_code = 429
    code = "rate_limited"
    default_message = "too many requests"

    def __init__(
        self, message: str | None = None, *, retry_after: int = 1, code: str | None = None
    ) -> None:
        super().__init__(message, code=code)
        self.retry_after = max(1, int(retry_after))

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class ServiceUnavailable(BeanHopError):
    status_code = 503
    code = "database_unavailable"
    default_message = "the database is unavailable, retry later"

    def headers(self) -> dict[str, str]:
        return {"Retry-After": "1"}


class TikTokError(BeanHopError):
    status_code = 502
    code = "tiktok_error"
    default_message = "TikTok's API failed"


class TikTokUnavailable(TikTokError):
    code = "tiktok_unavailable"
    default_message = "TikTok is unreachable, retry later"


class RateLimited(TikTokError):
    status_code = 503
    code = "tiktok_rate_limited"
    default_message = "TikTok is rate limiting us, retry later"

    def headers(self) -> dict[str, str]:
        return {"Retry-After": "5"}


class InvalidGrant(TikTokError):
    status_code = 401
    code = "invalid_code"
    default_message = "TikTok refused the login code"


class AccessTokenInvalid(TikTokError):
    status_code = 401
    code = "tiktok_reauth_required"
    default_message = "the TikTok authorization expired: log in again"


class TikTokRejected(TikTokError):
    code = "tiktok_rejected"
    default_message = "TikTok rejected the request"

    def __init__(self, message: str | None = None, *, tiktok_code: str = "") -> None:
        super().__init__(message)
        self.tiktok_code = tiktok_code
