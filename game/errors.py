"""The game's error types (a leaf: imports nothing)."""

from __future__ import annotations


class ServiceError(Exception):
    """A server or platform call that failed; ``message`` is fit to show the player."""

    def __init__(self, message: str, *, status: int = 0, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


class ConfigError(Exception):
    """The game cannot start as configured (e.g. a bad BEANHOP_SIM_* value); says what to fix."""
