"""Figures, not assertions: frames presented per second when a package pushes a whole frame of
pixels each frame (what a Pyodide game does), package reads, and compiling Pyodide's wasm from a
.wasm.br file when Pyodide is cached. Run with -s to see them."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import brotli
import pytest

from tests.bridge.conftest import PYODIDE_DIR
from tests.bridge.native.conftest import emulator, open_page, wait_console, wait_state

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SECONDS = 3

GAME_JS = """
var game = TTMinis.game;
var canvas = game.createCanvas();
var SCALE = %(scale)d;
canvas.width = 360 * SCALE;
canvas.height = 640 * SCALE;
var ctx = canvas.getContext('2d');
var image = ctx.createImageData(canvas.width, canvas.height);
var pixels = new Uint32Array(image.data.buffer);
var fs = game.getFileSystemManager();
var t0 = Date.now();
var bytes = fs.readFileSync('blob.bin').byteLength;
console.log('bench readFileSync ' + bytes + ' bytes ' + (Date.now() - t0) + ' ms');
var frames = 0;
var start = 0;
function frame(time) {
  for (var i = 0; i < pixels.length; i += 97) { pixels[i] = 0xff000000 | (frames * 2654435761 + i); }
  ctx.putImageData(image, 0, 0);
  frames += 1;
  if (!start) { start = Date.now(); }
  if (Date.now() - start < %(seconds)d * 1000) {
    requestAnimationFrame(frame);
  } else {
    console.log('bench frames ' + frames + ' in ' + (Date.now() - start) + ' ms');
  }
}
requestAnimationFrame(frame);
if (%(wasm)s) {
  var l0 = Date.now();
  game.loadSubpackage({ name: 'engine', success: function () {
    console.log('bench loadSubpackage engine ' + (Date.now() - l0) + ' ms');
  } });
}
"""

ENGINE_JS = """
var c0 = Date.now();
TTWebAssembly.compile('engine/pyodide.asm.wasm.br').then(function () {
  console.log('bench compile engine/pyodide.asm.wasm.br ' + (Date.now() - c0) + ' ms');
}, function (e) { console.log('bench compile failed ' + e.message); });
"""


def bench_package(root: Path, scale: int, wasm: bool) -> Path:
    root.mkdir()
    subpackages = [{"name": "engine", "root": "engine"}] if wasm else []
    (root / "game.json").write_text(json.dumps({"subpackages": subpackages}))
    (root / "project.config.json").write_text(json.dumps({"appid": "tt-bench"}))
    (root / "blob.bin").write_bytes(os.urandom(1536 * 1024))
    values = {"scale": scale, "seconds": SECONDS, "wasm": "true" if wasm else "false"}
    (root / "game.js").write_text(GAME_JS % values)
    if wasm and PYODIDE_DIR is not None:
        (root / "engine").mkdir()
        (root / "engine" / "game.js").write_text(ENGINE_JS)
        raw = (PYODIDE_DIR / "pyodide.asm.wasm").read_bytes()
        (root / "engine" / "pyodide.asm.wasm.br").write_bytes(brotli.compress(raw, quality=5))
    return root


@pytest.mark.parametrize("scale", [1, 2])
def test_bench_frames_and_reads(browser: Any, tmp_path: Path, scale: int) -> None:
    wasm = scale == 1 and PYODIDE_DIR is not None
    root = bench_package(tmp_path / "bench", scale, wasm)
    with emulator(root, "http://127.0.0.1:9", tmp_path) as emu:
        page = open_page(browser, emu.url)
        state = wait_state(page, "running", "failed", "refused")
        assert state["state"] == "running", (state["errors"], state["refusals"])
        frames = wait_console(page, "bench frames")
        count, ms = int(frames.split()[2]), int(frames.split()[4])
        print(f"\n[native bench] {360 * scale}x{640 * scale} putImageData every frame: "
              f"{count * 1000 / ms:.1f} frames/s ({count} in {ms} ms)")  # fmt: skip
        print(f"[native bench] {wait_console(page, 'bench readFileSync')}")
        if wasm:
            print(f"[native bench] {wait_console(page, 'bench loadSubpackage')}")
            print(f"[native bench] {wait_console(page, 'bench compile')}")
        page.close()
