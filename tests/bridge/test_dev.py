"""python -m bridge.dev: build, serve on one origin with the sandbox, rebuild on change, stop."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import httpx
import pytest

from bridge.build import BuildOptions, build
from bridge.dev import cdn_reachable, choose_port, inputs_hash, rebuild_if_changed
from tests.bridge.test_build import make_project

ROOT = Path(__file__).resolve().parents[2]
URL_LINE = "Bean Hop is running: open "


class Output:
    """Lines of a child process's stdout, waited for with a deadline."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        self.thread = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self.thread.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self._queue.put(line)

    def wait_for(self, text: str, timeout: float = 90) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            self.lines.append(line)
            if text in line:
                return line
        pytest.fail(f"no line with {text!r} in:\n{''.join(self.lines)[-4000:]}")


@pytest.fixture
def dev(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Output, Path, int]]:
    """python -m bridge.dev on a stand-in project, asked for a port that is taken."""
    root = make_project(tmp_path / "project")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'dev.db'}",
        "PYTHONUNBUFFERED": "1",
    }
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = subprocess.Popen(
            [sys.executable, "-m", "bridge.dev", "--root", str(root), "--out", str(tmp_path / "web"),
             "--port", str(port), "--cdn", "http://127.0.0.1:9/cdn/"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        output = Output(process)
        try:
            yield process, output, root, port
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            output.thread.join(10)
            output.thread.join(10)
            assert process.stdout is not None
            process.stdout.close()


@pytest.mark.slow
def test_make_dev_serves_the_game_and_the_sandbox_then_stops(
    dev: tuple[subprocess.Popen[str], Output, Path, int],
) -> None:
    process, output, root, taken = dev
    output.wait_for("cannot be reached")  # the CDN check, with the alternatives
    output.wait_for("--runtime pyodide")
    output.wait_for(f"port {taken} is taken: using")
    url = output.wait_for(URL_LINE).split(URL_LINE, 1)[1].split()[0].rstrip("/")
    output.wait_for("Ctrl-C stops everything")
    with httpx.Client(base_url=url, timeout=10) as client:
        assert client.get("/healthz").status_code == 200
        page = client.get("/")
        assert page.status_code == 200 and 'id="tt-sim-panel"' in page.text
        assert client.get("/js/ttminis-sim.js").status_code == 200
        assert client.get("/sandbox/control/users").status_code == 200

        # A change to the game rebuilds the page.
        (root / "game" / "main.py").write_text("async def main(options=None):\n    return 1\n")
        output.wait_for("- rebuilt in")
        assert client.get("/beanhop.apk").status_code == 200

    process.send_signal(signal.SIGINT)
    assert process.wait(20) == 0
    output.wait_for("stopped", timeout=5)
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{url}/healthz", timeout=2)


def test_no_rebuild_when_nothing_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project(tmp_path / "project")
    options = BuildOptions(root=root, out=tmp_path / "web")
    assert rebuild_if_changed(options) is True
    first = inputs_hash(root, options)
    assert rebuild_if_changed(options) is False
    assert "up to date" in capsys.readouterr().out
    (root / "assets" / "sprites" / "bean.png").write_bytes(b"\x89PNG changed")
    assert inputs_hash(root, options) != first
    assert rebuild_if_changed(options) is True
    release = BuildOptions(root=root, out=tmp_path / "web", mode="release")
    assert inputs_hash(root, release) != inputs_hash(root, options)
    # Another build into the same directory (make build) invalidates the dev loop's stamp.
    build(release)
    assert rebuild_if_changed(options) is True


def test_ports_and_the_cdn_check() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        other = choose_port("127.0.0.1", port)
        assert other != port and other > 0
    assert cdn_reachable("http://127.0.0.1:9/", timeout=2) is False
    assert cdn_reachable("runtime/0.9.3/") is True  # local: nothing to reach


def test_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bridge.dev", "--help"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0 and "--port" in result.stdout and "make dev" in result.stdout
