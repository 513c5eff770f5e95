"""bridge.build.stdlib: what the app imports, against pygbag's CPython and the trimmed Pyodide zip.

The guards run offline: the real game staged as the build stages it, run headless under the
import hook (the autoplay tour through every scene), checked against ``pygbag-0.9.3.json`` (derived
from pygbag's ``cpython312/main.js``) and against the generated ``main.py``.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from bridge.build.options import PYODIDE_VERSION
from bridge.build.stage import APP_PACKAGES, WEB_DEPENDENCIES, main_py, stage_app
from bridge.build.stdlib import (
    DESKTOP_ONLY,
    FROZEN,
    NATIVE_ONLY_EDGES,
    PYGBAG_LIST,
    PYODIDE_LIST,
    Needs,
    discover,
    main_js_modules,
    pygbag_missing,
    pygbag_modules,
    pyodide_keep,
    trim_zip,
    zip_modules,
)
from bridge.build.stdlib.discover import app_modules, imported_names
from tests.bridge.test_build import make_project, project_ready

ROOT = Path(__file__).resolve().parents[2]
PYODIDE_MEASURED = set(json.loads(PYODIDE_LIST.read_text())["modules"])
PEP_723 = re.compile(r"(?m)^# /// script$\s(?P<content>(^#(| .*)$\s)+)^# ///$")  # PEP 723's regex


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project_ready()
    app = tmp_path_factory.mktemp("stdlib") / "app"
    stage_app(ROOT, app)
    return app


@pytest.fixture(scope="module")
def needs(app: Path) -> Needs:
    return discover(app)


def test_every_stdlib_module_the_app_imports_is_in_pygbags_cpython(needs: Needs) -> None:
    """Guard (a): statistics (missing in pygbag) in the game would fail here."""
    assert pygbag_missing(needs) == []


def test_the_discovery_covers_every_import_of_the_app(app: Path, needs: Needs) -> None:
    """Not vacuous: each stdlib module an import statement of the app names was seen, with its own
    imports (json's decoder, asyncio's tasks). The run's tour of the scenes: tests/game."""
    wanted = needs.stdlib()
    modules = [m for m in app_modules(app, APP_PACKAGES) if m not in DESKTOP_ONLY]
    stated = imported_names(app, modules)
    stdlib_named = {n for n in stated if needs.kind(n) in ("python", "extension")}
    # bridge.runtime and bridge.transports.web import platform only in a browser (a desktop run
    # cannot reach it); both web runtimes have it: pygbag's list, and pygame-ce imports it.
    assert "platform" in pygbag_modules() and "platform" in PYODIDE_MEASURED
    assert stdlib_named and stdlib_named - {"platform"} <= wanted
    assert {"json.decoder", "asyncio.tasks", "dataclasses", "random"} <= wanted
    assert "statistics" not in wanted


def test_what_only_the_desktop_command_line_imports_stays_out(needs: Needs) -> None:
    """game.cli (argparse) runs in the discovery, as on a desktop, but no web runtime imports it."""
    assert ("game.cli", "argparse") in needs.run.edges, "not vacuous: the run parsed its argv"
    assert "argparse" not in needs.stdlib() and "gettext" not in needs.stdlib()


def test_the_walk_does_not_go_through_a_module_the_runtime_lacks(needs: Needs) -> None:
    """Natively asyncio imports ssl, and ssl base64; Pyodide has no ssl in its zip."""
    assert "base64" in needs.stdlib(), "not vacuous: natively ssl brings base64"
    within = set(needs.stdlib()) - {"ssl"}
    assert "base64" not in needs.stdlib(within=within)


def test_the_guard_finds_a_module_pygbag_lacks(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    (root / "game" / "stats.py").write_text("import statistics\n")
    (root / "game" / "__main__.py").write_text(
        "def run(argv):\n    import game.stats\n    return 0\n"
    )
    app = tmp_path / "app"
    stage_app(root, app)
    assert pygbag_missing(discover(app)) == ["statistics"]


def test_main_py_declares_and_imports_every_third_party_package(needs: Needs) -> None:
    """Guard (b): the packages the app imports are in main.py's PEP 723 block and imported at its
    top level, where pygbag's cpythonrc.py (preload_code) looks."""
    third = needs.third_party()
    assert third == {"pygame"}, f"add {third - {'pygame'}} to stage.py WEB_DEPENDENCIES"
    text = main_py()
    block = PEP_723.search(text)
    assert block is not None
    content = "".join(line[2:] for line in block["content"].splitlines(keepends=True))
    dependencies = tomllib.loads(content)["dependencies"]
    tree = ast.parse(text)
    top_level = {
        alias.name
        for node in tree.body
        for stmt in (node.body if isinstance(node, ast.Try) else [node])
        if isinstance(stmt, ast.Import)
        for alias in stmt.names
    }
    for name in third:
        assert set(WEB_DEPENDENCIES[name]) <= set(dependencies)
        assert name in top_level
    assert "pygame-ce" in dependencies and "pygame.base" in dependencies  # wheel and patches


def test_an_undeclared_third_party_import_is_found(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    (root / "game" / "__main__.py").write_text("import httpx\n\ndef run(argv):\n    return 0\n")
    app = tmp_path / "app"
    stage_app(root, app)
    assert discover(app).third_party() == {"httpx"}


def test_pygbag_list_is_regenerated_from_main_js(tmp_path: Path) -> None:
    main_js = tmp_path / "main.js"
    main_js.write_text(
        'x({filename:"/usr/lib/python3.12/json/__init__.py",start:1},'
        '{filename:"/usr/lib/python3.12/asyncio/wasm_events.py"},'
        '{filename:"/data/data/org.python/assets/site-packages/aio/__init__.py"})'
    )
    out = tmp_path / "list.json"
    done = subprocess.run(
        [sys.executable, "-m", "bridge.build.stdlib", "--regenerate-pygbag", str(main_js),
         "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())["modules"] == ["asyncio.wasm_events", "json"]
    bad = subprocess.run(
        [sys.executable, "-m", "bridge.build.stdlib", "--regenerate-pygbag", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert bad.returncode == 1 and "not pygbag's main.js" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_the_committed_pygbag_list() -> None:
    record = json.loads(PYGBAG_LIST.read_text())
    assert "--regenerate-pygbag" in record["regenerate"]
    modules = record["modules"]
    assert modules == sorted(modules) and len(modules) == 239
    assert {"asyncio", "asyncio.wasm_events", "json", "tarfile", "uuid"} <= set(modules)
    assert "statistics" not in modules and "asyncio.selector_events" not in modules
    assert "os" in pygbag_modules() and "os" not in modules and pygbag_modules() >= FROZEN
    assert main_js_modules('filename:"/usr/lib/python3.12/a/b/__init__.py"') == ["a.b"]
    assert ("asyncio", "asyncio.unix_events") in NATIVE_ONLY_EDGES


def test_the_trimmed_pyodide_stdlib_holds_every_module_the_app_needs(
    needs: Needs, tmp_path: Path
) -> None:
    """The Pyodide guard: from Pyodide's real python_stdlib.zip, as the build trims it."""
    full = (
        Path.home() / ".cache/beanhop" / f"pyodide-{PYODIDE_VERSION}"
        / "node_modules/pyodide/python_stdlib.zip"
    )  # fmt: skip
    if not full.is_file():
        pytest.skip(
            "Pyodide is not cached yet: 'python -m bridge.build --runtime pyodide' fetches it"
        )
    trimmed = tmp_path / "python_stdlib.zip"
    trim_zip(full, trimmed, pyodide_keep(needs, full))
    have, kept = zip_modules(full), zip_modules(trimmed)
    reached = needs.stdlib(within=set(have) | FROZEN)
    wanted = {m for m in reached if needs.kind(m) == "python" and m in have} - FROZEN
    assert wanted and wanted <= set(kept)
    assert {"pyodide", "pyodide.webloop", "_pyodide._importhook"} <= set(kept)
    assert "statistics" not in kept and "tkinter" not in kept
    assert "os" in have and not FROZEN & set(kept), "Pyodide runs the frozen ones"
    assert "argparse" not in kept and "importlib.metadata" not in kept
    assert trimmed.stat().st_size < full.stat().st_size / 2
    with zipfile.ZipFile(trimmed) as archive:
        assert archive.testzip() is None


def test_the_command_names_what_pygbag_lacks(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    (root / "game" / "stats.py").write_text("import statistics\n")
    (root / "game" / "__main__.py").write_text(
        "def run(argv):\n    import game.stats\n    return 0\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "bridge.build.stdlib", "--root", str(root)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert "error: pygbag 0.9.3's CPython has no statistics" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    helped = subprocess.run(
        [sys.executable, "-m", "bridge.build.stdlib", "--help"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert "--regenerate-pygbag" in helped.stdout and "--measure-pyodide" in helped.stdout
