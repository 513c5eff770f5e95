"""`python -m bridge.native` as a person uses it: help, bad input, a taken port, no --server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.bridge.native.conftest import (
    ROOT,
    emulator,
    open_page,
    package,
    wait_console,
    wait_state,
)

RUN = [sys.executable, "-m", "bridge.native"]


def test_help_explains_the_options() -> None:
    out = subprocess.run(
        [*RUN, "--help"], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout
    for word in ("--port", "--server", "--state", "--download-kbps", "SANDBOX=1", "docs/native.md"):
        assert word in out


def test_a_missing_directory_says_what_to_do(tmp_path: Path) -> None:
    run = subprocess.run(
        [*RUN, str(tmp_path / "nope")], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert (
        run.returncode == 2 and "is not a directory" in run.stderr and "Traceback" not in run.stderr
    )
    native = subprocess.run(
        [*RUN, "dist/tiktok-native"], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert native.returncode == 2 and "--target tiktok-native" in native.stderr


def test_a_bad_server_url_is_refused(tmp_path: Path) -> None:
    root = package("draw", tmp_path)
    run = subprocess.run(
        [*RUN, str(root), "--server", "beanhop.example.com", "--port", "0", "--state", str(tmp_path / "s")],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=60,
    )  # fmt: skip
    assert run.returncode == 1 and "--server must be an http(s) URL" in run.stderr


def _wait_for_url(log: Path, process: subprocess.Popen[bytes], seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        text = log.read_text()
        if "open http://" in text:
            return text
        time.sleep(0.1)
    pytest.fail(f"the emulator printed no URL: {log.read_text()}")


def _wait_http(url: str) -> httpx.Response:
    deadline = time.monotonic() + 60
    while True:
        try:
            return httpx.get(url, timeout=5)
        except httpx.HTTPError:
            assert time.monotonic() < deadline, f"{url} never answered"
            time.sleep(0.1)


def test_a_taken_port_is_replaced_by_a_free_one_said_aloud(tmp_path: Path) -> None:
    root = package("draw", tmp_path)
    log = tmp_path / "emulator.log"
    with socket.socket() as taken, log.open("wb") as out:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = [*RUN, str(root), "--port", str(port), "--server", "http://127.0.0.1:9"]
        command += ["--state", str(tmp_path / "state")]
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        try:
            text = _wait_for_url(log, process)
            assert f"port {port} is taken: using " in text, text
            url = text.split("open ", 1)[1].split()[0]
            assert url != f"http://127.0.0.1:{port}/"
            assert _wait_http(url + "__emu/package").json()["appid"] == "tt-emu-draw"
        finally:
            process.terminate()
            process.wait(10)


@pytest.mark.browser
@pytest.mark.slow
def test_without_server_it_starts_the_dev_server_with_its_sandbox(
    browser: Any, tmp_path: Path
) -> None:
    root = package("request", tmp_path)
    (root / "ttbridge.js").write_bytes((ROOT / "bridge" / "js" / "ttbridge.js").read_bytes())
    command = [*RUN, str(root), "--port", "0", "--state", str(tmp_path / "state")]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'dev.db'}"}
    log = tmp_path / "emulator.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            # Two servers start one after the other: be patient on a busy machine.
            text = _wait_for_url(log, process, seconds=180)
            assert "starting the game server with the TikTok sandbox" in text
            server = text.split("game server at ", 1)[1].split()[0]
            assert httpx.get(server + "/healthz", timeout=5).status_code == 200
            url = text.split("open ", 1)[1].split()[0].rstrip("/")
            _wait_http(url + "/__emu/package")
            page = open_page(browser, url)
            wait_state(page, "running")
            assert wait_console(page, "bridge session") == "bridge session 200 player yes"
            page.close()
        finally:
            process.terminate()
            process.wait(30)
    with pytest.raises(httpx.HTTPError):  # the dev server stopped with the emulator
        httpx.get(server + "/healthz", timeout=5)


def test_the_emulator_server_keeps_to_the_package(tmp_path: Path) -> None:
    root = package("storage", tmp_path)
    (tmp_path / "secret.txt").write_text("outside the package")
    with emulator(root, "http://127.0.0.1:9", tmp_path) as emu:
        base = emu.url
        page = httpx.get(base + "/")
        assert page.headers["content-security-policy"].startswith(
            "script-src 'self' 'wasm-unsafe-eval'"
        )
        worker = httpx.get(base + "/__emu/web/worker.js")
        assert (
            worker.status_code == 200
            and "'wasm-unsafe-eval'" in worker.headers["content-security-policy"]
        )
        module = httpx.get(base + "/__emu/mod/game.js").text
        assert module.startswith(
            '__emu_define("game.js", function (require, module, exports) {// Storage'
        )
        assert module.endswith("\n});\n")
        for bad in (
            "/__emu/file/../secret.txt",
            "/__emu/file/%2e%2e/secret.txt",
            "/__emu/mod/data/hello.txt",
        ):
            assert httpx.get(base + bad).status_code == 404, bad
        assert httpx.get(base + "/__emu/file/data/hello.txt").text == "hello from the package\n"
        assert httpx.put(base + "/__emu/storage/k", content=b"not json").status_code == 400
        assert httpx.put(base + "/__emu/storage/k", content=b'"x" ').status_code == 204
        assert (
            httpx.put(
                base + "/__emu/storage/big", content=b'"' + b"x" * (11 * 1024 * 1024) + b'"'
            ).status_code
            == 413
        )
        assert httpx.get(base + "/__emu/storage").json() == {"k": '"x" '}
        assert httpx.put(base + "/__emu/user/../escape", content=b"x").status_code in (400, 404)
        assert (
            httpx.put(base + "/__emu/user/a/b.txt", content=b"x").status_code == 404
        )  # no folder a
        assert httpx.get(base + "/__emu/net/api/catalog").status_code == 502  # no game server
        assert not (tmp_path / "escape").exists()
