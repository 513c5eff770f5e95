"""The bridge's error codes and its one exception type.

Every failure of a platform call, in JS or in Python, ends up as one of the codes of
:class:`ErrorCode`. TikTok publishes no complete list of its client error codes, so the raw
platform error (``error_code``, ``error_msg``, ``error_extra``) is kept as data in
:attr:`BridgeError.platform` instead of being interpreted further.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """The fixed list of bridge error codes (mirrors ``CODES`` in ``bridge/js/ttbridge.js``)."""

    CANCELLED = "cancelled"
    INSUFFICIENT_BALANCE = "insufficient_balance"
    NO_FILL = "no_fill"
    NOT_SUPPORTED = "not_supported"
    TIMEOUT = "timeout"
    NETWORK = "network"
    BUSY = "busy"
    INVALID_ARGS = "invalid_args"
    PLATFORM_ERROR = "platform_error"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, value: object) -> ErrorCode:
        """The code named by ``value``; anything unrecognised is ``UNKNOWN``."""
        try:
            return cls(str(value))
        except ValueError:
            return cls.UNKNOWN


class BridgeError(Exception):
    """A platform call that did not succeed."""

    def __init__(
        self, code: ErrorCode, message: str = "", platform: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{code.value}: {message}" if message else code.value)
        self.code = code
        self.message = message
        self.platform = platform

    @classmethod
    def from_envelope(cls, error: object) -> BridgeError:
        """The exception for the ``error`` member of a ``{"ok": false}`` envelope."""
        if not isinstance(error, dict):
            return cls(ErrorCode.UNKNOWN, "malformed error envelope")
        platform = error.get("platform")
        return cls(
            ErrorCode.parse(error.get("code")),
            str(error.get("message") or ""),
            platform if isinstance(platform, dict) else None,
        )

    def to_envelope(self) -> dict[str, Any]:
        """The ``{"ok": false, "error": ...}`` envelope this error came from."""
        return {
            "ok": False,
            "error": {"code": self.code.value, "message": self.message, "platform": self.platform},
        }
