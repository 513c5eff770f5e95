"""Measures what Pyodide itself loads from its standard library while the game runs in a browser.

Builds the Pyodide bundle of the project with the full ``python_stdlib.zip``, serves it on
127.0.0.1, opens it in headless Chromium (Playwright, a dev dependency), waits for the first
frame, taps into a run, lets a Python error be raised and formatted, then reads which modules in
``sys.modules`` came from the zip. That is Pyodide's start-up, its ``pyodide``/``_pyodide``
packages, ``loadPackage``, pygame-ce's Python side and the game's own first minutes.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bridge.build import BuildOptions, build
from bridge.build.options import PYODIDE_VERSION, BuildError
from bridge.chromium import launch

_LOADED = """
import sys, json
json.dumps(sorted({n for n, m in list(sys.modules.items())
                   if (getattr(m, "__file__", None) or "").startswith("/lib/python312.zip/")}))
"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def _serve(directory: Path) -> Any:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _play(page: Any, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_function("() => window.BeanhopBoot.state !== 'loading'", timeout=120_000)
    if page.evaluate("() => window.BeanhopBoot.state") != "started":
        raise BuildError(f"the game did not start in the browser: {page.inner_text('#load-error')}")
    page.wait_for_timeout(1500)
    box = page.locator("#canvas").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.45)
    page.wait_for_timeout(3000)
    page.evaluate(
        "() => { try { window.beanhopPyodide.runPython('import beanhop_no_such_module') }"
        " catch (e) { return String(e).length } }"
    )
    return list(json.loads(page.evaluate("(c) => window.beanhopPyodide.runPython(c)", _LOADED)))


def measure(root: Path, wheel: Path, out: Path) -> list[str]:
    """Builds, plays in headless Chromium and writes the modules Pyodide loaded to ``out``."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="beanhop-measure-") as tmp:
        web = Path(tmp) / "web"
        options = BuildOptions(root=root, out=web, runtime="pyodide", wheel=wheel)
        build(options)
        full = options.npm_cache / f"pyodide-{PYODIDE_VERSION}/node_modules/pyodide"
        shutil.copyfile(full / "python_stdlib.zip", web / "runtime" / "python_stdlib.zip")
        with _serve(web) as url, sync_playwright() as pw:
            browser = launch(pw)
            try:
                modules = _play(browser.new_page(), url)
            finally:
                browser.close()
    data = {
        "runtime": f"Pyodide {PYODIDE_VERSION} with pygame-ce {wheel.name}",
        "source": "sys.modules loaded from /lib/python312.zip after the game's first frames, a "
        "tap into a run and a formatted Python error, in headless Chromium",
        "regenerate": "python -m bridge.build.stdlib --measure-pyodide --wheel PATH",
        "modules": modules,
    }
    out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return modules
