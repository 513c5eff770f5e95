"""The game server for the emulator when no ``--server`` is given: ``python -m server`` with the
TikTok sandbox (``SANDBOX=1``) and SQLite in ``var/native.db``, on a free port, as ``make dev``
starts it (its log goes to ``var/native-server.log``, not into the emulator's output).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from bridge.build import BuildError
from bridge.dev import HEALTH_TIMEOUT, free_port, wait_healthy

ROOT = Path(__file__).resolve().parent.parent.parent


def _env(base_url: str, var: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{var / 'native.db'}")
    env.update(SANDBOX="1", PUBLIC_BASE_URL=base_url)
    env.pop("WEB_DIR", None)
    env.setdefault("ENVIRONMENT", "development")
    return env


@contextlib.contextmanager
def dev_server(host: str = "127.0.0.1") -> Iterator[tuple[str, Path]]:
    """Runs the dev server until the block ends; yields its URL and its log file."""
    var = ROOT / "var"
    var.mkdir(exist_ok=True)
    log_path = var / "native-server.log"
    port = free_port(host)
    base_url = f"http://{host}:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 (our own argv, no shell)
            [sys.executable, "-m", "server", "--host", host, "--port", str(port)],
            cwd=ROOT,
            env=_env(base_url, var),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            try:
                wait_healthy(base_url, process, HEALTH_TIMEOUT)
            except BuildError as exc:
                tail = log_path.read_text(errors="replace")[-2000:]
                raise BuildError(f"{exc}\n--- {log_path} (end) ---\n{tail}") from exc
            yield base_url, log_path
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
