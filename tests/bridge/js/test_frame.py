"""TTBridge.frame() in headless Chromium: one promise per animation frame of the host, on a page,
in a Worker with its own requestAnimationFrame, and with the timer where a host has none."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser: Any, static_server: str) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{static_server}/tests/bridge/js/fake.html")
    page.wait_for_function("window.TTBridge && window.Fake")
    yield page
    context.close()
    assert errors == [], errors


def test_each_frame_is_one_animation_frame_of_the_page(page: Any) -> None:
    seen = page.evaluate(
        """async () => {
            const real = window.requestAnimationFrame;
            let asked = 0;
            window.requestAnimationFrame = (cb) => { asked += 1; return real.call(window, cb); };
            const times = [];
            for (let i = 0; i < 5; i++) times.push(await TTBridge.frame());
            window.requestAnimationFrame = real;
            return {asked, times};
        }"""
    )
    assert seen["asked"] == 5
    times = seen["times"]
    assert all(t > 0 for t in times) and times == sorted(set(times)), "five distinct frames"


def test_a_frame_waits_for_the_hosts_animation_frame(page: Any) -> None:
    """Until the host runs its frame callbacks (a hidden tab never does) nothing resolves."""
    page.evaluate(
        """() => {
            window.pending = [];
            window.requestAnimationFrame = (cb) => { window.pending.push(cb); return 1; };
            window.got = null;
            TTBridge.frame().then((t) => { window.got = t; });
        }"""
    )
    page.wait_for_function("window.pending.length === 1")
    # Plenty of tasks and microtasks go by: still nothing, the host showed no frame.
    assert (
        page.evaluate(
            "async () => { for (let i = 0; i < 50; i++) await new Promise(r => setTimeout(r, 0));"
            " return window.got; }"
        )
        is None
    )
    page.evaluate("() => window.pending.shift()(1234.5)")
    page.wait_for_function("window.got !== null")
    assert page.evaluate("window.got") == 1234.5


@pytest.mark.parametrize(
    ("kind", "source"), [("own", "worker rAF"), ("shim", "shim"), ("none", "timer")]
)
def test_a_host_without_window(page: Any, static_server: str, kind: str, source: str) -> None:
    seen = page.evaluate(
        """([url, kind]) => new Promise((resolve, reject) => {
            const worker = new Worker(url);
            worker.onmessage = (m) => { worker.terminate(); resolve(m.data); };
            worker.onerror = (e) => reject(new Error(e.message));
            worker.postMessage(kind);
        })""",
        [f"{static_server}/tests/bridge/js/frame-worker.js", kind],
    )
    assert seen["hasWindow"] is False
    assert seen["source"] == source
    assert len(seen["times"]) == 3 and all(t > 0 for t in seen["times"])
    if kind == "shim":
        assert seen["shimCalls"] == 3 and seen["times"] == [1001, 1002, 1003]
