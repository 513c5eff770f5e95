"""The repository keeps the shape the README and CI promise."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert "set -euo pipefail" in ci
    assert "make test" in ci
    readme = (ROOT / "README.md").read_text()
    assert "make dev" in readme and "make test" in readme


def test_pyproject_declares_runtime_and_dev_dependencies() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {dep.split(">")[0].split("=")[0].split("[")[0] for dep in project["dependencies"]}
    assert {"pygame-ce", "pygbag", "httpx", "fastapi", "sqlalchemy", "alembic"} <= names
    assert any(dep.startswith("pygbag==") for dep in project["dependencies"]), "pygbag is pinned"
    assert any(dep.startswith("pytest") for dep in project["optional-dependencies"]["dev"])


def test_tests_mirror_the_source_tree() -> None:
    for package in ("game", "bridge", "server", "rules"):
        assert (ROOT / package / "__init__.py").exists()
        assert (ROOT / "tests" / package).is_dir()


def test_arrows_point_one_way() -> None:
    """bridge knows nothing of game; server stands alone (but for the shared rules); rules import
    nothing of the project; nothing imports tests."""
    forbidden = {
        "bridge": ("game", "server", "rules"),
        "server": ("game", "bridge"),
        "game": ("server",),
        "rules": ("game", "bridge", "server"),
    }
    for package, others in forbidden.items():
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text()
            for other in (*others, "tests"):
                pattern = rf"^\s*(from|import)\s+{other}(\.|\s|$)"
                assert not re.search(pattern, text, re.M), (
                    f"{path.relative_to(ROOT)} imports {other}"
                )


def test_no_generated_or_binary_files_are_tracked() -> None:
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.split()
    bad = [
        p for p in tracked if p.endswith((".whl", ".wasm", ".tgz", ".so")) or p.startswith("dist/")
    ]
    assert bad == []


def test_the_rules_use_only_the_standard_library() -> None:
    """The game (in a browser) and the server run the rules: nothing else may come with them."""
    for path in (ROOT / "rules").rglob("*.py"):
        for name in re.findall(r"^\s*(?:from|import)\s+(\w+)", path.read_text(), re.M):
            assert name in sys.stdlib_module_names or name == "rules", (
                f"{path.relative_to(ROOT)} imports {name}"
            )
