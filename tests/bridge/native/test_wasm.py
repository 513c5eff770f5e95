"""TTWebAssembly in the emulator: package paths only, brotli from a subpackage, no bytes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.bridge.native.conftest import (
    console,
    emulator,
    open_page,
    wait_console,
    wait_state,
    wasm_package,
)

pytestmark = [pytest.mark.browser]
NO_SERVER = "http://127.0.0.1:9"


def test_bytes_are_refused_and_a_wasm_br_from_a_subpackage_runs(
    browser: Any, tmp_path: Path
) -> None:
    root = wasm_package(tmp_path)
    (root / "engine" / "filler.bin").write_bytes(b"\x01" * 600_000)  # a download worth reporting
    with emulator(root, NO_SERVER, tmp_path) as emu:
        page = open_page(browser, emu.url)
        state = wait_state(page, "running", "failed")
        assert state["state"] == "running", state["errors"]
        assert "sync Instance add(40, 2) = 42" in wait_console(page, "sync Instance")
        lines = console(page)
        assert "typeof WebAssembly: undefined" in lines
        assert "Module from bytes: TypeError" in lines
        bytes_line = next(x for x in lines if x.startswith("instantiate bytes: "))
        assert "TypeError" in bytes_line and "path of a .wasm or .wasm.br file" in bytes_line
        assert any(x.startswith("instantiate ArrayBuffer: TypeError") for x in lines)
        before = next(x for x in lines if x.startswith("before loadSubpackage: "))
        assert "no such file in the package: engine/add.wasm.br" in before
        assert "main package empty.wasm: true" in lines
        assert "constructor escape: closed" in lines
        assert any(x.startswith("progress 100 of ") and "bytes" in x for x in lines)
        assert "progress went back" not in lines
        loaded = wait_console(page, "loadSubpackage ")
        assert loaded == "loadSubpackage loadSubpackage:ok last progress 100 engine true"
        assert "add(2, 3) = 5 from engine/util.js" in wait_console(page, "add(2, 3)")
        # The stats come from the worker four times a second.
        page.wait_for_function(
            "() => window.nativeEmulator.status.bytesDownloaded >= 600000"
            " && window.nativeEmulator.status.calls['TTWebAssembly.instantiate'] >= 4"
        )
        assert page.evaluate("() => window.nativeEmulator.status.errors") == []
        page.close()


def test_a_wasm_br_that_is_not_brotli_is_a_clear_error(browser: Any, tmp_path: Path) -> None:
    root = wasm_package(tmp_path)
    (root / "engine" / "add.wasm.br").write_bytes(b"\x00asm not brotli at all")
    with emulator(root, NO_SERVER, tmp_path) as emu:
        page = open_page(browser, emu.url)
        assert "instantiate failed" in wait_console(page, "instantiate failed")
        page.close()
