"""Evaluates JavaScript inside a page's dedicated worker: the tests' window into a native package.

The emulator runs a package in a Web Worker under a CSP without ``eval``; DevTools evaluation is
not bound by the CSP. Playwright 1.65 does not report the workers of Debian's Chromium 156, so
this speaks the DevTools protocol itself: the browser session finds the worker's target, attaches
to it and sends ``Runtime.evaluate`` through ``Target.sendMessageToTarget``. Replies arrive as
events, which the sync API delivers only while it runs: :meth:`evaluate` waits with
``page.wait_for_timeout``, which lets them in.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

STEP_MS = 20


class WorkerError(RuntimeError):
    """The worker is gone, or the expression threw."""


class WorkerEval:
    def __init__(self, browser: Any, page: Any, url_part: str = "worker") -> None:
        self._page = page
        self._cdp = browser.new_browser_cdp_session()
        self._replies: dict[int, dict[str, Any]] = {}
        self._next = 1
        self._session: str | None = None
        self._cdp.on("Target.receivedMessageFromTarget", self._receive)
        self._url_part = url_part

    def _receive(self, event: dict[str, Any]) -> None:
        message = json.loads(event["message"])
        if "id" in message:
            self._replies[int(message["id"])] = message

    def attach(self, timeout_ms: int = 60_000) -> None:
        """Waits for the worker whose URL contains ``url_part`` and attaches to it."""
        waited = 0
        while True:
            targets = self._cdp.send("Target.getTargets")["targetInfos"]
            found = [t for t in targets if t["type"] == "worker" and self._url_part in t["url"]]
            if found:
                attached = self._cdp.send(
                    "Target.attachToTarget", {"targetId": found[-1]["targetId"], "flatten": False}
                )
                self._session = attached["sessionId"]
                return
            if waited > timeout_ms:
                raise WorkerError(f"no worker with {self._url_part!r} in its URL appeared")
            self._page.wait_for_timeout(100)
            waited += 100

    def evaluate(self, expression: str, timeout_ms: int = 30_000) -> Any:
        """The JSON value of ``expression`` (a promise is awaited) evaluated in the worker."""
        if self._session is None:
            self.attach()
        ident = self._next
        self._next += 1
        params = {"expression": expression, "returnByValue": True, "awaitPromise": True}
        message = {"id": ident, "method": "Runtime.evaluate", "params": params}
        self._cdp.send(
            "Target.sendMessageToTarget",
            {"sessionId": self._session, "message": json.dumps(message)},
        )
        waited = 0
        while ident not in self._replies:
            if waited > timeout_ms:
                raise WorkerError(
                    f"the worker did not answer within {timeout_ms} ms: {expression[:80]}"
                )
            self._page.wait_for_timeout(STEP_MS)
            waited += STEP_MS
        reply = self._replies.pop(ident)
        if "error" in reply:
            raise WorkerError(str(reply["error"]))
        result = reply["result"]
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise WorkerError(f"{expression[:80]}: {text}")
        return result["result"].get("value")

    def detach(self) -> None:
        if self._session is not None:
            with contextlib.suppress(Exception):  # the browser or the worker is already gone
                self._cdp.send("Target.detachFromTarget", {"sessionId": self._session})
            self._session = None
