"""The native package's adapter pieces in the emulator, without pygame-ce's wheel.

A test package made of the package's own adapter.js, webassembly.js, screen.js and ttaudio.js
with a game.js that exercises them and logs what it saw: fetch over the file system (and reads
that wait for a subpackage), URL and TextDecoder, the precompiled-module table (Emscripten's
addFunction path), the bytes -> package path table, the screen element's touches, and sounds
paused while the app is hidden. Then Pyodide itself (from the build's npm cache) boots in the
emulator through the same adapter, every module it makes from bytes answered by the table.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import brotli
import pytest

from bridge.build import native, precompiled
from bridge.build.options import BuildOptions
from tests.bridge.conftest import PYODIDE_DIR
from tests.bridge.native.conftest import (
    ADD_WASM,
    console,
    emulator,
    status,
    wait_console,
    wait_state,
)
from tests.bridge.native_package.conftest import PLAYING, open_page
from tests.bridge.test_build import FAKE_WHEEL_NAME, fake_wheel

pytestmark = [pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[3]
PACKAGE_JS = ROOT / "bridge" / "native_package"
NO_SERVER = "http://127.0.0.1:9"  # these packages make no requests
STUB = b"\0asm\1\0\0\0 a side module's first bytes"

GAME_JS = r"""
var adapter = require('./adapter.js');
var webassembly = require('./webassembly.js');
var screen = require('./screen.js');
var manifest = require('./manifest.js');
require('./ttaudio.js');
var g = TTMinis.game;
var seen = {};
function report(name, value) { seen[name] = value; }
function message(error) { return String(error && error.message ? error.message : error); }

// Emscripten's convertJsFunctionToWasm, as pyodide.asm.js writes the bytes (no WebAssembly.Function).
function wrapperBytes(sig) {
  var codes = { i: 127, p: 127, j: 126, f: 125, d: 124 };
  var type = [1, 96, sig.length - 1];
  for (var i = 1; i < sig.length; i++) { type.push(codes[sig[i]]); }
  if (sig[0] === 'v') { type.push(0); } else { type.push(1, codes[sig[0]]); }
  return new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, type.length].concat(type,
    [2, 7, 1, 1, 101, 1, 102, 0, 0, 7, 5, 1, 1, 102, 0, 0]));
}

var sub = new Promise(function (resolve, reject) {
  setTimeout(function () { g.loadSubpackage({ name: 'sub', success: resolve, fail: reject }); }, 300);
});
adapter.install({ aliases: { 'sub/add.wasm': 'sub/add.wasm.br' }, loading: { sub: sub } });
var wasm = webassembly.create(TTWebAssembly, manifest);
GameGlobal.WebAssembly = wasm.shim;
var canvas = g.createCanvas();
var element = screen.createElement(g, canvas);

Promise.resolve().then(function () {
  return fetch(adapter.packageUrl('data/hello.txt'));
}).then(function (response) {
  report('fetch', { ok: response.ok, status: response.status, url: response.url });
  return response.text();
}).then(function (text) {
  report('text', text);
  return fetch('https://example.com/data.json').then(function () { return 'fetched'; }, message);
}).then(function (refused) {
  report('remote', refused);
  var before = Date.now();
  return fetch(adapter.packageUrl('sub/note.txt')).then(function (r) { return r.text(); })
    .then(function (text) { report('waited', { text: text, ms: Date.now() - before }); });
}).then(function () {
  report('url', new URL('../sub/./x.wasm?v=1', adapter.packageUrl('data/hello.txt')).href);
  report('utf8', new TextDecoder().decode(new Uint8Array([0x42, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80])));
  report('utf16', new TextDecoder('utf-16le').decode(new Uint8Array([0x48, 0, 0x69, 0])));
  var controller = new AbortController();
  controller.abort();
  report('abort', controller.signal.aborted);
  return wasm.precompile();
}).then(function () {
  var sums = [];
  var module = new WebAssembly.Module(wrapperBytes('vii'));
  var instance = new WebAssembly.Instance(module, { e: { f: function (a, b) { sums.push(a + b); } } });
  instance.exports.f(2, 3);
  var table = new WebAssembly.Table({ initial: 1, element: 'anyfunc' });
  table.set(0, instance.exports.f);  // what addFunction does with it
  table.get(0)(10, 20);
  report('table', { sums: sums, isModule: module instanceof WebAssembly.Module,
                    isInstance: instance instanceof WebAssembly.Instance });
  try {
    new WebAssembly.Module(wrapperBytes('vfd'));
    report('miss', 'compiled');
  } catch (e) {
    report('miss', message(e));
  }
  return adapter.readFile('stub.bin');
}).then(function (stub) {
  return WebAssembly.instantiate(new Uint8Array(stub), {});
}).then(function (result) {
  report('byBytes', result.instance.exports.add(2, 40));
  return WebAssembly.instantiateStreaming(fetch(adapter.packageUrl('sub/add.wasm')), {});
}).then(function (result) {
  report('streaming', result.instance.exports.add(1, 1));
  report('stats', { precompiled: wasm.stats.precompiled, misses: wasm.stats.misses.length,
                    instantiated: wasm.stats.instantiated });
  var rect = element.getBoundingClientRect();
  report('element', { width: element.width, height: element.height, rect: [rect.width, rect.height] });
  element.addEventListener('touchstart', function (event) {
    var t = event.changedTouches[0];
    console.log('TOUCH ' + JSON.stringify({ type: event.type, x: t.clientX, y: t.clientY,
      id: typeof t.identifier, touches: event.touches.length, target: event.target === element }));
  });
  report('audio', TTAudio.available() && TTAudio.load('music', 'music.ogg', true));
  TTAudio.play('music', 0.5);
}).then(function () {
  console.log('ADAPTER ' + JSON.stringify(seen));
}, function (error) {
  console.log('ADAPTER ' + JSON.stringify({ failed: message(error) + ' ' + error.stack, seen: seen }));
});
"""


def adapter_package(tmp: Path) -> Path:
    root = tmp / "adapter"
    (root / "data").mkdir(parents=True)
    (root / "sub").mkdir()
    for name in ("adapter.js", "text.js", "webassembly.js", "screen.js"):
        shutil.copyfile(PACKAGE_JS / name, root / name)
    shutil.copyfile(ROOT / "bridge" / "js" / "ttaudio.js", root / "ttaudio.js")
    shutil.copyfile(ROOT / "assets" / "sounds" / "music.ogg", root / "music.ogg")
    (root / "game.js").write_text(GAME_JS)
    (root / "game.json").write_text(json.dumps({"subpackages": [{"name": "sub", "root": "sub/"}]}))
    (root / "project.config.json").write_text(json.dumps({"appid": "adapter-test"}))
    (root / "data" / "hello.txt").write_text("hello from the package")
    (root / "stub.bin").write_bytes(STUB)
    (root / "sub" / "game.js").write_text("module.exports = {};\n")
    (root / "sub" / "note.txt").write_text("a subpackage's file")
    (root / "sub" / "add.wasm.br").write_bytes(brotli.compress(ADD_WASM))
    (root / "fn").mkdir()
    table = [precompiled.Precompiled("f-vii", precompiled.function_module("vii"))]
    for entry in table:
        (root / "fn" / f"{entry.name}.wasm").write_bytes(entry.data)
    manifest = {
        "byBytes": {precompiled.key(STUB): "sub/add.wasm.br"},
        "precompiled": [{"key": e.key, "path": f"fn/{e.name}.wasm"} for e in table],
    }
    (root / "manifest.js").write_text(f"module.exports = {json.dumps(manifest)};\n")
    return root


def result(page: Any, prefix: str) -> dict[str, Any]:
    line = wait_console(page, prefix)
    return dict(json.loads(line[line.index(prefix) + len(prefix) :]))


def test_the_adapter_in_the_emulator(browser: Any, tmp_path: Path) -> None:
    with emulator(adapter_package(tmp_path), NO_SERVER, tmp_path) as emu:
        page = open_page(browser, emu.url + "/")
        assert wait_state(page, "running", "failed")["state"] == "running"
        seen = result(page, "ADAPTER ")
        assert "failed" not in seen, seen
        assert seen["fetch"] == {"ok": True, "status": 200, "url": "ttpkg://package/data/hello.txt"}
        assert seen["text"] == "hello from the package"
        assert "package files only" in seen["remote"] and "TTMinis.game.request" in seen["remote"]
        assert seen["waited"]["text"] == "a subpackage's file", "read once the subpackage is in"
        assert seen["url"] == "ttpkg://package/sub/x.wasm?v=1"
        assert seen["utf8"] == "B€😀" and seen["utf16"] == "Hi" and seen["abort"] is True
        assert seen["table"] == {"sums": [5, 30], "isModule": True, "isInstance": True}
        key = precompiled.key(precompiled.function_module("vfd"))
        assert "not a module of this package" in seen["miss"] and key in seen["miss"]
        assert seen["byBytes"] == 42 and seen["streaming"] == 2
        assert seen["stats"] == {
            "precompiled": 1,
            "misses": 1,
            "instantiated": ["sub/add.wasm.br", "sub/add.wasm.br"],
        }
        assert seen["element"] == {"width": 360, "height": 640, "rect": [360, 640]}
        assert seen["audio"] is True

        box = page.locator("#screen").bounding_box()
        page.mouse.click(box["x"] + 100, box["y"] + 200)
        touch = result(page, "TOUCH ")
        assert touch == {"type": "touchstart", "x": 100, "y": 200, "id": "number",
                         "touches": 1, "target": True}  # fmt: skip

        page.wait_for_function(PLAYING)  # TTAudio plays through createInnerAudioContext
        page.click("text=Hide app")
        page.wait_for_function(f"() => !({PLAYING})()")  # paused while the app is hidden
        page.click("text=Show app")
        page.wait_for_function(PLAYING)
        assert status(page)["errors"] == []


def runtime_package(tmp: Path) -> Path:
    """Pyodide's runtime subpackage as the build writes it, with a game.js that boots it."""
    root = tmp / "pyodide"
    (root / "runtime").mkdir(parents=True)
    (root / "runtime" / "game.js").write_text(native.SUBPACKAGE_JS["runtime"])
    for name in ("adapter.js", "text.js", "webassembly.js"):
        shutil.copyfile(PACKAGE_JS / name, root / name)
    assert PYODIDE_DIR is not None
    opts = BuildOptions(root=ROOT, out=root, wheel=fake_wheel(tmp / FAKE_WHEEL_NAME))
    runtime_js = native._runtime(opts, PYODIDE_DIR, root)
    table = precompiled.table(runtime_js, [(PYODIDE_DIR / "pyodide.asm.wasm").read_bytes()])
    (root / "runtime" / "fn").mkdir()
    for entry in table:
        (root / "runtime" / "fn" / f"{entry.name}.wasm").write_bytes(entry.data)
    (root / "lib").mkdir()  # the runtime subpackage is full: the standard library in its own
    (root / "lib" / "game.js").write_text("module.exports = {};\n")
    shutil.copyfile(PYODIDE_DIR / "python_stdlib.zip", root / "lib" / "python_stdlib.zip")
    manifest = {
        "byBytes": {},
        "precompiled": [{"key": e.key, "path": f"runtime/fn/{e.name}.wasm"} for e in table],
    }
    (root / "manifest.js").write_text(f"module.exports = {json.dumps(manifest)};\n")
    (root / "game.js").write_text(PYODIDE_GAME_JS)
    (root / "game.json").write_text(
        json.dumps({"subpackages": [{"name": n, "root": f"{n}/"} for n in ("runtime", "lib")]})
    )
    (root / "project.config.json").write_text(json.dumps({"appid": "pyodide-test"}))
    return root


PYODIDE_GAME_JS = r"""
var adapter = require('./adapter.js');
var webassembly = require('./webassembly.js');
var manifest = require('./manifest.js');
var lib = new Promise(function (resolve) { TTMinis.game.loadSubpackage({ name: 'lib', success: resolve }); });
adapter.install({ aliases: { 'runtime/pyodide.asm.wasm': 'runtime/pyodide.asm.wasm.br' },
                  loading: { lib: lib } });
var wasm = webassembly.create(TTWebAssembly, manifest);
GameGlobal.WebAssembly = wasm.shim;
TTMinis.game.loadSubpackage({
  name: 'runtime',
  success: function () {
    wasm.precompile().then(function () {
      return loadPyodide({
        indexURL: adapter.packageUrl('runtime/'),
        lockFileURL: adapter.packageUrl('runtime/pyodide-lock.json'),
        stdLibURL: adapter.packageUrl('lib/python_stdlib.zip')
      });
    }).then(function (pyodide) {
      var answer = pyodide.runPython('import sys, json; json.dumps([sys.platform, 6 * 7])');
      console.log('PYODIDE ' + JSON.stringify({ answer: JSON.parse(answer), misses: wasm.stats.misses,
        precompiled: wasm.stats.precompiled, unavailable: wasm.stats.unavailable.length }));
    }).catch(function (error) { console.log('PYODIDE ' + JSON.stringify({ failed: String(error.stack) })); });
  }
});
"""


@pytest.mark.slow
@pytest.mark.skipif(PYODIDE_DIR is None, reason="Pyodide is not in the build's npm cache")
def test_pyodide_boots_through_the_adapter_with_a_complete_table(
    browser: Any, tmp_path: Path
) -> None:
    with emulator(runtime_package(tmp_path), NO_SERVER, tmp_path) as emu:
        page = open_page(browser, emu.url + "/")
        assert wait_state(page, "running", "failed")["state"] == "running"
        booted = result(page, "PYODIDE ")
        assert "failed" not in booted, booted
        assert booted["answer"] == ["emscripten", 42]
        assert booted["misses"] == [], "every module Pyodide made from bytes was in the table"
        assert booted["precompiled"] + booted["unavailable"] > 2
        assert not [line for line in console(page) if "wasm instantiation failed" in line]
