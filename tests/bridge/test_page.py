"""The built pygbag pages in headless Chromium, served by ``python -m server`` (SANDBOX=1, WEB_DIR).

pygbag's real runtime cannot be downloaded here, so a stand-in takes its place
(``tests/bridge/pygbag_stub``): its ``pythons.js``, ``cpython312/main.js`` and ``cpythonrc.py`` follow
pygbag 0.9.3's order (read the page's URL into CPython options, call the page's ``custom_onload``,
load the interpreter, run the page script, install only what ``main.py`` declares and imports from
the package index PYGPI names, then run it) on a real CPython 3.12 (Pyodide from npm) that imports
only pygbag's standard library. pygame-ce is a stand-in wheel whose import fails with a known
message, so a page that got that far shows it; ``PYGAME_WASM_WHEEL`` adds the real game.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from bridge.build import BuildError, BuildOptions, build
from bridge.build.options import PYGBAG_VERSION
from bridge.build.runtimes import npm_pyodide
from tests.bridge.conftest import running
from tests.bridge.pygbag_stub import (
    BOOT_ORDER,
    STAND_IN,
    WHEEL_NAME,
    CdnHandler,
    port_8xxx,
    stand_in_wheel,
    stub_runtime,
)
from tests.bridge.test_build import project_ready
from tests.bridge.test_page_pyodide import DRAWN_AT_START

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
STRICT_CSP = "script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'self'"
REAL_WHEEL = os.environ.get("PYGAME_WASM_WHEEL", "")
IDLE_PYTHONS_JS = (
    "/* Test stub: a runtime that loads, then does nothing. */\nwindow.stubLoaded = true;\n"
)
STALLING_PYTHONS_JS = (
    "/* Test stub: some progress, then none. */\n"
    "window.BeanhopBoot.progress(0.3, 'Stub progress');\nwindow.stubLoaded = true;\n"
)
# Records, from the start, whether pygbag's status texts ever hid the progress bar while loading.
WATCH_PROGRESS = """
window.progressHidden = [];
document.addEventListener("DOMContentLoaded", () => {
  const bar = document.getElementById("progress");
  new MutationObserver(() => {
    if (bar.hidden && window.BeanhopBoot.state === "loading") {
      window.progressHidden.push(document.getElementById("status").textContent);
    }
  }).observe(bar, { attributes: true });
});
"""


@pytest.fixture(scope="module")
def pyodide_dir() -> Path:
    """Pyodide from npm (the stand-in's CPython), installed once into the build's cache."""
    try:
        return npm_pyodide(Path.home() / ".cache" / "beanhop", 300)
    except BuildError as exc:
        pytest.skip(f"the pygbag stand-in runs on Pyodide from npm: {exc}")


@pytest.fixture(scope="module")
def stub_cdn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("cdn")
    stub_runtime(directory, stand_in_wheel(tmp_path_factory.mktemp("wheel") / WHEEL_NAME))
    stubs = {
        "hang": "window.stubLoaded = true;\n",
        "idle": IDLE_PYTHONS_JS,
        "stall": STALLING_PYTHONS_JS,
    }
    for name, text in stubs.items():
        (directory / name / PYGBAG_VERSION).mkdir(parents=True)
        (directory / name / PYGBAG_VERSION / "pythons.js").write_text(text)
    if REAL_WHEEL and Path(REAL_WHEEL).is_file():
        stub_runtime(directory / "real", Path(REAL_WHEEL))
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(CdnHandler, directory=str(directory)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="module")
def site(
    tmp_path_factory: pytest.TempPathFactory, stub_cdn: str, pyodide_dir: Path
) -> Iterator[str]:
    """Bundles of the real project under one WEB_DIR, served by python -m server (SANDBOX=1)."""
    project_ready()
    web = tmp_path_factory.mktemp("site")
    runtime = stub_runtime(
        tmp_path_factory.mktemp("runtime-dir"),
        stand_in_wheel(tmp_path_factory.mktemp("wheel") / WHEEL_NAME),
    )
    cdn = f"{stub_cdn}{PYGBAG_VERSION}/"
    idle = {"cdn": f"{stub_cdn}idle/{PYGBAG_VERSION}/", "load_timeout_ms": 600_000}
    builds: dict[str, dict[str, Any]] = {
        "": {"cdn": cdn},
        "chrome": idle,
        "release": {**idle, "mode": "release"},
        "offline": {"cdn": f"http://127.0.0.1:9/cdn/{PYGBAG_VERSION}/"},
        "hang": {"cdn": f"{stub_cdn}hang/{PYGBAG_VERSION}/", "load_timeout_ms": 1500},
        "stall": {"cdn": f"{stub_cdn}stall/{PYGBAG_VERSION}/", "load_timeout_ms": 1500},
        "csp": {"cdn": f"stub/{PYGBAG_VERSION}/"},
        "bundled": {"runtime_dir": runtime},
    }
    if REAL_WHEEL and Path(REAL_WHEEL).is_file():
        builds["real"] = {"cdn": f"{stub_cdn}real/{PYGBAG_VERSION}/"}
    for name, kwargs in builds.items():
        build(BuildOptions(root=ROOT, out=web / (name or "tmp-root"), **kwargs))
    for child in (web / "tmp-root").iterdir():  # the dev bundle at the root
        child.rename(web / child.name)
    (web / "tmp-root").rmdir()
    stub_runtime(web / "csp" / "stub", stand_in_wheel(tmp_path_factory.mktemp("w") / WHEEL_NAME))
    (web / "pyodide").mkdir()  # the stand-in's CPython, from the page's own origin
    for name in ("pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip",
                 "pyodide-lock.json"):  # fmt: skip
        shutil.copyfile(pyodide_dir / name, web / "pyodide" / name)
    port = port_8xxx()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "SANDBOX": "1",
        "DATABASE_URL": f"sqlite:///{web.parent / (web.name + '.db')}",
        "WEB_DIR": str(web),
        "PUBLIC_BASE_URL": base,
    }
    command = [sys.executable, "-m", "server", "--host", "127.0.0.1", "--port", str(port)]
    with running(command, env, f"{base}/healthz", web.parent / f"{web.name}.log"):
        yield base


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.errors, page.dialogs, page.requests = [], [], []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.add_init_script(WATCH_PROGRESS)
    yield page
    context.close()


def boot(page: Any, url: str) -> str:
    """Loads the page and waits until the boot has ended, one way or the other."""
    page.goto(url)
    # Function predicates: Playwright evaluates string ones with eval, which a CSP may forbid.
    page.wait_for_function("() => window.BeanhopBoot.state !== 'loading'", timeout=120_000)
    return str(page.evaluate("() => window.BeanhopBoot.state"))


def wait_until(page: Any, what: str, check: Callable[[], bool]) -> None:
    for _ in range(100):
        if check():
            return
        page.wait_for_timeout(100)
    pytest.fail(f"never happened: {what}")


def assert_stopped_at_the_stand_in(page: Any) -> None:
    """main.py ran with pygame-ce installed, its error reached the page, and nothing before it
    ended the loading screen."""
    text = page.inner_text("#load-error")
    assert "The game stopped with an error." in text and f"ImportError: {STAND_IN}" in text, text
    assert page.evaluate("() => document.body.classList.contains('game-started')") is False
    assert page.evaluate("() => window.stubLog") == BOOT_ORDER
    assert page.evaluate("() => window.progressHidden") == []  # pygbag's setStatus is rerouted


def test_the_page_boots_in_pygbags_order(page: Any, site: str, stub_cdn: str) -> None:
    assert boot(page, f"{site}/") == "failed"
    assert_stopped_at_the_stand_in(page)
    assert page.evaluate("() => window.stubEnv.PYGPI") == stub_cdn  # the CDN's own package index
    assert f"{stub_cdn}cp312/{WHEEL_NAME}" in page.requests
    assert f"{stub_cdn}{PYGBAG_VERSION}/cpython312/main.data" in page.requests
    config = page.evaluate("() => window.stubConfig")
    assert config["ume_block"] == 0 and config["archive"] == "beanhop" and config["can_close"] == 1
    assert page.evaluate("() => window.onbeforeunload") is None  # no "Leave site?" prompt
    # pygbag alert()s uncaught errors and rejections (a refused audio.play() on iOS); not here.
    page.evaluate(
        "() => { Promise.reject(new Error('audio refused'));"
        " setTimeout(() => { throw new Error('late error'); }, 0); }"
    )
    wait_until(page, "both errors reported", lambda: len(page.errors) >= 2)
    assert page.dialogs == []


def test_a_link_cannot_pick_the_interpreter_the_index_or_code_to_run(
    page: Any, site: str, stub_cdn: str
) -> None:
    """pygbag reads the page's query and hash as CPython options: a link could pick another
    interpreter (?python3.13), set PYGPI, or name a .py file that import_site fetches and runs.
    And at http://localhost:8… pygbag takes wheels from http://localhost:8000/cdn/ unless PYGPI
    is set (pep0723.py async_repos)."""
    local = site.replace("127.0.0.1", "localhost")
    assert local.startswith("http://localhost:8")
    evil = "http://127.0.0.1:9/"
    assert boot(page, f"{local}/?python3.13&PYGPI={evil}&{evil}x.py#{evil}y.py") == "failed"
    assert_stopped_at_the_stand_in(page)
    assert page.evaluate("() => window.stubEnv.PYGPI") == stub_cdn
    assert f"{stub_cdn}{PYGBAG_VERSION}/cpython312/main.js" in page.requests
    assert f"{stub_cdn}cp312/{WHEEL_NAME}" in page.requests
    assert not [url for url in page.requests if url.startswith(evil) or "localhost:8000" in url]


def test_a_self_contained_bundle_loads_everything_from_itself(page: Any, site: str) -> None:
    assert boot(page, f"{site}/bundled/") == "failed"
    assert_stopped_at_the_stand_in(page)
    assert f"{site}/bundled/runtime/{PYGBAG_VERSION}/pythons.js" in page.requests
    assert f"{site}/bundled/runtime/cp312/{WHEEL_NAME}" in page.requests
    assert page.evaluate("() => window.stubEnv.PYGPI") == f"{site}/bundled/runtime/"
    assert all(url.startswith(site) for url in page.requests), page.requests


def test_the_page_frame_bridge_and_simulator(page: Any, site: str) -> None:
    page.goto(f"{site}/chrome/")
    assert page.is_visible("#loading")
    page.wait_for_function("window.TTBridge && window.TTMinisSim && window.TTMinisSim.installed")
    assert page.evaluate("window.stubLoaded") is True
    assert page.locator("#tt-sim-panel > *").count() > 0, "the simulator's panel beside the game"
    box = page.locator("#canvas").bounding_box()  # portrait 9:16, letterboxed in the window
    assert abs(box["width"] / box["height"] - 9 / 16) < 0.01
    assert box["height"] <= 800
    panel = page.locator("#tt-sim-panel").bounding_box()
    assert panel["x"] >= box["x"] + box["width"], "panel beside the phone frame"
    assert page.errors == []


def test_release_page_has_no_simulator(page: Any, site: str) -> None:
    page.goto(f"{site}/release/")
    page.wait_for_function("window.TTBridge && window.stubLoaded")
    assert page.evaluate("typeof window.TTMinisSim") == "undefined"
    assert page.locator("#tt-sim-panel").count() == 0
    assert page.errors == []


def _call(page: Any, method: str, args: dict[str, Any]) -> dict[str, Any]:
    answer = page.evaluate("([m, a]) => TTBridge.call(m, JSON.stringify(a))", [method, args])
    return dict(json.loads(answer))


def test_simulator_pay_flow_against_the_server(page: Any, site: str) -> None:
    page.goto(f"{site}/chrome/")
    page.wait_for_function("window.TTBridge && window.TTMinisSim && window.TTMinisSim.installed")
    with httpx.Client(base_url=site, timeout=10) as api:
        login = _call(page, "login", {})
        assert login["ok"], login
        session = api.post("/api/session", json={"code": login["data"]["code"]})
        assert session.status_code == 200, session.text
        auth = {"Authorization": f"Bearer {session.json()['token']}"}
        item = api.get("/api/catalog").json()["items"][0]
        order = api.post("/api/orders", json={"item_id": item["id"]}, headers=auth)
        assert order.status_code == 201, order.text
        order_id, trade_order_id = order.json()["order_id"], order.json()["trade_order_id"]

        page.evaluate(
            "(id) => { window.payResult = null; TTBridge.call('pay', JSON.stringify("
            "{trade_order_id: id})).then((r) => { window.payResult = r; }); }",
            trade_order_id,
        )
        page.wait_for_selector("#game-frame #tt-sim-pay")  # the pay sheet over the game
        # A new player has no Beans: recharge on the sheet, then confirm (TikTok's own flow).
        page.click("#tt-sim-pay-recharge")
        page.wait_for_function("!document.querySelector('#tt-sim-pay-confirm').disabled")
        page.click("#tt-sim-pay-confirm")
        page.wait_for_function("window.payResult !== null")
        assert json.loads(page.evaluate("window.payResult")) == {"ok": True, "data": {}}

        if api.post("/webhooks/tiktok", content=b"{}").status_code == 404:
            pytest.skip("POST /webhooks/tiktok is not in the server yet (payments)")
        state = api.get(f"/api/orders/{order_id}", headers=auth).json()
        for _ in range(75):
            if state["fulfilled"]:
                break
            page.wait_for_timeout(200)
            state = api.get(f"/api/orders/{order_id}", headers=auth).json()
        assert state["fulfilled"] is True and state["status"] == "paid", state
    assert page.errors == []


def test_unreachable_cdn_says_so_with_the_alternatives(page: Any, site: str) -> None:
    page.goto(f"{site}/offline/")
    page.wait_for_selector("#load-error", state="visible", timeout=15_000)
    text = page.inner_text("#load-error")
    assert f"http://127.0.0.1:9/cdn/{PYGBAG_VERSION}/" in text
    assert "--runtime-dir" in text and "--runtime pyodide" in text
    assert page.evaluate("window.BeanhopBoot.state") == "failed"


def test_a_runtime_that_never_starts_times_out_with_a_message(page: Any, site: str) -> None:
    page.goto(f"{site}/hang/")
    page.wait_for_selector("#load-error", state="visible", timeout=15_000)
    assert page.evaluate("window.stubLoaded") is True
    assert "did not start: no progress for" in page.inner_text("#load-error")
    assert "--runtime pyodide" in page.inner_text("#load-error")


def test_a_load_that_stops_moving_says_where_without_blaming_the_cdn(page: Any, site: str) -> None:
    page.goto(f"{site}/stall/")
    page.wait_for_selector("#load-error", state="visible", timeout=15_000)
    text = page.inner_text("#load-error")
    assert 'The game did not start: no progress for 2 seconds after "Stub progress"' in text
    assert "--runtime-dir" not in text and "browser console" in text


def test_the_page_runs_under_a_strict_csp(page: Any, site: str) -> None:
    """No inline script, no eval in the page's own code or its Python boot. This passes with the
    stand-in only: pygbag's real cpython312/main.js uses eval, which this policy forbids (the
    Pyodide target with --eval-free is the build that runs under it, tests/bridge/test_page_pyodide)."""
    violations: list[str] = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )

    def with_csp(route: Any) -> None:
        response = route.fetch()
        headers = {**response.headers, "content-security-policy": STRICT_CSP}
        route.fulfill(response=response, headers=headers)

    page.route(f"{site}/csp/**", with_csp)
    assert boot(page, f"{site}/csp/") == "failed"
    assert_stopped_at_the_stand_in(page)
    page.wait_for_function("() => Boolean(window.TTBridge && window.TTMinisSim.installed)")
    assert violations == []
    assert page.errors == []


@pytest.mark.skipif(
    not (REAL_WHEEL and Path(REAL_WHEEL).is_file()),
    reason="set PYGAME_WASM_WHEEL to boot the real game in the pygbag stand-in",
)
def test_the_real_game_starts_in_the_pygbag_stand_in_at_its_first_frame(
    page: Any, site: str
) -> None:
    """The real game on pygbag's order and stdlib: the loading screen goes at its first flip."""
    page.add_init_script(DRAWN_AT_START)
    state = boot(page, f"{site}/real/")
    assert state == "started", page.inner_text("#load-error")
    assert page.evaluate("() => window.drawnAtStart") is True
    assert page.evaluate("() => window.stubLog") == BOOT_ORDER
    assert page.errors == []


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_keyboard_shim_adds_the_missing_export() -> None:
    """SDL asks emscripten_compute_dom_pk_code(code) for each key; Pyodide 0.27.7 lacks it."""
    shim = ROOT / "bridge" / "web" / "keyboard-shim.js"
    script = f"""
      global.window = global;
      require({json.dumps(str(shim))});
      const exports = {{}};
      const pyodide = {{ _module: {{ UTF8ToString: (p) => p, LDSO: {{ loadedLibsByName: {{
        __main__: {{ exports }} }} }} }} }};
      const first = BeanhopKeyboard.install(pyodide);
      const again = BeanhopKeyboard.install(pyodide);
      const pk = exports.emscripten_compute_dom_pk_code;
      console.log(JSON.stringify({{ first, again, codes: ["KeyA", "Space", "ArrowUp", "Enter",
        "Escape", "ArrowLeft", "NoSuchKey", "toString"].map(pk) }}));
    """
    result = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["first"] is True and out["again"] is False
    assert out["codes"] == [0x1E, 0x39, 0xE048, 0x1C, 0x01, 0xE04B, 0, 0]
