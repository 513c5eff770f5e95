"""`python -m server` as a real process: refusing bad production settings, migrating, serving."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER_VARS = (
    "DATABASE_URL",
    "SESSION_SECRET",
    "TIKTOK_CLIENT_KEY",
    "TIKTOK_CLIENT_SECRET",
    "TIKTOK_API_BASE",
    "ENVIRONMENT",
    "SANDBOX",
    "PUBLIC_BASE_URL",
)


def server_env(tmp_path: Path, **values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SERVER_VARS}
    env["PYTHONPATH"] = str(ROOT)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'server.db'}"
    env.update(values)
    return env


def run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        cwd=tmp_path,
        env=server_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_production_refuses_placeholder_secrets(tmp_path: Path) -> None:
    result = run(tmp_path, "--port", str(free_port()), ENVIRONMENT="production")
    assert result.returncode != 0
    assert "SESSION_SECRET" in result.stderr and "TIKTOK_CLIENT_SECRET" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_refuses_a_placeholder_tiktok_secret_alone(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        ENVIRONMENT="production",
        SESSION_SECRET="a-long-and-random-production-secret",
        TIKTOK_CLIENT_KEY="real-key",
    )
    assert result.returncode != 0
    assert "TIKTOK_CLIENT_SECRET" in result.stderr and "SESSION_SECRET" not in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_settings_are_named_without_a_traceback(tmp_path: Path) -> None:
    result = run(tmp_path, "migrate", DATABASE_URL="mysql://x", AD_REWARD_DAILY_CAP="many")
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr and "AD_REWARD_DAILY_CAP" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_a_clear_error(tmp_path: Path) -> None:
    result = run(tmp_path, "migrate", DATABASE_URL="postgresql://nobody:pw@127.0.0.1:1/none")
    assert result.returncode == 1
    assert "cannot migrate" in result.stderr and "pw" not in result.stderr
    assert "Traceback" not in result.stderr


def test_migrate(tmp_path: Path, database_url: str) -> None:
    result = run(tmp_path, "migrate", DATABASE_URL=database_url)
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    assert run(tmp_path, "migrate", DATABASE_URL=database_url).returncode == 0


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    from server.cli import main

    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    assert "serve" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    out = capsys.readouterr().out
    assert "--host" in out and "--port" in out and "--workers" in out


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_serves_health_on_a_free_port(tmp_path: Path, workers: int) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "server", "--port", str(port), "--workers", str(workers)],
        cwd=tmp_path,
        env=server_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = (
            time.monotonic() + 120
        )  # a bound, not a wait: two workers start slowly on a loaded CI
        health = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert health is not None, "the server did not answer"
        assert health.status_code == 200 and health.json()["database"] == "ok"
        catalog = httpx.get(f"http://127.0.0.1:{port}/api/catalog", timeout=5).json()
        image = catalog["items"][0]["image_url"]
        assert image.startswith(f"http://127.0.0.1:{port}/assets/shop/")
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=20)
    assert "Traceback" not in output
    assert (tmp_path / "server.db").exists()
