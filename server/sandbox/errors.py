"""The sandbox's errors, one class per answer style.

- ``OAuthError``: the token endpoint's flat ``{"error", "error_description", "log_id"}``.
- ``OpenApiError``: the other Open API endpoints' ``{"data": {}, "error": {"code", "message",
  "log_id"}}``; ``code`` is a string (``access_token_invalid``...) or an integer mini code
  (``20021002``...).
- ``ControlError``: the control endpoints' ``{"error": {"code", "message"}}``.

Each carries its HTTP status; ``app.py`` turns them into responses.
"""

from __future__ import annotations


class SandboxError(Exception):
    """Base class: an answer to a request that went wrong, with its HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class OAuthError(SandboxError):
    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(status, description)
        self.error = error


class OpenApiError(SandboxError):
    def __init__(self, code: str | int, message: str, status: int = 400) -> None:
        super().__init__(status, message)
        self.code = code


class ControlError(SandboxError):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(status, message)
        self.code = code


# The numeric mini codes TikTok documents for the payment APIs.
MINI_BAD_PARAMS = 40001000
MINI_ORDER_NOT_FOUND = 20011002
MINI_DUPLICATE_ORDER = 20021002
MINI_INTERNAL = 50001000
