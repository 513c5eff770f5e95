"""The browser transport: ``window.TTBridge`` from ``bridge/js/ttbridge.js``, strings only.

pygbag awaits a JS promise with ``platform.jsprom(promise)`` and hangs on one that rejects or
resolves to a falsy value; Pyodide awaits the promise directly. ``TTBridge.call`` always
resolves to a non-empty JSON string, so both are safe.
"""

from __future__ import annotations

import json
from typing import Any

from bridge import runtime
from bridge.transports.base import Envelope, err

MAX_EVENTS_PER_DRAIN = 256


class WebTransport:
    """Calls ``TTBridge.call(method, argsJson)`` and drains ``TTBridge.inbox``.

    ``js`` and ``platform`` default to the runtime's modules; tests pass stand-ins.
    """

    def __init__(
        self,
        *,
        js: Any = None,
        platform: Any = None,
        runtime_name: runtime.Runtime | None = None,
    ) -> None:
        self._runtime = runtime_name or runtime.detect()
        assert self._runtime != "native", "WebTransport runs only in a browser runtime"
        if js is None:
            import js as js_module

            js = js_module
        if platform is None and self._runtime == "pygbag":
            import platform as platform_module

            platform = platform_module
        self._js = js
        self._platform = platform

    async def call(self, method: str, args: dict[str, Any]) -> Envelope:
        try:
            args_json = json.dumps(args)
        except (TypeError, ValueError) as exc:
            return err("invalid_args", f"arguments are not JSON: {exc}")
        try:
            bridge = self._js.TTBridge
            promise = bridge.call(method, args_json)
            if self._runtime == "pygbag":
                raw = await self._platform.jsprom(promise)
            else:
                raw = await promise
        except Exception as exc:  # a missing TTBridge or a JS exception proxy
            return err("unknown", f"the JS bridge failed: {exc}")
        return _decode(str(raw))

    def drain_events(self) -> list[dict[str, Any]]:
        try:
            box = self._js.TTBridge.inbox
        except Exception:
            return []
        events: list[dict[str, Any]] = []
        while int(box.length) > 0 and len(events) < MAX_EVENTS_PER_DRAIN:
            try:
                event = json.loads(str(box.shift()))
            except ValueError:
                continue
            if isinstance(event, dict) and isinstance(event.get("type"), str):
                events.append(event)
        return events

    async def aclose(self) -> None:
        return None


def _decode(raw: str) -> Envelope:
    try:
        envelope = json.loads(raw)
    except ValueError:
        return err("unknown", "the JS bridge answered something that is not JSON")
    if not isinstance(envelope, dict) or not isinstance(envelope.get("ok"), bool):
        return err("unknown", "the JS bridge answered a malformed envelope")
    return envelope
