"""bridge.runtime: the one place that tells native, pygbag and Pyodide apart."""

from __future__ import annotations

import subprocess
import sys
import types

import pytest

from bridge import runtime
from bridge.transports import auto_transport


def test_native_off_the_web() -> None:
    assert runtime.detect() == "native"
    assert runtime.is_web() is False


def test_pygbag_and_pyodide_on_emscripten(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "emscripten")
    pygbag_platform = types.ModuleType("platform")
    pygbag_platform.window = object()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "platform", pygbag_platform)
    assert runtime.detect() == "pygbag"
    monkeypatch.setitem(sys.modules, "platform", types.ModuleType("platform"))
    assert runtime.detect() == "pyodide"
    assert runtime.is_web() is True


async def test_auto_transport_is_native_here_and_web_in_a_browser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bridge.transports.native import NativeTransport
    from bridge.transports.web import WebTransport

    native = auto_transport("http://127.0.0.1:1", login="ok")
    assert isinstance(native, NativeTransport)
    assert native.sandbox_url == "http://127.0.0.1:1/sandbox"
    await native.aclose()

    fake_js = types.ModuleType("js")
    monkeypatch.setitem(sys.modules, "js", fake_js)
    monkeypatch.setattr(runtime, "detect", lambda: "pyodide")
    assert isinstance(auto_transport(), WebTransport)


def test_importing_the_bridge_loads_nothing_heavy() -> None:
    code = "import sys, bridge, bridge.transports; print(sorted(m for m in ('httpx', 'pygame', 'fastapi') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


class _Boot:
    """window.BeanhopBoot as loading.js defines it, recording the calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []

    def started(self) -> None:
        self.calls.append(("started",))

    def fail(self, reason: str, source: str) -> None:
        self.calls.append(("fail", reason, source))


def test_boot_calls_reach_the_page_once(monkeypatch: pytest.MonkeyPatch) -> None:
    boot = _Boot()
    monkeypatch.setitem(sys.modules, "js", types.SimpleNamespace(BeanhopBoot=boot))
    monkeypatch.setattr(runtime, "detect", lambda: "pygbag")
    monkeypatch.setattr(runtime, "_started", False)
    for _ in range(3):  # the game calls it after every flip
        runtime.boot_started()
    runtime.boot_failed(ValueError("no display"))
    assert boot.calls == [("started",), ("fail", "ValueError: no display", "python")]


def test_boot_calls_do_nothing_natively(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "js", None)  # importing js would fail
    monkeypatch.setattr(runtime, "_started", False)
    runtime.boot_started()
    runtime.boot_failed(RuntimeError("x"))
