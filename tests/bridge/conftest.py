"""Fixtures of the bridge's tests: a static file server on a free port and headless Chromium."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]


class _Handler(SimpleHTTPRequestHandler):
    """The repository's files, plus /echo (answers what it got) and /hang (answers late)."""

    release: threading.Event

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _echo(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        payload = json.dumps(
            {
                "method": self.command,
                "path": self.path,
                "body": body,
                "x_test": self.headers.get("X-Test"),
            }
        ).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Echo", "yes")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        # The browser may have given up waiting (the timeout test).
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(payload)

    def do_GET(self) -> None:
        if self.path.startswith("/echo"):
            self._echo()
        elif self.path.startswith("/hang"):
            self.release.wait(10)
            self._echo()
        else:
            super().do_GET()

    def do_POST(self) -> None:
        self._echo()


@pytest.fixture(scope="module")
def static_server() -> Iterator[str]:
    """The repository root over HTTP on 127.0.0.1 and a free port; yields the base URL."""
    release = threading.Event()
    handler = partial(type("H", (_Handler,), {"release": release}), directory=str(ROOT))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Any]:
    """One headless Chromium per test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
