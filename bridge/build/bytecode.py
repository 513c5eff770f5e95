"""Python bytecode for the Pyodide bundle, compiled by the Pyodide it ships.

Pyodide 0.27.7's ``python_stdlib.zip`` holds sources only, so every module imported while the page
starts (Pyodide's own, asyncio, json, ..., the game) would be compiled in WebAssembly on each
load. The build compiles them once instead, with the runtime's own interpreter (node runs
Pyodide from the npm cache: the same CPython 3.12 and magic number, whatever Python runs the
build):

- the web page's app and pygame-ce's wheel: each ``.py`` replaced by its ``.pyc`` (sourceless);
  the native package's: ``__pycache__/<module>.cpython-312.pyc`` beside each ``.py``, all
  *unchecked* hash-based, so the fresh mtimes of an unpacked archive never make them stale;
- the standard library zip: each module as a sourceless ``.pyc`` (what zipimport looks for
  first), its ``.py`` dropped.

The bytecode is lean (JOB_PY): no module or function docstrings. Sourceless, a traceback names
the file and line (in the repository) but cannot show the line's text: the price of a bundle
under 6 MB (docs/web.md).

Results are cached by content under ``<npm cache>/pyc/``: node starts only for what changed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from bridge.build.options import PYODIDE_VERSION, BuildError

CACHE_TAG = "cpython-312"  # Pyodide 0.27.7's sys.implementation.cache_tag (the job checks it)
STDLIB_ROOT = "/lib/python312.zip/"  # where Pyodide puts python_stdlib.zip
SITE_PACKAGES = "/lib/python3.12/site-packages/"  # where it unpacks wheels
LEAN = "lean-2"  # the version of JOB_PY's transformation, part of the cache key

# Runs inside Pyodide: compiles /job/in/<name> to /job/out/<name> (a .pyc), as listed in jobs.json.
# Lean: the docstrings of modules and functions are left out of the bytecode (a quarter of the
# standard library's), a class keeps its docstring's first line (dataclasses computes a signature
# for each class without one); asserts and line numbers stay.
JOB_PY = """
import ast, importlib.util, json, sys
from importlib._bootstrap_external import _code_to_hash_pyc
assert sys.implementation.cache_tag == TAG, sys.implementation.cache_tag

def lean(tree):
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        body = node.body
        first = body[0] if body else None
        if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)):
            continue
        if isinstance(node, ast.ClassDef):
            first.value.value = first.value.value.strip().split("\\n")[0] or "."
        else:
            body[0:1] = [] if len(body) > 1 else [ast.copy_location(ast.Pass(), first)]
    return tree

for name, filename in json.load(open("/job/jobs.json")).items():
    source = open("/job/in/" + name, "rb").read()
    try:
        tree = lean(ast.parse(source, filename))
        code = compile(tree, filename, "exec", dont_inherit=True)
    except SyntaxError:  # a file not meant to be imported (test data): stays source, empty here
        pyc = b""
    else:
        pyc = _code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False)
    open("/job/out/" + name, "wb").write(pyc)
"""

# node <this> <pyodide dir> <job dir>: the job's directory mounted at /job inside Pyodide.
RUNNER_JS = """
const path = require("path");
const [dir, job] = process.argv.slice(2);
const { loadPyodide } = require(path.join(dir, "pyodide.js"));
loadPyodide({ indexURL: dir + path.sep }).then((py) => {
  py.FS.mkdirTree("/job");
  py.FS.mount(py.FS.filesystems.NODEFS, { root: job }, "/job");
  py.globals.set("TAG", process.argv[4]);
  py.runPython(require("fs").readFileSync(path.join(job, "job.py"), "utf8"));
}).catch((error) => { console.error(String(error)); process.exit(1); });
"""


def compile_sources(
    package: Path, cache: Path, sources: dict[str, tuple[bytes, str]], timeout: float
) -> dict[str, bytes]:
    """``{name: (source, filename)}`` -> ``{name: pyc}``, compiled by Pyodide, cached by content.

    A source that does not compile is left out of the answer (it stays a source)."""
    store = cache / "pyc"
    keys = {name: _key(source, filename) for name, (source, filename) in sources.items()}
    missing = {n: sources[n] for n, k in keys.items() if not (store / f"{k}.pyc").is_file()}
    if missing:
        _run_job(package, store, missing, keys, timeout)
    compiled = {name: (store / f"{key}.pyc").read_bytes() for name, key in keys.items()}
    return {name: pyc for name, pyc in compiled.items() if pyc}


def _key(source: bytes, filename: str) -> str:
    digest = hashlib.sha256(f"{PYODIDE_VERSION}\0{LEAN}\0{filename}\0".encode() + source)
    return digest.hexdigest()


def _run_job(
    package: Path,
    store: Path,
    sources: dict[str, tuple[bytes, str]],
    keys: dict[str, str],
    timeout: float,
) -> None:
    with tempfile.TemporaryDirectory(prefix="beanhop-pyc-") as tmp:
        job = Path(tmp)
        names = {f"{i}.py": name for i, name in enumerate(sources)}
        (job / "in").mkdir()
        (job / "out").mkdir()
        for short, name in names.items():
            (job / "in" / short).write_bytes(sources[name][0])
        jobs = {short: sources[name][1] for short, name in names.items()}
        (job / "jobs.json").write_text(json.dumps(jobs))
        run_in_pyodide(package, job, JOB_PY, timeout)
        store.mkdir(parents=True, exist_ok=True)
        for short, name in names.items():
            shutil.copyfile(job / "out" / short, store / f"{keys[name]}.pyc")


def run_in_pyodide(package: Path, job: Path, code: str, timeout: float) -> str:
    """Runs ``code`` in Pyodide under node, ``job`` mounted at /job; returns what it printed."""
    node = shutil.which("node")
    if node is None:
        raise BuildError("compiling Python for Pyodide needs node (it comes with npm): install it")
    (job / "job.py").write_text(code)
    (job / "run.js").write_text(RUNNER_JS)
    command = [node, str(job / "run.js"), str(package.resolve()), str(job), CACHE_TAG]
    try:
        done = subprocess.run(  # noqa: S603 (our own argv, no shell)
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise BuildError(f"Pyodide under node took over {timeout:.0f} s") from exc
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-8:])
        raise BuildError(f"Python in Pyodide under node failed:\n{tail}")
    return done.stdout


def add_app_bytecode(
    app: Path, package: Path, cache: Path, timeout: float, *, keep_sources: bool = True
) -> int:
    """Compiles every module of the app folder; returns how many.

    ``keep_sources``: ``__pycache__/*.pyc`` beside each ``.py``; otherwise each ``.py`` is
    replaced by its ``.pyc`` (sourceless: tracebacks keep file names and line numbers, not the
    lines' text)."""
    root = f"/home/pyodide/{app.name}/"
    files = {p.relative_to(app).as_posix(): p for p in sorted(app.rglob("*.py"))}
    sources = {name: (path.read_bytes(), root + name) for name, path in files.items()}
    for name, pyc in compile_sources(package, cache, sources, timeout).items():
        path = files[name]
        if keep_sources:
            target = path.parent / "__pycache__" / f"{path.stem}.{CACHE_TAG}.pyc"
            target.parent.mkdir(exist_ok=True)
        else:
            target = path.with_suffix(".pyc")
            path.unlink()
        target.write_bytes(pyc)
    return len(files)


def compile_zip(
    path: Path,
    package: Path,
    cache: Path,
    timeout: float,
    *,
    root: str,
    keep_sources: bool,
    stored: bool = False,
) -> None:
    """Rewrites a zip of modules (the standard library, a wheel) with their bytecode (cached).

    ``root`` is where the zip's files are at run time (for tracebacks). ``keep_sources``: the
    ``.pyc`` goes into ``__pycache__`` beside its ``.py`` (a wheel, unpacked to site-packages);
    otherwise it replaces the ``.py`` (the standard library, imported from the zip itself).
    ``stored``: members are written uncompressed (the web page unzips the wheel in JavaScript).
    """
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:32]
    mode = ("sources" if keep_sources else "sourceless") + ("-stored" if stored else "")
    done = cache / "pyc" / f"{path.stem}-{PYODIDE_VERSION}-{LEAN}-{mode}-{digest}.zip"
    if not done.is_file():
        work = done.with_suffix(".part")
        compression = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        _compile_zip(path, work, package, cache, timeout, root, keep_sources, compression)
        work.replace(done)
    shutil.copyfile(done, path)


def _compile_zip(
    path: Path,
    target: Path,
    package: Path,
    cache: Path,
    timeout: float,
    root: str,
    keep_sources: bool,
    compression: int,
) -> None:
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    sources = {
        info.filename: (data, root + info.filename)
        for info, data in entries
        if info.filename.endswith(".py")
    }
    compiled = compile_sources(package, cache, sources, timeout)
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression) as out:
        for info, data in entries:
            if keep_sources or info.filename not in compiled:
                out.writestr(info, data, compression)
            if info.filename in compiled:
                pyc = zipfile.ZipInfo(_pyc_name(info.filename, keep_sources), info.date_time)
                out.writestr(pyc, compiled[info.filename], compression)


def _pyc_name(name: str, beside: bool) -> str:
    if not beside:
        return name + "c"
    folder, _, file = name.rpartition("/")
    return f"{folder}/__pycache__/{file[:-3]}.{CACHE_TAG}.pyc".lstrip("/")
