"""Start `python -m server` on a free port for a benchmark, and stop it afterwards."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_server(
    *, workers: int = 1, database_url: str | None = None, env: dict[str, str] | None = None
) -> Iterator[str]:
    """The base URL of a fresh server (SANDBOX=1, SQLite in a temporary directory by default)."""
    with tempfile.TemporaryDirectory(prefix="beanhop-bench-") as tmp:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        values = {
            **os.environ,
            "SANDBOX": "1",
            "ENVIRONMENT": "development",
            "DATABASE_URL": database_url or f"sqlite:///{Path(tmp) / 'bench.db'}",
            "PUBLIC_BASE_URL": base,
            "SESSION_RATE_LIMIT": "100000/minute",
            **(env or {}),
        }
        log = open(Path(tmp) / "server.log", "w+")  # noqa: SIM115 - closed below
        command = [sys.executable, "-m", "server", "--port", str(port), "--workers", str(workers)]
        process = subprocess.Popen(command, env=values, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            _wait_healthy(base, process, log)
            yield base
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


def _wait_healthy(base: str, process: subprocess.Popen[bytes], log: object) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with status {process.returncode}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit("the server did not become healthy within 30 s")
