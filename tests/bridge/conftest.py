"""Fixtures of the bridge's tests: a static file server on a free port and headless Chromium."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from bridge.chromium import CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]


def _pyodide_dir() -> Path | None:
    """Pyodide from npm as the web build caches it (``python -m bridge.build``), if present."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "beanhop"
    found = sorted(cache.glob("pyodide-*/node_modules/pyodide/pyodide.js"))
    return found[-1].parent if found else None


PYODIDE_DIR = _pyodide_dir()


class _Handler(SimpleHTTPRequestHandler):
    """The repository's files, plus /echo (answers what it got) and /hang (answers late)."""

    release: threading.Event

    def translate_path(self, path: str) -> str:
        if path.startswith("/pyodide/") and PYODIDE_DIR is not None:
            return str(PYODIDE_DIR / path.removeprefix("/pyodide/").split("?")[0])
        return super().translate_path(path)

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


def free_port() -> int:
    """A port nobody listens on right now (the server binds it a moment later)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running(command: list[str], env: dict[str, str], ready_url: str, log: Path) -> Iterator[None]:
    """Runs ``command`` until the block ends; waits until ``ready_url`` answers 200."""
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 120  # a bound: a loaded CI machine starts servers slowly
            while True:
                if proc.poll() is not None:
                    pytest.fail(f"{' '.join(command)} exited: {log.read_text()[-3000:]}")
                try:
                    if httpx.get(ready_url, timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"{ready_url} never answered: {log.read_text()[-3000:]}")
                time.sleep(0.1)
            yield
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="module")
def sandbox_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``python -m server.sandbox serve`` on a free port; yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("sandbox") / "sandbox.log"
    command = [sys.executable, "-m", "server.sandbox", "serve", "--host", "127.0.0.1"]
    with running([*command, "--port", str(port)], dict(os.environ), f"{base}/control/users", log):
        yield base


SIM_FILES = (
    "ttminis-sim.js",
    "ttbridge.js",
    "playground.html",
    "playground.js",
    "playground.css",
)


@pytest.fixture(scope="module")
def game_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``python -m server`` with SANDBOX=1, SQLite, and WEB_DIR holding the simulator test page."""
    tmp = tmp_path_factory.mktemp("server")
    web = tmp / "web"
    web.mkdir()
    for name in SIM_FILES:
        shutil.copy(ROOT / "bridge" / "js" / name, web / name)
    for name in ("sim.html", "helpers.js"):
        shutil.copy(ROOT / "tests" / "bridge" / "js" / name, web / name)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "SANDBOX": "1",
        "DATABASE_URL": f"sqlite:///{tmp / 'server.db'}",
        "WEB_DIR": str(web),
        "PUBLIC_BASE_URL": base,
        "AD_REWARD_COOLDOWN_SECONDS": "0",
    }
    command = [sys.executable, "-m", "server", "--host", "127.0.0.1", "--port", str(port)]
    with running(command, env, f"{base}/healthz", tmp / "server.log"):
        yield base
