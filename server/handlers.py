"""Exception handlers: one per base class, each answering `{"error": {"code", "message"}}`."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException

from server.db import is_unavailable
from server.errors import BeanHopError, ServiceUnavailable

log = logging.getLogger("server.errors")
_HTTP_CODES = {
    400: "invalid_request",
    401: "invalid_token",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "unsupported_media_type",
}


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


def _request_id(request: Request) -> str:
    return str(getattr(request.state, "request_id", "-"))


async def on_app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BeanHopError)
    if exc.status_code >= 500:
        log.warning("%s %s: %s", _request_id(request), exc.code, exc.message)
    return error_response(exc.status_code, exc.code, exc.message, exc.headers())


def _describe(error: dict[str, Any]) -> str:
    where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
    message = str(error.get("msg", "invalid value"))
    return f"{where}: {message}" if where else message


async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        return error_response(400, "invalid_json", "the request body is not valid JSON")
    message = "; ".join(_describe(e) for e in errors[:5]) or "invalid request"
    return error_response(400, "invalid_request", message)


async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    return error_response(exc.status_code, code, str(exc.detail), dict(exc.headers or {}))


async def on_database_error(request: Request, exc: Exception) -> JSONResponse:
    """A database that cannot answer (down, locked, deadlock) is 503: the caller retries."""
    if is_unavailable(exc):
        log.warning("%s database unavailable: %s", _request_id(request), type(exc).__name__)
        error = ServiceUnavailable()
        return error_response(error.status_code, error.code, error.message, error.headers())
    log.error("%s database error", _request_id(request), exc_info=exc)
    return error_response(500, "internal_error", "internal error")


async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("%s unexpected error", _request_id(request), exc_info=exc)
    return error_response(500, "internal_error", "internal error")


def install(app: FastAPI) -> None:
    app.add_exception_handler(BeanHopError, on_app_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(DBAPIError, on_database_error)
    app.add_exception_handler(PoolTimeout, on_database_error)
    app.add_exception_handler(Exception, on_unexpected)
