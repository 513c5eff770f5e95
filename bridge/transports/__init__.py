"""Transports: web (``window.TTBridge``), native (the sandbox over HTTP) and a fake for tests."""

from __future__ import annotations

from typing import Any

from bridge import runtime
from bridge.transports.base import Envelope, Transport, err, ok
from bridge.transports.fake import FakeTransport

__all__ = ["Envelope", "FakeTransport", "Transport", "auto_transport", "err", "ok"]


def auto_transport(server_url: str = "http://127.0.0.1:8000", **native: Any) -> Transport:
    """The web transport in a browser, else the native one against ``server_url``'s sandbox.

    ``native`` keyword arguments go to :class:`bridge.transports.native.NativeTransport`.
    """
    if runtime.is_web():
        from bridge.transports.web import WebTransport

        return WebTransport()
    from bridge.transports.native import NativeTransport

    return NativeTransport(server_url, **native)
