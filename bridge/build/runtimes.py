"""The Python runtimes a bundle can use: pygbag (from its CDN or a runtime directory) and
Pyodide (from npm), each assembled into the output directory."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from bridge.build import sidemodule
from bridge.build.emasm import EmAsmError, splice_runtime, wheel_sources
from bridge.build.options import APP_NAME, PYGBAG_VERSION, PYODIDE_VERSION, BuildError

# pygbag's runtime as laid out on its CDN (web-runtime.md): relative to the runtime directory.
PYGBAG_RUNTIME_FILES = (
    f"{PYGBAG_VERSION}/pythons.js",
    f"{PYGBAG_VERSION}/cpythonrc.py",
    f"{PYGBAG_VERSION}/empty.html",
    f"{PYGBAG_VERSION}/cpython312/main.js",
    f"{PYGBAG_VERSION}/cpython312/main.wasm",
    f"{PYGBAG_VERSION}/cpython312/main.data",
    f"index-{PYGBAG_VERSION}-cp312.json",
)
PYGBAG_OPTIONAL_FILES = (f"{PYGBAG_VERSION}/empty.ogg",)
PYGAME_WHEEL_GLOB = "cp312/pygame_ce-*-cp312-cp312-wasm32_bi_emscripten.whl"
PYODIDE_FILES = (
    "pyodide.js",
    "pyodide.asm.js",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
SIDE_MODULE_FILE = "pygame-base.wasm"  # pygame-ce's side module, beside the runtime


def run_pygbag(app: Path, template: Path, icon: Path, cdn: str, timeout: float) -> Path:
    """Runs ``pygbag --build`` on the app folder; returns its build/web directory."""
    command = [
        sys.executable, "-m", "pygbag", "--build",
        "--template", str(template), "--icon", str(icon), "--cdn", cdn,
        "--ume_block", "0", "--title", "Bean Hop", str(app),
    ]  # fmt: skip
    try:
        result = subprocess.run(  # noqa: S603 (our own argv, no shell)
            command, cwd=app.parent, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise BuildError(f"pygbag did not finish within {timeout:.0f} s") from exc
    web = app / "build" / "web"
    if result.returncode != 0 or not (web / "index.html").is_file():
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise BuildError(f"pygbag --build failed (exit {result.returncode}):\n{tail}")
    return web


def copy_pygbag_runtime(runtime_dir: Path, out: Path) -> list[str]:
    """Copies pygbag's runtime and the pygame-ce wheel into ``out/runtime``; returns the files."""
    missing = [
        name
        for name in PYGBAG_RUNTIME_FILES
        if not (runtime_dir / name).is_file() or (runtime_dir / name).stat().st_size == 0
    ]
    wheels = sorted(runtime_dir.glob(PYGAME_WHEEL_GLOB))
    if not wheels:
        missing.append(PYGAME_WHEEL_GLOB)
    if missing:
        listing = "\n".join(f"  {runtime_dir / name}" for name in missing)
        raise BuildError(
            f"--runtime-dir {runtime_dir} lacks pygbag {PYGBAG_VERSION}'s runtime files "
            "(missing or empty):\n"
            f"{listing}\n"
            "Copy them from https://pygame-web.github.io/cdn/ (same layout) on a machine with "
            "internet, or build with --runtime pyodide --wheel PATH (see docs/web.md)."
        )
    names = [
        *PYGBAG_RUNTIME_FILES,
        *(n for n in PYGBAG_OPTIONAL_FILES if (runtime_dir / n).is_file()),
        wheels[-1].relative_to(runtime_dir).as_posix(),
    ]
    for name in names:
        target = out / "runtime" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(runtime_dir / name, target)
    return [f"runtime/{name}" for name in names]


def npm_pyodide(cache: Path, timeout: float) -> Path:
    """The pinned Pyodide from npm, installed once into a cache outside the repository."""
    prefix = cache / f"pyodide-{PYODIDE_VERSION}"
    package = prefix / "node_modules" / "pyodide"
    if all((package / name).is_file() for name in PYODIDE_FILES):
        return package
    npm = shutil.which("npm")
    if npm is None:
        raise BuildError("--runtime pyodide installs Pyodide with npm, which is not installed")
    prefix.mkdir(parents=True, exist_ok=True)
    print(f"  npm install pyodide@{PYODIDE_VERSION} into {prefix}", flush=True)
    command = [npm, "install", "--no-audit", "--no-fund", "--prefix", str(prefix)]
    try:
        result = subprocess.run(  # noqa: S603 (our own argv, no shell)
            [*command, f"pyodide@{PYODIDE_VERSION}"],
            capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        raise BuildError(f"npm install pyodide did not finish within {timeout:.0f} s") from exc
    missing = [name for name in PYODIDE_FILES if not (package / name).is_file()]
    if result.returncode != 0 or missing:
        tail = "\n".join(result.stderr.strip().splitlines()[-10:])
        raise BuildError(f"npm install pyodide@{PYODIDE_VERSION} failed:\n{tail}")
    return package


def copy_pyodide_runtime(package: Path, wheel: Path, out: Path, *, eval_free: bool) -> list[str]:
    """Pyodide's files, pygame-ce (a stored stub wheel and its side module) into ``out/runtime``.

    The lock file keeps its header only: the page installs nothing from Pyodide's package index
    (109 KB of JSON that loadPyodide would fetch and parse for nothing)."""
    runtime = out / "runtime"
    runtime.mkdir(parents=True, exist_ok=True)
    for name in PYODIDE_FILES:
        if name != "pyodide-lock.json":
            shutil.copyfile(package / name, runtime / name)
    lock = json.loads((package / "pyodide-lock.json").read_text(encoding="utf-8"))
    lock_file = runtime / "pyodide-lock.json"
    lock_file.write_text(json.dumps({"info": lock["info"], "packages": {}}), encoding="utf-8")
    side_module = sidemodule.read(wheel)
    (runtime / SIDE_MODULE_FILE).write_bytes(side_module)
    stub = sidemodule.stub_wheel(wheel.read_bytes(), side_module, zipfile.ZIP_STORED)
    (runtime / wheel.name).write_bytes(stub)
    files = [f"runtime/{name}" for name in (*PYODIDE_FILES, wheel.name, SIDE_MODULE_FILE)]
    if eval_free:
        asm = runtime / "pyodide.asm.js"
        try:
            sources = wheel_sources(wheel)
            spliced = splice_runtime(asm.read_text(encoding="utf-8"), sources)
        except EmAsmError as exc:
            raise BuildError(str(exc)) from exc
        asm.write_text(spliced, encoding="utf-8")
        print(f"  eval-free: {len(sources)} EM_ASM/EM_JS snippets spliced into pyodide.asm.js")
    return files


def archive_name() -> str:
    return f"{APP_NAME}.zip"
