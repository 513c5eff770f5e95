"""The TikTok package checker: ``python -m bridge.check DIR [--target html|native]``.

Reports every violation of the package rules we know (see ``rules.py``, zero-byte files and the
size limits here) as ``file:line: rule: message``. Known runtime files (pygbag's and Pyodide's
loaders) are named as such: in a self-contained bundle they contain ``eval``, and the eval-free
Pyodide build is the fix. ``allow`` globs turn a file's findings into notes that do not fail.
"""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass, field
from pathlib import Path

from bridge.check.rules import TEXT_SUFFIXES, Violation, scan_text

MB = 1024 * 1024
HTML_ZIP_LIMIT = 200 * MB
NATIVE_TOTAL_LIMIT = 30 * MB
NATIVE_PACKAGE_LIMIT = 4 * MB
NATIVE_REQUIRED = ("game.js", "game.json", "project.config.json")
TARGETS = ("html", "native")

# Loaders of the Python runtimes: present in self-contained bundles, full of eval.
RUNTIME_FILES = (
    "pythons.js",
    "cpython3*/main.js",
    "pyodide.asm.js",
    "pyodide.js",
    "pyodide.mjs",
)
RUNTIME_HINT = " (a Python runtime file: build with `--runtime pyodide --eval-free` for a runtime without eval)"
_EVAL_RULES = frozenset({"eval", "new-function"})


@dataclass
class Report:
    """The checker's verdict on one directory."""

    violations: list[Violation] = field(default_factory=list)
    allowed: list[Violation] = field(default_factory=list)
    files: int = 0
    total_bytes: int = 0

    @property
    def ok(self) -> bool:
        return not self.violations


def is_runtime_file(relative: str) -> bool:
    return any(fnmatch.fnmatch(relative, "*" + pattern) for pattern in RUNTIME_FILES)


def _matches(relative: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatch(relative, pattern) for pattern in patterns)


def _scan_file(path: Path, relative: str) -> list[Violation]:
    if path.stat().st_size == 0:
        return [Violation(relative, 1, "zero-byte", "empty files are rejected by the scanner")]
    if not relative.lower().endswith(TEXT_SUFFIXES):
        return []
    found = scan_text(path.read_text(encoding="utf-8", errors="replace"), relative)
    if is_runtime_file(relative):
        found = [
            Violation(v.path, v.line, v.rule, v.message + RUNTIME_HINT)
            if v.rule in _EVAL_RULES
            else v
            for v in found
        ]
    return found


def _native_rules(root: Path, sizes: dict[str, int], total: int) -> list[Violation]:
    found = [
        Violation(name, 1, "native-layout", "a native-runtime package needs this file")
        for name in NATIVE_REQUIRED
        if name not in sizes
    ]
    if total > NATIVE_TOTAL_LIMIT:
        found.append(
            Violation(".", 1, "size", f"package is {total / MB:.1f} MB, the limit is 30 MB")
        )
    roots: list[str] = []
    game_json = root / "game.json"
    if game_json.is_file():
        try:
            config = json.loads(game_json.read_text(encoding="utf-8"))
            roots = [str(p.get("root", "")).strip("/") for p in config.get("subpackages", [])]
        except (ValueError, AttributeError):
            found.append(Violation("game.json", 1, "native-layout", "game.json is not valid"))
    packages = {r: 0 for r in roots if r}
    main = 0
    for name, size in sizes.items():
        owner = next((r for r in packages if name == r or name.startswith(r + "/")), None)
        if owner is None:
            main += size
        else:
            packages[owner] += size
    if main > NATIVE_PACKAGE_LIMIT:
        found.append(
            Violation(".", 1, "size", f"main package is {main / MB:.2f} MB, the limit is 4 MB")
        )
    for name, size in packages.items():
        if size > NATIVE_PACKAGE_LIMIT:
            message = f"subpackage is {size / MB:.2f} MB, the limit is 4 MB"
            found.append(Violation(name, 1, "size", message))
    return found


def check(directory: Path, *, target: str = "html", allow: tuple[str, ...] = ()) -> Report:
    """Scans every file under ``directory``; ``allow`` globs (relative paths) only report."""
    assert target in TARGETS, f"unknown target {target!r}"
    report = Report()
    sizes: dict[str, int] = {}
    found: list[Violation] = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        relative = path.relative_to(directory).as_posix()
        sizes[relative] = path.stat().st_size
        found.extend(_scan_file(path, relative))
    report.files = len(sizes)
    report.total_bytes = sum(sizes.values())
    if target == "html" and report.total_bytes > HTML_ZIP_LIMIT:
        found.append(Violation(".", 1, "size", "package is larger than the 200 MB zip limit"))
    if target == "native":
        found.extend(_native_rules(directory, sizes, report.total_bytes))
    for violation in found:
        bucket = report.allowed if _matches(violation.path, allow) else report.violations
        bucket.append(violation)
    return report
