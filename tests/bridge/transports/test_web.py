"""WebTransport with stand-ins for pygbag's / Pyodide's ``js`` and ``platform`` modules."""

from __future__ import annotations

import json
from collections.abc import Generator
from typing import Any

import pytest

from bridge import Bridge, BridgeError, ErrorCode
from bridge.transports.web import WebTransport


class Promise:
    """Awaitable like a Pyodide JsProxy of a promise; records whether it was awaited."""

    def __init__(self, value: Any) -> None:
        self.value = value
        self.awaited = False

    def __await__(self) -> Generator[Any, None, Any]:
        self.awaited = True
        if isinstance(self.value, Exception):
            raise self.value
        return self.value
        yield  # pragma: no cover - makes this a generator


class Inbox:
    """The JS array's proxy: ``length`` and ``shift()`` only."""

    def __init__(self, items: list[Any]) -> None:
        self.items = items

    @property
    def length(self) -> int:
        return len(self.items)

    def shift(self) -> Any:
        return self.items.pop(0)


class TTBridge:
    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.calls: list[tuple[str, str]] = []
        self.inbox = Inbox([])
        self.promises: list[Promise] = []

    def call(self, method: str, args_json: str) -> Promise:
        assert isinstance(args_json, str), "only strings cross the boundary"
        self.calls.append((method, args_json))
        promise = Promise(self.answer)
        self.promises.append(promise)
        return promise


class Js:
    def __init__(self, answer: Any) -> None:
        self.TTBridge = TTBridge(answer)


class Platform:
    """pygbag's platform module: awaiting goes through ``jsprom``."""

    def __init__(self) -> None:
        self.jsprom_calls = 0

    async def jsprom(self, promise: Promise) -> Any:
        self.jsprom_calls += 1
        return await promise


OK_LOGIN = json.dumps({"ok": True, "data": {"code": "abc"}})


async def test_pyodide_awaits_the_promise_and_sends_json_strings() -> None:
    js = Js(OK_LOGIN)
    bridge = Bridge(WebTransport(js=js, runtime_name="pyodide"))
    assert (await bridge.login(timeout_ms=3000)).code == "abc"
    assert js.TTBridge.calls == [("login", '{"timeout_ms": 3000}')]
    assert js.TTBridge.promises[0].awaited


async def test_pygbag_awaits_through_jsprom() -> None:
    js, platform = Js(OK_LOGIN), Platform()
    transport = WebTransport(js=js, platform=platform, runtime_name="pygbag")
    assert await transport.call("login", {}) == {"ok": True, "data": {"code": "abc"}}
    assert platform.jsprom_calls == 1


async def test_errors_keep_code_and_platform() -> None:
    answer = {
        "ok": False,
        "error": {"code": "no_fill", "message": "none", "platform": {"error_code": 1004}},
    }
    bridge = Bridge(WebTransport(js=Js(json.dumps(answer)), runtime_name="pyodide"))
    with pytest.raises(BridgeError) as caught:
        await bridge.show_rewarded_ad("u")
    assert caught.value.code is ErrorCode.NO_FILL
    assert caught.value.platform == {"error_code": 1004}


@pytest.mark.parametrize("raw", ["not json", "[1]", '{"data": 1}', RuntimeError("JsException")])
async def test_garbage_or_a_js_exception_becomes_unknown(raw: Any) -> None:
    envelope = await WebTransport(js=Js(raw), runtime_name="pyodide").call("login", {})
    assert envelope["ok"] is False and envelope["error"]["code"] == "unknown"


async def test_missing_ttbridge_and_unencodable_args() -> None:
    transport = WebTransport(js=object(), runtime_name="pyodide")
    assert (await transport.call("login", {}))["error"]["code"] == "unknown"
    assert transport.drain_events() == []
    bad = await WebTransport(js=Js(OK_LOGIN), runtime_name="pyodide").call("x", {"a": object()})
    assert bad["error"]["code"] == "invalid_args"


def test_the_inbox_is_drained_and_bad_items_skipped() -> None:
    js = Js(OK_LOGIN)
    js.TTBridge.inbox.items.extend(
        [
            json.dumps({"type": "hide", "data": {}}),
            "garbage",
            json.dumps([1]),
            json.dumps({"type": "show"}),
        ]
    )
    bridge = Bridge(WebTransport(js=js, runtime_name="pyodide"))
    assert [(e.type, e.data) for e in bridge.events()] == [("hide", {}), ("show", {})]
    assert js.TTBridge.inbox.length == 0
    assert bridge.events() == []


def test_it_refuses_the_native_runtime() -> None:
    with pytest.raises(AssertionError):
        WebTransport(js=Js(OK_LOGIN), runtime_name="native")


PYODIDE_PROGRAM = """
import asyncio, json
import js
from bridge import Bridge, BridgeError, runtime
from bridge.transports import auto_transport

bridge = Bridge(auto_transport())
out = {"runtime": runtime.detect(), "transport": type(bridge.transport).__name__}
task = asyncio.ensure_future(bridge.login())
await asyncio.sleep(0)
js.Fake.succeed("login", js.JSON.parse('{"code": "py-code"}'))
out["login"] = (await task).code
ad = asyncio.ensure_future(bridge.show_rewarded_ad("unit-7"))
await asyncio.sleep(0)
js.Fake.ads[0].close(True)
out["rewarded"] = (await ad).rewarded
try:
    await bridge.pay("tr-1", timeout_ms=30)
except BridgeError as exc:
    out["pay"] = exc.code.value
js.Fake.hide()
out["events"] = [event.type for event in bridge.events()]
json.dumps(out)
"""

BRIDGE_FILES = [
    "__init__.py",
    "api.py",
    "errors.py",
    "results.py",
    "runtime.py",
    "transports/__init__.py",
    "transports/base.py",
    "transports/fake.py",
    "transports/web.py",
]


@pytest.mark.browser
@pytest.mark.slow
def test_in_real_pyodide_over_the_real_js_bridge(browser: Any, static_server: str) -> None:
    from tests.bridge.conftest import PYODIDE_DIR

    if PYODIDE_DIR is None:
        pytest.skip(
            "Pyodide is not cached yet: 'python -m bridge.build --runtime pyodide' fetches it"
        )
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{static_server}/tests/bridge/js/fake.html")
    page.add_script_tag(url=f"{static_server}/pyodide/pyodide.js")
    result = page.evaluate(
        """async ([files, program]) => {
            const py = await loadPyodide({indexURL: '/pyodide/'});
            py.FS.mkdirTree('/home/pyodide/app/bridge/transports');
            for (const f of files) {
                const text = await (await fetch('/bridge/' + f)).text();
                py.FS.writeFile('/home/pyodide/app/bridge/' + f, text);
            }
            py.runPython("import sys; sys.path.insert(0, '/home/pyodide/app')");
            return await py.runPythonAsync(program);
        }""",
        [BRIDGE_FILES, PYODIDE_PROGRAM],
    )
    context.close()
    assert json.loads(result) == {
        "runtime": "pyodide",
        "transport": "WebTransport",
        "login": "py-code",
        "rewarded": True,
        "pay": "timeout",
        "events": ["ad_open", "ad_close", "hide"],
    }
