"""The layout and size rules of TikTok's native-runtime packages.

One implementation for ``python -m bridge.check DIR --target native`` and for the emulator
(``python -m bridge.native``), which refuses to start a package that breaks them: both give the
same verdicts. The rules (TikTok's debug page and limits; see docs/native.md):

- ``game.js``, ``game.json`` and ``project.config.json`` at the top;
- ``project.config.json`` is a JSON object with a non-empty string ``appid``;
- ``game.json`` is a JSON object; its ``subpackages`` a list of ``{"name", "root"}`` with unique
  names, roots that are folders of the package, do not nest, and each hold a ``game.js``;
- sizes counted before compression: the main package (everything outside the subpackage roots)
  and each subpackage at most 4 MB, the whole package at most 30 MB;
- no zero-byte files (found by the file scan of ``bridge.check``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from bridge.check.rules import Violation

MB = 1024 * 1024
TOTAL_LIMIT = 30 * MB
PACKAGE_LIMIT = 4 * MB
REQUIRED = ("game.js", "game.json", "project.config.json")
# The rules a native package must pass to be started at all (the text scan only warns there).
PACKAGE_RULES = frozenset({"native-layout", "size", "zero-byte"})
ORIENTATIONS = ("portrait", "landscape")


@dataclass(frozen=True)
class Subpackage:
    name: str
    root: str  # relative folder, no slashes at either end


@dataclass
class Layout:
    """What ``game.json`` and ``project.config.json`` declare, the sizes, and the violations."""

    appid: str | None = None
    orientation: str = "portrait"
    subpackages: list[Subpackage] = field(default_factory=list)
    main_bytes: int = 0
    subpackage_bytes: dict[str, int] = field(default_factory=dict)
    total_bytes: int = 0
    violations: list[Violation] = field(default_factory=list)


def _layout_error(path: str, message: str) -> Violation:
    return Violation(path, 1, "native-layout", message)


def _read_json(root: Path, name: str, found: list[Violation]) -> dict[str, Any] | None:
    path = root / name
    if not path.is_file():
        return None
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        found.append(_layout_error(name, f"{name} is not valid JSON ({exc})"))
        return None
    if not isinstance(value, dict):
        found.append(_layout_error(name, f"{name} must be a JSON object"))
        return None
    return value


def _clean_root(raw: object) -> str | None:
    """A subpackage root as a relative folder, or None when it cannot be one."""
    if not isinstance(raw, str):
        return None
    parts = PurePosixPath(raw.strip().strip("/")).parts
    if not parts or any(part in ("..", ".") for part in parts):
        return None
    return "/".join(parts)


def _subpackages(
    config: dict[str, Any], sizes: dict[str, int], found: list[Violation]
) -> list[Subpackage]:
    entries = config.get("subpackages", config.get("subPackages", []))
    if not isinstance(entries, list):
        found.append(_layout_error("game.json", "`subpackages` must be a list of {name, root}"))
        return []
    result: list[Subpackage] = []
    for index, entry in enumerate(entries):
        where = f"subpackages[{index}]"
        entry = entry if isinstance(entry, dict) else {}
        name, root = entry.get("name"), _clean_root(entry.get("root"))
        if not isinstance(name, str) or not name.strip():
            found.append(_layout_error("game.json", f"{where} needs a `name`"))
            continue
        if root is None:
            found.append(
                _layout_error(
                    "game.json", f"{where} ({name}) needs a `root` folder inside the package"
                )
            )
            continue
        if any(s.name == name for s in result):
            found.append(_layout_error("game.json", f"subpackage name {name!r} is used twice"))
            continue
        clash = next((s for s in result if _nested(s.root, root)), None)
        if clash is not None:
            message = f"subpackage roots {clash.root!r} and {root!r} overlap"
            found.append(_layout_error("game.json", message))
            continue
        if f"{root}/game.js" not in sizes:
            found.append(_layout_error(root, f"subpackage {name!r} needs {root}/game.js"))
        result.append(Subpackage(name, root))
    return result


def _nested(a: str, b: str) -> bool:
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


def owner(subpackages: list[Subpackage], relative: str) -> Subpackage | None:
    """The subpackage a file belongs to, or None for the main package."""
    return next((s for s in subpackages if relative.startswith(s.root + "/")), None)


def _sizes(layout: Layout, sizes: dict[str, int]) -> None:
    layout.subpackage_bytes = {s.name: 0 for s in layout.subpackages}
    for name, size in sizes.items():
        sub = owner(layout.subpackages, name)
        if sub is None:
            layout.main_bytes += size
        else:
            layout.subpackage_bytes[sub.name] += size
    layout.total_bytes = sum(sizes.values())
    found = layout.violations
    if layout.total_bytes > TOTAL_LIMIT:
        message = f"package is {layout.total_bytes / MB:.1f} MB, the limit is 30 MB"
        found.append(Violation(".", 1, "size", message))
    if layout.main_bytes > PACKAGE_LIMIT:
        message = f"main package is {layout.main_bytes / MB:.2f} MB, the limit is 4 MB"
        found.append(Violation(".", 1, "size", message))
    for sub in layout.subpackages:
        size = layout.subpackage_bytes[sub.name]
        if size > PACKAGE_LIMIT:
            message = f"subpackage {sub.name!r} is {size / MB:.2f} MB, the limit is 4 MB"
            found.append(Violation(sub.root, 1, "size", message))


def inspect(root: Path, sizes: dict[str, int]) -> Layout:
    """The native layout of ``root``, whose files (relative POSIX path -> bytes) are ``sizes``."""
    layout = Layout()
    found = layout.violations
    found.extend(
        _layout_error(name, "a native-runtime package needs this file")
        for name in REQUIRED
        if name not in sizes
    )
    project = _read_json(root, "project.config.json", found)
    if project is not None:
        appid = project.get("appid")
        if isinstance(appid, str) and appid.strip():
            layout.appid = appid.strip()
        else:
            found.append(_layout_error("project.config.json", "needs a non-empty `appid`"))
    config = _read_json(root, "game.json", found)
    if config is not None:
        layout.subpackages = _subpackages(config, sizes, found)
        orientation = config.get("deviceOrientation", "portrait")
        layout.orientation = orientation if orientation in ORIENTATIONS else "portrait"
    _sizes(layout, sizes)
    return layout
