"""Fixtures of the emulator's tests: ``python -m bridge.native`` on a free port and its page.

Packages live in ``packages/`` (hand-written); ``package()`` copies one into a temporary folder
so a test can add generated files (wasm modules, big files) without touching the repository.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import brotli
import pytest

from bridge.chromium import CHROMIUM_ARGS
from tests.bridge.conftest import ROOT, free_port, running

PACKAGES = Path(__file__).resolve().parent / "packages"
WAIT_MS = 60_000  # generous: CI shares two cores with other work

# (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
ADD_WASM = bytes.fromhex(
    "0061736d01000000"  # magic, version 1
    "01070160027f7f017f"  # type section: (i32, i32) -> i32
    "03020100"  # function section: one function of type 0
    "070701036164640000"  # export section: "add" = function 0
    "0a09010700200020016a0b"  # code: local.get 0, local.get 1, i32.add, end
)
EMPTY_WASM = b"\x00asm\x01\x00\x00\x00"


def package(name: str, tmp: Path) -> Path:
    """A copy of ``packages/<name>`` in ``tmp``, ready for generated files."""
    target = tmp / name
    shutil.copytree(PACKAGES / name, target)
    return target


def wasm_package(tmp: Path) -> Path:
    """The wasm package with its generated modules: empty.wasm and engine/add.wasm.br."""
    root = package("wasm", tmp)
    (root / "empty.wasm").write_bytes(EMPTY_WASM)
    (root / "engine" / "add.wasm.br").write_bytes(brotli.compress(ADD_WASM))
    return root


@dataclass
class Emulator:
    url: str
    log: Path
    state: Path


@contextlib.contextmanager
def emulator(root: Path, server: str, tmp: Path, *extra: str) -> Iterator[Emulator]:
    """``python -m bridge.native root`` against ``server`` until the block ends."""
    port = free_port()
    state = tmp / "state"
    command = [sys.executable, "-m", "bridge.native", str(root), "--port", str(port)]
    command += ["--server", server, "--state", str(state), *extra]
    url = f"http://127.0.0.1:{port}"
    log = tmp / f"emulator-{port}.log"
    with running(command, dict(os.environ), f"{url}/__emu/package", log):
        yield Emulator(url, log, state)


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Any]:
    """Headless Chromium that plays sound without a click (a device has no autoplay policy)."""
    from playwright.sync_api import sync_playwright

    args = [*CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"]
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=chromium_path, headless=True, args=args)
        try:
            yield chromium
        finally:
            chromium.close()


def open_page(browser: Any, url: str) -> Any:
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.set_default_timeout(WAIT_MS)
    page.goto(url + "/")
    return page


def status(page: Any) -> dict[str, Any]:
    return dict(page.evaluate("() => window.nativeEmulator.status"))


def wait_state(page: Any, *states: str) -> dict[str, Any]:
    # Function predicates only: Playwright evaluates string ones with eval, which the CSP forbids.
    page.wait_for_function(
        "(states) => states.includes(window.nativeEmulator.status.state)", arg=list(states)
    )
    return status(page)


def wait_console(page: Any, needle: str) -> str:
    """Waits for a console line containing ``needle``; returns it."""
    page.wait_for_function(
        "(needle) => window.nativeEmulator.status.console.some((l) => l.text.includes(needle))",
        arg=needle,
    )
    return next(line for line in console(page) if needle in line)


def console(page: Any) -> list[str]:
    return [line["text"] for line in status(page)["console"]]


__all__ = ["ROOT", "Emulator", "emulator", "package", "wasm_package"]
