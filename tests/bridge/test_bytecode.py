"""bridge.build.bytecode with the real Pyodide (the build's npm cache) under node.

Skipped when Pyodide is not cached yet (any ``--runtime pyodide`` build caches it) or node is
missing. What was compiled is imported inside that same Pyodide, so a wrong magic number, cache
tag, layout or invalidation mode fails here and not in a browser.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from bridge.build import BuildError, bytecode
from tests.bridge.conftest import PYODIDE_DIR

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        PYODIDE_DIR is None or shutil.which("node") is None,
        reason="needs Pyodide in ~/.cache/beanhop (any --runtime pyodide build) and node",
    ),
]
TIMEOUT = 300

# Imports what the fixture compiled, inside Pyodide; the sources were changed after compiling.
CHECK = """
import json, sys
sys.dont_write_bytecode = True
sys.path[:0] = ["/job/beanhop", "/job/lib.zip", "/job/lean"]
import app_pkg.mod, lib_pkg.mod, lean_pkg.mod as lean
try:
    lean.checked(0)
    kept_asserts = False
except AssertionError:
    kept_asserts = True
print(json.dumps({
    "app": [app_pkg.mod.VALUE, app_pkg.mod.__cached__],
    "lib": [lib_pkg.mod.VALUE, lib_pkg.mod.__file__],
    "lean": [lean.VALUE, lean.__file__, lean.__doc__, lean.Thing.__doc__, lean.f.__doc__,
             lean.only_doc(), kept_asserts, lean.checked.__code__.co_firstlineno],
}))
"""
LEAN_SOURCE = '''"""Module doc."""

from __future__ import annotations

VALUE = "lean"


class Thing:
    """First line.

    More text."""


def f():
    """Function doc."""
    return 1


def only_doc():
    """Nothing but a docstring."""


def checked(x):
    """Doc."""
    assert x, "asserts stay"
    return x
'''


def write_package(where: Path | zipfile.ZipFile, name: str, value: str) -> None:
    files = {
        f"{name}/__init__.py": "",
        f"{name}/mod.py": f"VALUE = {value!r}\n",
        f"{name}/broken.py": "def (\n",  # not Python (test data): stays a source
        f"{name}/data.txt": "kept",
    }
    for path, text in files.items():
        if isinstance(where, zipfile.ZipFile):
            where.writestr(path, text)
        else:
            (where / path).parent.mkdir(parents=True, exist_ok=True)
            (where / path).write_text(text)


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    assert PYODIDE_DIR is not None
    job = tmp_path_factory.mktemp("job")
    cache = tmp_path_factory.mktemp("cache")
    app = job / "beanhop"
    write_package(app, "app_pkg", "compiled")
    count = bytecode.add_app_bytecode(app, PYODIDE_DIR, cache, TIMEOUT)
    lean = job / "lean"
    write_package(lean, "lean_pkg", "lean")
    (lean / "lean_pkg" / "mod.py").write_text(LEAN_SOURCE)
    bytecode.add_app_bytecode(lean, PYODIDE_DIR, cache, TIMEOUT, keep_sources=False)
    for name, keep in (("lib.zip", False), ("wheel.zip", True)):
        with zipfile.ZipFile(job / name, "w") as z:
            write_package(z, "lib_pkg", name)
        bytecode.compile_zip(
            job / name, PYODIDE_DIR, cache, TIMEOUT, root="/x/", keep_sources=keep, stored=keep
        )
    # An unpacked archive gives every file a fresh mtime; unchecked bytecode never reads the
    # source, so a changed one shows which of the two was imported.
    (app / "app_pkg" / "mod.py").write_text("VALUE = 'source'\n")
    seen = json.loads(bytecode.run_in_pyodide(PYODIDE_DIR, job, CHECK, TIMEOUT))
    return {"job": job, "cache": cache, "count": count, "seen": seen}


def test_the_apps_bytecode_is_what_pyodide_imports(compiled: dict[str, Any]) -> None:
    app = compiled["job"] / "beanhop" / "app_pkg"
    assert compiled["count"] == 3
    assert sorted(p.name for p in (app / "__pycache__").iterdir()) == [
        "__init__.cpython-312.pyc",
        "mod.cpython-312.pyc",
    ]
    assert compiled["seen"]["app"] == [
        "compiled",
        "/job/beanhop/app_pkg/__pycache__/mod.cpython-312.pyc",
    ]


def test_a_sourceless_zip_imports_and_a_wheel_keeps_its_sources(compiled: dict[str, Any]) -> None:
    with zipfile.ZipFile(compiled["job"] / "lib.zip") as z:
        assert sorted(z.namelist()) == [
            "lib_pkg/__init__.pyc", "lib_pkg/broken.py", "lib_pkg/data.txt", "lib_pkg/mod.pyc",
        ]  # fmt: skip
    assert compiled["seen"]["lib"] == ["lib.zip", "/job/lib.zip/lib_pkg/mod.pyc"]
    with zipfile.ZipFile(compiled["job"] / "wheel.zip") as z:
        names = set(z.namelist())
    assert {"lib_pkg/mod.py", "lib_pkg/__pycache__/mod.cpython-312.pyc"} <= names
    assert "lib_pkg/__pycache__/broken.cpython-312.pyc" not in names
    with zipfile.ZipFile(compiled["job"] / "wheel.zip") as z:
        assert {i.compress_type for i in z.infolist()} == {zipfile.ZIP_STORED}


def test_sourceless_lean_bytecode_drops_docstrings_and_keeps_asserts(
    compiled: dict[str, Any],
) -> None:
    lean = compiled["job"] / "lean" / "lean_pkg"
    assert sorted(p.name for p in lean.iterdir()) == [
        "__init__.pyc", "broken.py", "data.txt", "mod.pyc",
    ]  # fmt: skip
    value, file, module_doc, class_doc, function_doc, only_doc, asserts, line = compiled["seen"][
        "lean"
    ]
    assert (value, file) == ("lean", "/job/lean/lean_pkg/mod.pyc")
    assert module_doc is None and function_doc is None and only_doc is None
    assert class_doc == "First line.", "a class keeps its first line (dataclasses reads __doc__)"
    assert asserts, "asserts stay in lean bytecode"
    assert line == 23, "line numbers are the source's"


def test_compiled_modules_come_from_the_cache_without_node(
    compiled: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert PYODIDE_DIR is not None
    source = b"VALUE = 'compiled'\n"
    sources = {"m.py": (source, "/home/pyodide/beanhop/app_pkg/mod.py")}
    monkeypatch.setattr(shutil, "which", lambda name: None)
    again = bytecode.compile_sources(PYODIDE_DIR, compiled["cache"], sources, TIMEOUT)
    assert again["m.py"][:4] == (3531).to_bytes(2, "little") + b"\r\n", "3.12's magic number"
    with pytest.raises(BuildError, match="needs node"):
        bytecode.compile_sources(PYODIDE_DIR, compiled["cache"], {"n.py": (b"N = 1\n", "/n")}, 9)
