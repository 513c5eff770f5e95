"""What the app imports, measured: a headless run of the staged app under an import hook.

The run happens in a fresh interpreter started with ``-S`` (no site: only the interpreter's core
modules are loaded before the hook, so the hook sees the imports of everything else), the app and
the site-packages on ``PYTHONPATH``. ``builtins.__import__`` is replaced: every import statement
that runs, and every import C code makes through ``PyImport_Import``, is recorded as an edge
importer -> module, whether the module was loaded already or not. After the game's run the hook
also imports every module of the app and every module an import statement of the app names
(imports in code the run did not reach, such as the web transport). Modules are then classified
by where they were loaded from.
"""

from __future__ import annotations

import ast
import os
import site
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bridge.build.options import BuildError

# Run in the child with no imports of its own after the hook is in place; it writes a Python
# literal (read back with ast.literal_eval) so it needs neither json nor ast itself.
_HARNESS = r'''
import builtins, sys

_real = builtins.__import__
_edges, _missing = set(), set()


def _absolute(name, globals, level):
    if not level:
        return name
    globals = globals or {}
    package = globals.get("__package__")
    if package is None:
        own = globals.get("__name__", "")
        package = own if "__path__" in globals else own.rpartition(".")[0]
    base = package.rsplit(".", level - 1)[0] if level > 1 else package
    return f"{base}.{name}" if name else base


def _hook(name, globals=None, locals=None, fromlist=(), level=0):
    importer = (globals or {}).get("__name__") or "?"
    target = _absolute(name, globals, level)
    try:
        module = _real(name, globals, locals, fromlist, level)
    except ImportError:
        _missing.add((importer, target))
        raise
    _edges.add((importer, target))
    for item in fromlist or ():
        if item != "*" and f"{target}.{item}" in sys.modules:
            _edges.add((importer, f"{target}.{item}"))
    return module


def _origin(module):
    spec = getattr(module, "__spec__", None)
    return getattr(spec, "origin", None) or getattr(module, "__file__", None) or ""


config = eval(sys.argv[1], {"__builtins__": {}})
builtins.__import__ = _hook
try:
    entry, _, function = config["entry"].partition(":")
    sys.argv = [entry, *config["argv"]]
    status = getattr(__import__(entry, fromlist=["_"]), function)(list(config["argv"]))
    for name in config["modules"]:
        try:
            __import__(name)
        except Exception:
            pass
finally:
    builtins.__import__ = _real
result = {
    "status": status,
    "edges": sorted(_edges),
    "missing": sorted(_missing),
    "origins": {n: str(_origin(m)) for n, m in list(sys.modules.items())},
    "stdlib_names": sorted(sys.stdlib_module_names),
}
with open(config["out"], "w", encoding="utf-8") as out:
    out.write(repr(result))
'''


@dataclass(frozen=True)
class Run:
    """What the child saw: import edges and where each loaded module came from."""

    edges: frozenset[tuple[str, str]]
    missing: frozenset[tuple[str, str]]
    origins: dict[str, str]
    stdlib_names: frozenset[str]


def app_modules(app: Path, packages: tuple[str, ...]) -> list[str]:
    """Every module of the app's packages in the staged folder (``pkg.sub.mod``)."""
    names = []
    for package in packages:
        for path in sorted((app / package).rglob("*.py")):
            parts = path.relative_to(app).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def imported_names(app: Path, modules: list[str]) -> set[str]:
    """The modules named by every import statement of the app's code, run or not."""
    names: set[str] = set()
    for module in modules:
        path = app / Path(*module.split("."))
        source = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
        package = module if path.is_dir() else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(source.read_bytes(), str(source))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                    base = f"{parent}.{base}" if base else parent
                names.add(base)
                names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def run_app(
    app: Path, packages: tuple[str, ...], entry: str, argv: tuple[str, ...], timeout: float
) -> Run:
    """Runs ``entry(argv)`` from the staged ``app`` headless under the hook; returns the run."""
    modules = app_modules(app, packages)
    extra = sorted(imported_names(app, modules) - set(modules))
    paths = [str(app), *site.getsitepackages(), sysconfig.get_paths()["purelib"]]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(dict.fromkeys(paths)),
        "PYTHONDONTWRITEBYTECODE": "1",  # the staged app is packaged next: no __pycache__ in it
        "SDL_VIDEODRIVER": "dummy",
        "SDL_AUDIODRIVER": "dummy",
        "PYGAME_HIDE_SUPPORT_PROMPT": "1",
    }
    with tempfile.TemporaryDirectory(prefix="beanhop-stdlib-") as tmp:
        out = Path(tmp) / "run.txt"
        config = {"entry": entry, "argv": list(argv), "modules": modules + extra, "out": str(out)}
        command = [sys.executable, "-S", "-B", "-c", _HARNESS, repr(config)]
        try:
            done = subprocess.run(  # noqa: S603 (our own argv, no shell)
                command, cwd=tmp, env=env, capture_output=True, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired as exc:
            raise BuildError(f"the headless run for the stdlib discovery took over {timeout:.0f} s") from exc
        if done.returncode != 0 or not out.is_file():
            tail = "\n".join(done.stderr.strip().splitlines()[-12:])
            raise BuildError(
                f"the headless run of {entry} {' '.join(argv)} (stdlib discovery) failed "
                f"(exit {done.returncode}):\n{tail}"
            )
        result = ast.literal_eval(out.read_text(encoding="utf-8"))
    if result["status"] != 0:
        raise BuildError(f"the headless run of {entry} exited with status {result['status']}")
    return Run(
        edges=frozenset(map(tuple, result["edges"])),
        missing=frozenset(map(tuple, result["missing"])),
        origins=dict(result["origins"]),
        stdlib_names=frozenset(result["stdlib_names"]),
    )
