"""``POST /v2/oauth/token/``: TikTok's token endpoint, form-encoded, with a flat JSON answer.

Grants: ``authorization_code`` (codes single-use, ``code_ttl`` seconds), ``refresh_token`` (the
refresh token rotates: the old one is rejected after use) and ``client_credentials`` (a ``clt.``
client token). Errors: ``{"error", "error_description", "log_id"}`` with ``invalid_request``
(400), ``invalid_client`` (401) or ``invalid_grant`` (400).
"""

from __future__ import annotations

import hmac
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse

from .core import Sandbox
from .errors import OAuthError
from .state import Token
from .web import raise_api_fault, read_body, sandbox_of

FORM = "application/x-www-form-urlencoded"


async def _read_form(request: Request) -> dict[str, str]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != FORM:
        raise OAuthError("invalid_request", f"Content-Type must be {FORM}")
    body = await read_body(request)
    if body is None:
        raise OAuthError("invalid_request", "the request body is too large")
    try:
        pairs = parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=False)
    except (UnicodeDecodeError, ValueError) as exc:
        raise OAuthError("invalid_request", f"the body is not a valid form ({exc})") from exc
    return dict(pairs)


def _require(form: dict[str, str], name: str) -> str:
    value = form.get(name, "")
    if not value:
        raise OAuthError("invalid_request", f"{name} is required")
    return value


def _check_client(sandbox: Sandbox, form: dict[str, str]) -> None:
    key, secret = _require(form, "client_key"), _require(form, "client_secret")
    good_key = hmac.compare_digest(key.encode(), sandbox.config.client_key.encode())
    good_secret = hmac.compare_digest(secret.encode(), sandbox.config.client_secret.encode())
    if not (good_key and good_secret):
        raise OAuthError("invalid_client", "client_key or client_secret is invalid", 401)


def _token_body(sandbox: Sandbox, access: Token, refresh: Token) -> dict[str, Any]:
    now = sandbox.now()
    return {
        "access_token": access.token,
        "expires_in": round(access.expires_at - now),
        "open_id": access.open_id,
        "refresh_expires_in": round(refresh.expires_at - now),
        "refresh_token": refresh.token,
        "scope": access.scope,
        "token_type": "Bearer",
    }


def _authorization_code(sandbox: Sandbox, form: dict[str, str]) -> dict[str, Any]:
    code = sandbox.store.codes.get(_require(form, "code"))
    if code is None or code.used or code.expires_at <= sandbox.now():
        raise OAuthError("invalid_grant", "Authorization code is expired, used or unknown.")
    code.used = True
    sandbox.store.save(code)
    return _token_body(sandbox, *sandbox.issue_tokens(code.open_id))


def _refresh_token(sandbox: Sandbox, form: dict[str, str]) -> dict[str, Any]:
    old = sandbox.valid_token(_require(form, "refresh_token"), kinds=("refresh",))
    if old is None:
        raise OAuthError("invalid_grant", "Refresh token is invalid or expired.")
    old.revoked = True
    sandbox.store.save(old)
    return _token_body(sandbox, *sandbox.issue_tokens(old.open_id))


def _client_credentials(sandbox: Sandbox, form: dict[str, str]) -> dict[str, Any]:
    token = sandbox.issue_client_token()
    expires_in = round(token.expires_at - sandbox.now())
    return {"access_token": token.token, "expires_in": expires_in, "token_type": "Bearer"}


GRANTS = {
    "authorization_code": _authorization_code,
    "refresh_token": _refresh_token,
    "client_credentials": _client_credentials,
}


async def token(request: Request) -> JSONResponse:
    sandbox = sandbox_of(request)
    await raise_api_fault(sandbox, oauth=True)
    form = await _read_form(request)
    grant = _require(form, "grant_type")
    if grant not in GRANTS:
        raise OAuthError("invalid_request", f"grant_type must be one of {', '.join(GRANTS)}")
    _check_client(sandbox, form)
    return JSONResponse(GRANTS[grant](sandbox, form))
