"""The repository keeps the shape the README and CI promise."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
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


# Import cycles ------------------------------------------------------------------------------
#
# Every import counts: at module level, inside functions and classes, and under
# `if TYPE_CHECKING:`. An import moved into a function, or behind TYPE_CHECKING, is still a
# dependency (the code cannot run, or be understood, without the other module); those are the
# usual ways to hide a cycle from the interpreter, not to remove one, so the test sees through
# them. An import names its most specific module (`from a.b import c` is a.b.c when that is a
# module, else a.b); the parent packages whose `__init__` Python also runs are not counted, or
# every package that re-exports its modules would be a cycle.


# Cycles that arrived from other branches, left to their owners: each entry names where it came
# from. A listed cycle that is gone fails the test too: then delete its entry.
KNOWN_CYCLES: list[set[str]] = [  # cycles tolerated for now, each with why and how to end it
]


def source_packages() -> list[str]:
    """Every top-level package of the repository except the tests."""
    return sorted(
        p.name for p in ROOT.iterdir() if (p / "__init__.py").exists() and p.name != "tests"
    )


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, name: str, modules: set[str]) -> Iterator[str]:
    """The repository's modules that the module `name` (at `path`) imports, anywhere in it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target


def import_graph() -> dict[str, set[str]]:
    paths = {
        module_name(path): path
        for package in source_packages()
        for path in (ROOT / package).rglob("*.py")
    }
    modules = set(paths)
    return {name: set(imported(path, name, modules)) for name, path in paths.items()}


def cycles(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """Each group of modules that import each other, by its name: one path around the group (and
    its other members, when the path does not pass them all)."""
    named = {}
    for group in strongly_connected(graph):
        if len(group) > 1:
            path = path_around(graph, group)
            others = ", ".join(sorted(group - set(path)))
            named[" -> ".join(path) + (f" (also in the loop: {others})" if others else "")] = group
    return named


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iteratively."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = set()
                    while True:
                        member = stack.pop()
                        group.add(member)
                        if member == node:
                            break
                    groups.append(group)
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in stack:
                low[node] = min(low[node], index[child])
    return groups


def path_around(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """A shortest path from the group's first module back to it, inside the group."""
    start = min(group)
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph[node] & group):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if child not in previous:
                    previous[child] = node
                    following.append(child)
        frontier = following
    raise AssertionError(f"{sorted(group)} has no cycle through {start}")


def test_the_cycle_finder_finds_and_names_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e", "d"}}
    assert cycles(graph) == {"a -> b -> c -> a": {"a", "b", "c"}}
    both = {"a": {"b", "c"}, "b": {"a"}, "c": {"a"}}
    assert cycles(both) == {"a -> b -> a (also in the loop: c)": {"a", "b", "c"}}
    assert cycles({"x": {"y"}, "y": set()}) == {}


def test_no_package_has_an_import_cycle() -> None:
    """game, bridge, server and any other top-level package: no module imports itself back."""
    assert {"game", "bridge", "server"} <= set(source_packages())
    found = cycles(import_graph())
    unexpected = [name for name, group in found.items() if group not in KNOWN_CYCLES]
    assert not unexpected, "import cycles:\n" + "\n".join(unexpected)
    gone = [sorted(known) for known in KNOWN_CYCLES if known not in found.values()]
    assert not gone, f"known cycles no longer there: delete them from KNOWN_CYCLES: {gone}"
