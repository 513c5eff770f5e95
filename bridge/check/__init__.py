"""The TikTok package checker: ``python -m bridge.check DIR [--target html|native]``.

Reports every violation of the package rules we know (see ``rules.py``, zero-byte files and the
size limits here) as ``file:line: rule: message``. Known runtime files (pygbag's and Pyodide's
loaders) are named as such: in a self-contained bundle they contain ``eval``, and the eval-free
Pyodide build is the fix. ``allow`` globs turn a file's findings into notes that do not fail.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

from bridge.check import native
from bridge.check.rules import TEXT_SUFFIXES, Violation, scan_text

MB = 1024 * 1024
HTML_ZIP_LIMIT = 200 * MB
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


def package_files(directory: Path) -> dict[str, int]:
    """Every file under ``directory``: relative POSIX path -> size in bytes, sorted."""
    files = sorted(p for p in directory.rglob("*") if p.is_file())
    return {path.relative_to(directory).as_posix(): path.stat().st_size for path in files}


def check(directory: Path, *, target: str = "html", allow: tuple[str, ...] = ()) -> Report:
    """Scans every file under ``directory``; ``allow`` globs (relative paths) only report."""
    assert target in TARGETS, f"unknown target {target!r}"
    report = Report()
    sizes = package_files(directory)
    found: list[Violation] = []
    for relative in sizes:
        found.extend(_scan_file(directory / relative, relative))
    report.files = len(sizes)
    report.total_bytes = sum(sizes.values())
    if target == "html" and report.total_bytes > HTML_ZIP_LIMIT:
        found.append(Violation(".", 1, "size", "package is larger than the 200 MB zip limit"))
    if target == "native":
        found.extend(native.inspect(directory, sizes).violations)
    for violation in found:
        bucket = report.allowed if _matches(violation.path, allow) else report.violations
        bucket.append(violation)
    return report
