"""``python -m bridge.build --target tiktok-native``: the package's layout, limits and options,
and the precompiled-module table (bridge/build/native.py, precompiled.py, compress.py).

A stand-in project, Pyodide and wheel (tests/bridge/test_build.py's) keep these fast; the real
game in the emulator is tests/bridge/test_native_game.py (opt-in).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import brotli
import pytest

from bridge.build import BuildError, build, native, precompiled
from bridge.build.__main__ import main
from bridge.build.compress import brotli_cached
from bridge.build.options import NATIVE, PYODIDE_VERSION
from bridge.check import check
from tests.bridge.conftest import PYODIDE_DIR
from tests.bridge.test_build import (
    FAKE_WHEEL_NAME,
    _name,
    _section,
    _uleb,
    fake_npm_cache,
    make_project,
    options,
)

ROOT = Path(__file__).resolve().parents[2]
SIDE = "pygame/base.cpython-312-wasm32-emscripten.so"

# What Pyodide 0.27.7's convertJsFunctionToWasm compiled in a real run of the game (logged at
# run time): the "v" and "viiiiii" wrappers.
MEASURED = {
    "v": [0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 2, 7, 1, 1, 101, 1, 102, 0, 0, 7, 5,
          1, 1, 102, 0, 0],
    "viiiiii": [0, 97, 115, 109, 1, 0, 0, 0, 1, 10, 1, 96, 6, 127, 127, 127, 127, 127, 127, 0, 2,
                7, 1, 1, 101, 1, 102, 0, 0, 7, 5, 1, 1, 102, 0, 0],
}  # fmt: skip
COUNT_ARGS = [0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0]
RUNTIME_JS = (
    'function _emscripten_sleep(ms){}_emscripten_sleep.sig="vi";'
    'var _glClear=x=>{};_glClear.sig="vi";'
    'function ___cxa_throw(a,b,c){}___cxa_throw.sig="vppp";'
    'function _js_only(){}_js_only.sig="iiiii";'
    "function getPyEMCountArgsPtr(){let isIOS=false;const code=new Uint8Array(["
    + ",".join(map(str, COUNT_ARGS))
    + "]);return 0}"
)


def module_with_imports(got_funcs: list[str], first: bytes = b"") -> bytes:
    """A wasm module importing ``got_funcs`` from GOT.func (and a function from env)."""
    imports = [_name("GOT.func") + _name(name) + bytes([3, 0x7F, 1]) for name in got_funcs]
    imports.append(_name("env") + _name("emscripten_sleep") + bytes([0, 0]))
    types = _section(1, [bytes([0x60, 1, 0x7F, 0])])
    return b"\0asm\x01\0\0\0" + first + types + _section(2, imports)


def side_module() -> bytes:
    """A side module: ``dylink.0`` first (what Pyodide reads from the file), then the rest."""
    dylink = _name("dylink.0") + bytes([1, 4, 0, 0, 0, 0])
    first = bytes([0]) + _uleb(len(dylink)) + dylink
    return module_with_imports(["glClear", "__cxa_throw", "not_js"], first) + b"\0" * 4000


def fake_wheel(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr(SIDE, side_module())
        wheel.writestr("pygame/__init__.py", "from .base import *\n")
    return path


def fake_native_cache(cache: Path) -> Path:
    """test_build's stand-in Pyodide with what the native build reads besides: a main module
    with GOT.func imports, the runtime's `.sig` annotations and a lock file."""
    fake_npm_cache(cache)
    package = cache / f"pyodide-{PYODIDE_VERSION}" / "node_modules" / "pyodide"
    asm = package / "pyodide.asm.js"
    asm.write_text(asm.read_text() + RUNTIME_JS)
    (package / "pyodide.asm.wasm").write_bytes(module_with_imports(["emscripten_sleep", "js_only"]))
    (package / "pyodide-lock.json").write_text(
        json.dumps({"info": {"version": "0.27.7"}, "packages": {"numpy": {}}})
    )
    return cache


def make_game_project(root: Path) -> Path:
    make_project(root)
    (root / "assets" / "sounds").mkdir(parents=True)
    (root / "assets" / "sounds" / "jump.ogg").write_bytes(b"OggS fake")
    return root


def native_options(tmp: Path, **kwargs: object) -> dict[str, object]:
    return {
        "target": NATIVE,
        "runtime": "pyodide",
        "wheel": fake_wheel(tmp / FAKE_WHEEL_NAME),
        "npm_cache": fake_native_cache(tmp / "cache"),
        "server_origin": "http://127.0.0.1:8000",
        "bytecode": False,  # needs the real Pyodide under node: tests/bridge/test_bytecode.py
        **kwargs,
    }


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("native")
    out = tmp / "package"
    build(options(make_game_project(tmp / "project"), out, **native_options(tmp)))
    return out


def manifest(out: Path) -> dict[str, object]:
    text = (out / "manifest.js").read_text()
    body = text[text.index("module.exports = ") + len("module.exports = ") : text.rindex(";")]
    return dict(json.loads(body))


def test_the_package_layout(package: Path) -> None:
    assert json.loads((package / "game.json").read_text()) == {
        "deviceOrientation": "portrait",
        "subpackages": [
            {"name": "runtime", "root": "runtime/"},
            {"name": "python", "root": "python/"},
        ],
    }
    assert json.loads((package / "project.config.json").read_text())["appid"] == native.DEV_APPID
    for name in ("game.js", "adapter.js", "text.js", "webassembly.js", "screen.js", "boot.js", "ttbridge.js",
                 "ttaudio.js", "manifest.js", "beanhop.zip", "assets/sounds/jump.ogg",
                 "runtime/game.js", "runtime/pyodide.js", "runtime/pyodide.asm.js",
                 "runtime/pyodide.asm.wasm.br", "runtime/pyodide-lock.json",
                 "python/game.js", "python/python_stdlib.zip", f"python/{FAKE_WHEEL_NAME}",
                 "python/pygame-base.wasm.br"):  # fmt: skip
        assert (package / name).is_file(), name
    assert not (package / "runtime" / "pyodide.asm.wasm").exists(), "wasm ships as brotli only"
    lock = json.loads((package / "runtime" / "pyodide-lock.json").read_text())
    assert lock == {"info": {"version": "0.27.7"}, "packages": {}}
    with zipfile.ZipFile(package / "beanhop.zip") as app:
        names = app.namelist()
    assert "game/main.py" in names and "assets/sprites/bean.png" in names
    assert not [n for n in names if n.startswith("assets/sounds/")], "sounds are package files"
    asm = (package / "runtime" / "pyodide.asm.js").read_text()
    assert "eval(" not in asm, "the eval-free runtime"


def test_the_side_module_ships_once_as_brotli_and_as_a_stub(package: Path) -> None:
    module = side_module()
    assert brotli.decompress((package / "python" / "pygame-base.wasm.br").read_bytes()) == module
    with zipfile.ZipFile(package / "python" / FAKE_WHEEL_NAME) as wheel:
        stub = wheel.read(SIDE)
        assert wheel.read("pygame/__init__.py") == b"from .base import *\n"
    assert module.startswith(stub) and stub[8] == 0 and b"dylink.0" in stub
    assert len(stub) < 40, "only the header and the dylink.0 section stay in the wheel"
    data = manifest(package)
    assert data["byBytes"] == {precompiled.key(stub): "python/pygame-base.wasm.br"}
    assert data["sideModule"] == "python/pygame-base.wasm.br"


def test_the_precompiled_table_is_in_the_package(package: Path) -> None:
    data = manifest(package)
    entries = data["precompiled"]
    assert isinstance(entries, list)
    names = {Path(e["path"]).name for e in entries}
    # The main module's GOT.func imports of JS functions (emscripten_sleep, js_only), the side
    # module's (glClear, __cxa_throw; "not_js" is wasm: no wrapper), the two probes.
    assert names == {"empty.wasm", "count-args.wasm", "f-vi.wasm", "f-viii.wasm", "f-iiiii.wasm"}
    for entry in entries:
        body = (package / entry["path"]).read_bytes()
        assert entry["path"].startswith("runtime/fn/") and precompiled.key(body) == entry["key"]
    assert (package / "runtime" / "fn" / "count-args.wasm").read_bytes() == bytes(COUNT_ARGS)
    assert data["serverOrigin"] == "http://127.0.0.1:8000" and data["dev"] is True
    assert data["aliases"] == {"runtime/pyodide.asm.wasm": "runtime/pyodide.asm.wasm.br"}


def test_the_package_passes_the_checker_with_zero_findings(package: Path) -> None:
    report = check(package, target="native")
    assert report.violations == [] and report.allowed == []
    done = subprocess.run(
        [sys.executable, "-m", "bridge.check", str(package), "--target", "native"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_size_table_names_each_part_and_its_limit(package: Path) -> None:
    table = native.summary(package)
    for part in ("main package", "subpackage runtime", "subpackage python", "total"):
        assert re.search(rf"{part} +\d+\.\d\d MB +(4|30)\.00 MB", table), table
    assert "largest files:" in table and re.search(r"\n  \d+ files$", table), table


def test_a_subpackage_over_the_limit_fails_the_build(tmp_path: Path) -> None:
    kwargs = native_options(tmp_path)
    stdlib = Path(str(kwargs["npm_cache"])) / f"pyodide-{PYODIDE_VERSION}/node_modules/pyodide"
    noise = base64.b64encode(os.urandom(4_500_000)).decode()  # barely compressible
    with zipfile.ZipFile(stdlib / "python_stdlib.zip", "w") as archive:  # json: the app needs it
        archive.writestr("json/__init__.py", f"# {noise}\n")
    with pytest.raises(BuildError, match=r"subpackage 'python' is \d+\.\d+ MB, the limit is 4 MB"):
        build(options(make_game_project(tmp_path / "p"), tmp_path / "out", **kwargs))
    assert not (tmp_path / "out").exists(), "nothing half-built is left behind"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"wheel": None}, "needs the pygame-ce wasm wheel"),
        ({"server_origin": None}, "game server's http(s) origin"),
        ({"server_origin": "https://api.example/v1"}, "game server's http(s) origin"),
        ({"server_origin": "ftp://api.example"}, "game server's http(s) origin"),
        ({"mode": "release", "appid": "tt123"}, "a release talks to an https server only"),
        ({"mode": "release", "server_origin": "https://api.example"}, "--appid ID or env TIKTOK_APP_ID"),
        ({"runtime_dir": Path("/tmp")}, "--runtime-dir is pygbag's"),
    ],
)  # fmt: skip
def test_bad_native_options_are_clear_errors(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    kwargs = {**native_options(tmp_path), **change}
    with pytest.raises(BuildError, match=re.escape(message)):
        build(options(make_game_project(tmp_path / "p"), tmp_path / "out", **kwargs))


def test_a_release_without_an_appid_stops_before_building(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_game_project(tmp_path / "p")
    wheel = fake_wheel(tmp_path / FAKE_WHEEL_NAME)
    monkeypatch.delenv("TIKTOK_APP_ID", raising=False)
    argv = ["--root", str(root), "--target", NATIVE, "--release", "--wheel", str(wheel),
            "--server-origin", "https://api.beanhop.example", "--out", str(tmp_path / "out")]  # fmt: skip
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "--appid ID or env TIKTOK_APP_ID" in err
    assert "Traceback" not in err and not (tmp_path / "out").exists()


def test_the_appid_comes_from_the_option_or_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bridge.build.__main__ import _parser

    monkeypatch.setenv("TIKTOK_APP_ID", "tt0123456789")
    assert _parser().parse_args(["--target", NATIVE]).appid == "tt0123456789"
    assert _parser().parse_args(["--appid", "tt42"]).appid == "tt42"
    out = tmp_path / "release"
    kwargs = native_options(tmp_path, mode="release", appid="tt42",
                            server_origin="https://api.beanhop.example")  # fmt: skip
    build(options(make_game_project(tmp_path / "p"), out, **kwargs))
    assert json.loads((out / "project.config.json").read_text())["appid"] == "tt42"
    assert manifest(out)["dev"] is False
    assert manifest(out)["serverOrigin"] == "https://api.beanhop.example"


def test_the_default_output_is_dist_tiktok_native() -> None:
    from bridge.build.__main__ import _parser

    args = _parser().parse_args(["--target", NATIVE])
    assert args.out is None  # resolved by main(): dist/tiktok-native for this target
    assert "tiktok-native" in _parser().format_help()


# --- the precompiled-module table -------------------------------------------------------------


@pytest.mark.parametrize("sig", sorted(MEASURED))
def test_function_modules_are_the_bytes_emscripten_makes(sig: str) -> None:
    assert list(precompiled.function_module(sig)) == MEASURED[sig]
    assert precompiled.function_module(sig.replace("i", "p")) == precompiled.function_module(sig)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_python_and_the_adapter_compute_the_same_keys(tmp_path: Path) -> None:
    samples = [
        b"",
        precompiled.EMPTY_MODULE,
        precompiled.function_module("viff"),
        bytes(range(256)) * 9,
    ]
    script = tmp_path / "keys.js"
    script.write_text(
        "const {key} = require(process.argv[2]);\n"
        "const samples = JSON.parse(process.argv[3]);\n"
        "console.log(JSON.stringify(samples.map((s) => key(new Uint8Array(s)))));\n"
    )
    js = ROOT / "bridge" / "native_package" / "webassembly.js"
    arg = json.dumps([list(s) for s in samples])
    done = subprocess.run(
        ["node", str(script), str(js), arg], capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout) == [precompiled.key(s) for s in samples]


def test_needed_signatures_are_the_js_functions_whose_address_is_taken() -> None:
    found = precompiled.needed_signatures(RUNTIME_JS, [side_module()])
    assert found == ["vi", "viii"]  # glClear (vi), __cxa_throw (vppp); not_js is no JS function


def test_a_runtime_without_the_count_args_module_is_a_clear_error() -> None:
    with pytest.raises(precompiled.PrecompiledError, match="getPyEMCountArgsPtr"):
        precompiled.table("var x = 1;", [])


@pytest.mark.skipif(PYODIDE_DIR is None, reason="Pyodide is not in the build's npm cache")
def test_the_table_of_the_real_runtime() -> None:
    assert PYODIDE_DIR is not None
    runtime_js = (PYODIDE_DIR / "pyodide.asm.js").read_text()
    table = precompiled.table(runtime_js, [(PYODIDE_DIR / "pyodide.asm.wasm").read_bytes()])
    names = [entry.name for entry in table]
    assert names[:2] == ["empty", "count-args"] and "f-v" in names and "f-vii" in names
    assert len({entry.key for entry in table}) == len(table) < 40
    assert table[1].data.startswith(precompiled.EMPTY_MODULE) and len(table[1].data) > 100


def test_brotli_is_cached_by_content(tmp_path: Path) -> None:
    data = b"wasm bytes " * 1000
    packed = brotli_cached(data, tmp_path, quality=5)
    assert brotli.decompress(packed) == data
    (entry,) = (tmp_path / "brotli").iterdir()
    entry.write_bytes(brotli.compress(b"from the cache"))
    assert brotli.decompress(brotli_cached(data, tmp_path, quality=5)) == b"from the cache"
