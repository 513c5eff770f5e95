"""A native-runtime package as the emulator sees it: its files, layout and the checker's verdict.

``load`` runs the same checker as ``python -m bridge.check DIR --target native``: violations of
the package rules (layout, sizes, zero-byte files) refuse the package, as TikTok's upload would;
findings of the text scan (``eval``, remote scripts, ...) are warnings, because on a device the
runtime itself is what stops them (the emulator does too, with its Content-Security-Policy).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from bridge.check import check, native, package_files
from bridge.check.rules import Violation

MB = 1024 * 1024


@dataclass
class Package:
    root: Path
    files: dict[str, int]
    layout: native.Layout
    refusals: list[Violation] = field(default_factory=list)
    warnings: list[Violation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refusals

    def to_json(self) -> dict[str, Any]:
        layout = self.layout
        return {
            "root": str(self.root),
            "ok": self.ok,
            "appid": layout.appid,
            "orientation": layout.orientation,
            "subpackages": [{"name": s.name, "root": s.root} for s in layout.subpackages],
            "files": self.files,
            "totalBytes": layout.total_bytes,
            "mainBytes": layout.main_bytes,
            "subpackageBytes": layout.subpackage_bytes,
            "refusals": [str(v) for v in self.refusals],
            "warnings": [str(v) for v in self.warnings],
        }

    def summary(self) -> str:
        layout = self.layout
        subs = ", ".join(
            f"{s.name} {layout.subpackage_bytes.get(s.name, 0) / MB:.2f} MB"
            for s in layout.subpackages
        )
        return (
            f"appid {layout.appid or '?'}; {len(self.files)} files, "
            f"{layout.total_bytes / MB:.2f} MB (main {layout.main_bytes / MB:.2f} MB"
            + (f"; subpackages: {subs})" if subs else ")")
        )


def load(root: Path) -> Package:
    """Reads and checks the package in ``root`` (a directory)."""
    files = package_files(root)
    report = check(root, target="native")
    package = Package(root=root, files=files, layout=native.inspect(root, files))
    for violation in report.violations:
        if violation.rule in native.PACKAGE_RULES:
            package.refusals.append(violation)
        else:
            package.warnings.append(violation)
    return package


def layout(root: Path) -> tuple[dict[str, int], native.Layout]:
    """The files and the layout only, without the text scan (for every subpackage download)."""
    files = package_files(root)
    return files, native.inspect(root, files)


def safe_relative(raw: str) -> str | None:
    """A request path as a package-relative POSIX path, or None when it leaves the package."""
    parts = PurePosixPath(raw.lstrip("/")).parts
    if not parts or any(part in ("..", ".", "") or "\\" in part or "\0" in part for part in parts):
        return None
    return "/".join(parts)
