"""The TikTok native-runtime package: ``python -m bridge.build --target tiktok-native``.

The same app as the Pyodide web build (game/, the bridge's Python, assets/), run by Pyodide and
pygame-ce inside TikTok's runtime, which has no DOM and compiles wasm from package files only.
Layout (see docs/native.md):

    game.js  adapter.js text.js webassembly.js screen.js boot.js unzip.js ttbridge.js ttaudio.js
    manifest.js
    game.json  project.config.json  beanhop.zip (the app)  assets/sounds/*.ogg
    runtime/  game.js pyodide.js pyodide.asm.js pyodide.asm.wasm.br pyodide-lock.json fn/*.wasm
    python/   game.js python_stdlib.zip <pygame-ce wheel> pygame-base.wasm.br

The main package holds the game; the two subpackages hold the runtime, each under TikTok's 4 MB
limit, loaded behind the loading screen.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

from bridge.build import bytecode, precompiled, sidemodule, stdlib
from bridge.build.compress import brotli_cached
from bridge.build.emasm import EmAsmError, splice_runtime, wheel_sources
from bridge.build.options import APP_NAME, HEIGHT, WIDTH, BuildError, BuildOptions
from bridge.build.runtimes import npm_pyodide
from bridge.build.stage import zip_app
from bridge.build.wasm import first_section
from bridge.check import native as package_rules

PACKAGE_JS = Path(__file__).resolve().parent.parent / "native_package"
BRIDGE_JS = Path(__file__).resolve().parent.parent / "js"
MAIN_JS = ("game.js", "adapter.js", "text.js", "webassembly.js", "screen.js", "boot.js")
WEB_JS = Path(__file__).resolve().parent.parent / "web"
SHARED_JS = ("unzip.js",)  # the web page's too
BRIDGE_FILES = ("ttbridge.js", "ttaudio.js")
SUBPACKAGES = ("runtime", "python")
APP_ARCHIVE = f"{APP_NAME}.zip"
APP_DIR = f"/home/pyodide/{APP_NAME}"
SOUNDS = "assets/sounds"  # played from the package by createInnerAudioContext, not from the zip
SIDE_MODULE_PATH = "python/pygame-base.wasm.br"
MAIN_WASM = "runtime/pyodide.asm.wasm"
FN_DIR = "runtime/fn"  # the precompiled modules: with the runtime, needed as soon as it starts
DEV_APPID = "dev-beanhop"  # a development package's appid (the emulator keeps its state by it)
SUBPACKAGE_JS = {
    "runtime": "/* The runtime subpackage: Pyodide's loader defines loadPyodide. */\n"
    "require('./pyodide.js');\n",
    "python": "/* The Python subpackage: data only (the standard library, pygame-ce, wasm). */\n"
    "module.exports = {};\n",
}


def say(message: str) -> None:
    print(message, flush=True)


def assemble(options: BuildOptions, app: Path, out: Path) -> None:
    """Writes the package into ``out`` from the staged ``app`` folder."""
    assert options.wheel is not None
    say(f"- Pyodide from npm (cache {options.npm_cache})")
    pyodide = npm_pyodide(options.npm_cache, options.timeout)
    wheel = options.wheel.read_bytes()
    side_module = sidemodule.read(options.wheel)
    for name in SUBPACKAGES:
        (out / name).mkdir(parents=True)
        (out / name / "game.js").write_text(SUBPACKAGE_JS[name], encoding="utf-8")
    runtime_js = _runtime(options, pyodide, out)
    table = precompiled.table(runtime_js, [(pyodide / "pyodide.asm.wasm").read_bytes(), side_module])
    (out / FN_DIR).mkdir()
    for entry in table:
        (out / FN_DIR / f"{entry.name}.wasm").write_bytes(entry.data)
    _python(options, pyodide, wheel, side_module, app, out)
    _app(options, pyodide, app, out)
    for name in MAIN_JS:
        shutil.copyfile(PACKAGE_JS / name, out / name)
    for name in BRIDGE_FILES:
        shutil.copyfile(BRIDGE_JS / name, out / name)
    for name in SHARED_JS:
        shutil.copyfile(WEB_JS / name, out / name)
    stub = first_section(side_module)
    (out / "manifest.js").write_text(_manifest_js(options, stub, table), encoding="utf-8")
    (out / "game.json").write_text(json.dumps(game_json(), indent=2) + "\n", encoding="utf-8")
    config = json.dumps(project_config(options), indent=2) + "\n"
    (out / "project.config.json").write_text(config, encoding="utf-8")


def _runtime(options: BuildOptions, pyodide: Path, out: Path) -> str:
    """runtime/: Pyodide's loader, its eval-free Emscripten glue, brotli wasm, a lock file."""
    assert options.wheel is not None
    say("- runtime/: Pyodide's loader, eval-free glue, pyodide.asm.wasm as brotli (cached)")
    target = out / "runtime"
    shutil.copyfile(pyodide / "pyodide.js", target / "pyodide.js")
    try:
        source = (pyodide / "pyodide.asm.js").read_text(encoding="utf-8")
        runtime_js = splice_runtime(source, wheel_sources(options.wheel))
    except EmAsmError as exc:
        raise BuildError(str(exc)) from exc
    (target / "pyodide.asm.js").write_text(runtime_js, encoding="utf-8")
    wasm = (pyodide / "pyodide.asm.wasm").read_bytes()
    (target / "pyodide.asm.wasm.br").write_bytes(brotli_cached(wasm, options.npm_cache))
    # Packages come from the package itself: the lock file needs its header, not npm's index.
    lock = json.loads((pyodide / "pyodide-lock.json").read_text(encoding="utf-8"))
    (target / "pyodide-lock.json").write_text(json.dumps({"info": lock["info"], "packages": {}}))
    return runtime_js


def _python(
    options: BuildOptions,
    pyodide: Path,
    wheel: bytes,
    side_module: bytes,
    app: Path,
    out: Path,
) -> None:
    """python/: the standard library, pygame-ce's wheel with a stub module, wasm files."""
    assert options.wheel is not None
    target = out / "python"
    say("- python/: the standard library the app needs (a headless run finds it), pygame-ce")
    needs = stdlib.discover(app, options.timeout)
    keep = stdlib.pyodide_keep(needs, pyodide / "python_stdlib.zip")
    kept = stdlib.trim_zip(pyodide / "python_stdlib.zip", target / "python_stdlib.zip", keep)
    say(f"  python_stdlib.zip: {len(kept)} modules")
    stub = sidemodule.stub_wheel(wheel, side_module, zipfile.ZIP_STORED)
    (target / options.wheel.name).write_bytes(stub)
    (target / "pygame-base.wasm.br").write_bytes(brotli_cached(side_module, options.npm_cache))
    if options.bytecode:
        say("  compiling the standard library and pygame-ce's modules (Pyodide in node, cached)")
        cache, timeout = options.npm_cache, options.timeout
        bytecode.compile_zip(
            target / "python_stdlib.zip", pyodide, cache, timeout,
            root=bytecode.STDLIB_ROOT, keep_sources=False,
        )  # fmt: skip
        bytecode.compile_zip(
            target / options.wheel.name, pyodide, cache, timeout,
            root=bytecode.SITE_PACKAGES, keep_sources=True, stored=True,
        )  # fmt: skip


def _app(options: BuildOptions, pyodide: Path, app: Path, out: Path) -> None:
    """The app as beanhop.zip (unpacked into Pyodide's file system) and its sounds as files."""
    say("- the app: beanhop.zip and the sounds as package files")
    sounds = app / SOUNDS
    if sounds.is_dir():
        shutil.copytree(sounds, out / SOUNDS)
        shutil.rmtree(sounds)
    if options.bytecode:
        modules = bytecode.add_app_bytecode(app, pyodide, options.npm_cache, options.timeout)
        say(f"  {modules} modules of the game compiled")
    zip_app(app, out / APP_ARCHIVE, stored=True)


def _manifest_js(options: BuildOptions, stub: bytes, table: list[precompiled.Precompiled]) -> str:
    assert options.wheel is not None
    manifest = {
        "dev": options.dev,
        "width": WIDTH,
        "height": HEIGHT,
        "serverOrigin": (options.server_origin or "").rstrip("/"),
        "subpackages": list(SUBPACKAGES),
        "runtime": "runtime/",
        "lockFile": "runtime/pyodide-lock.json",
        "stdlib": "python/python_stdlib.zip",
        "wheel": f"python/{options.wheel.name}",
        "app": APP_ARCHIVE,
        "appDir": APP_DIR,
        "sitePackages": bytecode.SITE_PACKAGES.rstrip("/"),
        "sideModulePath": sidemodule.SIDE_MODULE,
        "aliases": {MAIN_WASM: f"{MAIN_WASM}.br"},
        "sideModule": SIDE_MODULE_PATH,
        "byBytes": {precompiled.key(stub): SIDE_MODULE_PATH},
        "precompiled": [{"key": e.key, "path": f"{FN_DIR}/{e.name}.wasm"} for e in table],
    }
    body = json.dumps(manifest, indent=2)
    return f"/* Written by python -m bridge.build --target tiktok-native. */\nmodule.exports = {body};\n"


def game_json() -> dict[str, object]:
    return {
        "deviceOrientation": "portrait",
        "subpackages": [{"name": name, "root": f"{name}/"} for name in SUBPACKAGES],
    }


def project_config(options: BuildOptions) -> dict[str, object]:
    return {"appid": options.appid or DEV_APPID, "projectname": "beanhop"}



def sizes(out: Path) -> dict[str, int]:
    """Every file of the package (relative POSIX path) and its size before compression."""
    return {p.relative_to(out).as_posix(): p.stat().st_size for p in out.rglob("*") if p.is_file()}


def summary(out: Path) -> str:
    """The package's parts against TikTok's limits, then its largest files."""
    files = sizes(out)
    layout = package_rules.inspect(out, files)
    parts = [("main package", layout.main_bytes, package_rules.PACKAGE_LIMIT)]
    parts += [
        (f"subpackage {name}", size, package_rules.PACKAGE_LIMIT)
        for name, size in layout.subpackage_bytes.items()
    ]
    parts.append(("total", layout.total_bytes, package_rules.TOTAL_LIMIT))
    lines = [
        f"Built {out} (TikTok native-runtime package, sizes before compression, as TikTok "
        "counts them):",
        f"  {'part':<24} {'size':>10} {'limit':>10} {'used':>6}",
    ]
    for name, size, limit in parts:
        lines.append(f"  {name:<24} {_mb(size):>10} {_mb(limit):>10} {size / limit:>6.0%}")
    lines.append("  largest files:")
    for name, size in sorted(files.items(), key=lambda kv: -kv[1])[:8]:
        lines.append(f"    {name:<44} {_mb(size):>10}")
    lines.append(f"  {len(files)} files")
    return "\n".join(lines)


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.2f} MB"
