"""The app folder the runtimes load: main.py, game/, the bridge's Python files, assets/."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from bridge.build.options import BuildError

# The app's entry point for pygbag (one line per statement: the source is a template, bridge/
# itself imports nothing of the game).
MAIN_PY = "import asyncio\n\nfrom game.main import main\n\nasyncio.run(main())\n"

_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".*", "tests", "test_*")
# Build tooling and browser files stay out of the app: the page loads the JS itself.
_BRIDGE_EXCLUDE = {
    "build", "check", "web", "js", "native", "native_package", "dev.py", "__main__.py"
}


def _bridge_ignore(directory: str, names: list[str]) -> set[str]:
    ignored = set(_IGNORE(directory, names))
    if Path(directory).name == "bridge":
        ignored |= _BRIDGE_EXCLUDE & set(names)
    return ignored | {n for n in names if Path(directory, n).is_file() and not n.endswith(".py")}


def stage_app(root: Path, app: Path) -> list[str]:
    """Copies the game into ``app`` and returns its files (relative, sorted)."""
    if not (root / "game" / "main.py").is_file():
        raise BuildError(
            f"{root / 'game' / 'main.py'} is missing: the build packages the game's "
            "`async def main()` from game/main.py"
        )
    app.mkdir(parents=True, exist_ok=True)
    (app / "main.py").write_text(MAIN_PY, encoding="utf-8")
    shutil.copytree(root / "game", app / "game", ignore=_IGNORE)
    shutil.copytree(root / "bridge", app / "bridge", ignore=_bridge_ignore)
    if (root / "assets").is_dir():
        shutil.copytree(root / "assets", app / "assets", ignore=_IGNORE)
    return sorted(p.relative_to(app).as_posix() for p in app.rglob("*") if p.is_file())


def zip_app(app: Path, archive: Path) -> None:
    """The app folder as a zip (the Pyodide target unpacks it into its file system)."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(app.rglob("*")):
            if path.is_file():
                out.write(path, path.relative_to(app).as_posix())


def input_files(root: Path) -> list[Path]:
    """Every file a build reads from the project: what the dev loop hashes."""
    files: list[Path] = []
    for folder in ("game", "bridge", "assets"):
        base = root / folder
        if base.is_dir():
            files.extend(
                p
                for p in base.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith(".")
            )
    return sorted(files)
