"""The interface every transport implements, and envelope helpers."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

Envelope = dict[str, Any]


@runtime_checkable
class Transport(Protocol):
    """Carries bridge calls to the platform and platform events back.

    ``call`` never raises for anything the platform does: it returns the decoded
    ``{"ok": true, "data": {...}}`` or ``{"ok": false, "error": {"code", "message", "platform"}}``
    envelope. ``drain_events`` returns the events queued since the last drain, oldest first.
    """

    async def call(self, method: str, args: dict[str, Any]) -> Envelope: ...

    def drain_events(self) -> list[dict[str, Any]]: ...

    async def aclose(self) -> None: ...


def ok(data: dict[str, Any] | None = None) -> Envelope:
    """A success envelope."""
    return {"ok": True, "data": {} if data is None else data}


def err(code: str, message: str = "", platform: dict[str, Any] | None = None) -> Envelope:
    """A failure envelope with one of the bridge's error codes."""
    return {"ok": False, "error": {"code": code, "message": message, "platform": platform}}
