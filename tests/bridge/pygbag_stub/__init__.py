"""A stand-in for pygbag 0.9.3's runtime, for the browser tests (tests/bridge/test_page.py).

``pythons.js``, ``main.js`` (its ``cpython312/main.js``) and ``cpythonrc.py`` follow the real files'
order on Pyodide; the helpers here lay them out as pygbag's CDN does, with a pygame-ce wheel.
"""

from __future__ import annotations

import json
import random
import shutil
import socket
import zipfile
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from bridge.build.options import PYGBAG_VERSION
from bridge.build.stdlib import pygbag_modules

STUB = Path(__file__).resolve().parent
WHEEL_NAME = "pygame_ce-2.5.7.dev1-cp312-cp312-wasm32_bi_emscripten.whl"
STAND_IN = "stand-in pygame-ce: the real wheel is opt-in (PYGAME_WASM_WHEEL)"
# What window.stubLog holds after a boot that reached main.py.
BOOT_ORDER = [
    "pythons.js", "custom_onload", "main.js", "cpythonrc.py", "page script", "run __main__.py",
    "install pygame", "patch pygame.base", "run main.py",
]  # fmt: skip


def stand_in_wheel(path: Path) -> Path:
    """pygame-ce as a wheel whose import raises: proof that main.py ran with it installed."""
    info = "pygame_ce-2.5.7.dev1.dist-info"
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr("pygame/__init__.py", f"raise ImportError({STAND_IN!r})\n")
        wheel.writestr(
            f"{info}/METADATA", "Metadata-Version: 2.1\nName: pygame-ce\nVersion: 2.5.7.dev1\n"
        )
        wheel.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: false\n")
        wheel.writestr(f"{info}/RECORD", "")
    return path


def stub_runtime(directory: Path, wheel: Path) -> Path:
    """The stand-in in pygbag's CDN layout: also a valid ``--runtime-dir``."""
    version = directory / PYGBAG_VERSION
    (version / "cpython312").mkdir(parents=True)
    shutil.copyfile(STUB / "pythons.js", version / "pythons.js")
    shutil.copyfile(STUB / "cpythonrc.py", version / "cpythonrc.py")
    shutil.copyfile(STUB / "main.js", version / "cpython312" / "main.js")
    # main.data holds pygbag's standard library; the stand-in's holds the list of its modules.
    (version / "cpython312" / "main.data").write_text("\n".join(sorted(pygbag_modules())))
    (version / "cpython312" / "main.wasm").write_text("/* the stand-in runs Pyodide */\n")
    (version / "empty.html").write_text("<!doctype html>\n")
    index = {"-CDN-": "https://pygame-web.github.io/cdn/",
             "pygame": "cp312/pygame_ce-2.5.7.dev1-<abi>-<abi>-<api>.whl"}  # fmt: skip
    (directory / f"index-{PYGBAG_VERSION}-cp312.json").write_text(json.dumps(index))
    (directory / "cp312").mkdir()
    shutil.copyfile(wheel, directory / "cp312" / WHEEL_NAME)
    return directory


class CdnHandler(SimpleHTTPRequestHandler):
    """A CDN: static files with CORS (module scripts and wheels from another origin need it)."""

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def port_8xxx() -> int:
    """A free port from 8100-8999: pygbag treats http://localhost:8… pages specially."""
    for port in random.sample(range(8100, 9000), 900):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip("no free port in 8100-8999")
