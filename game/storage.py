"""What the game remembers locally: best score (as a guest), skin and sound settings.

Natively a small JSON file. In the browser there is no file: the game hands an ``on_save``
callback that keeps a copy in the platform's storage (``bridge.set_storage``) and merges it back
at start. Headless runs keep everything in memory. A missing or corrupt save is a fresh start.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

DEFAULTS: dict[str, Any] = {
    "best_score": 0,
    "skin": "classic",
    "music_volume": 0.6,
    "sfx_volume": 0.8,
    "muted": False,
}


def default_save_path() -> Path:
    if override := os.environ.get("BEANHOP_SAVE_FILE"):
        return Path(override)
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "beanhop" / "save.json"


class LocalStore:
    def __init__(
        self, path: Path | None = None, *, on_save: Callable[[dict[str, Any]], None] | None = None
    ) -> None:
        self.path = path
        self.on_save = on_save
        self.data: dict[str, Any] = dict(DEFAULTS)
        if path is not None:
            with contextlib.suppress(OSError, ValueError):
                self.merge(json.loads(path.read_text()))

    def merge(self, loaded: object) -> None:
        """Take the well-typed values of a saved dict (unknown keys and odd types are ignored)."""
        if not isinstance(loaded, dict):
            return
        for key, default in DEFAULTS.items():
            value = loaded.get(key, default)
            if isinstance(default, bool) or not isinstance(default, int | float):
                ok = isinstance(value, type(default))
            else:  # numbers: ints for floats are fine, bools are not numbers here
                ok = isinstance(value, int | float) and not isinstance(value, bool)
                value = type(default)(value) if ok else value
            if ok:
                self.data[key] = value

    @property
    def best_score(self) -> int:
        return int(self.data["best_score"])

    def record_best(self, score: int) -> bool:
        """Keep ``score`` when it beats the best; True when it did."""
        if score > self.best_score:
            self.set(best_score=int(score))
            return True
        return False

    def get(self, key: str) -> Any:
        return self.data[key]

    def set(self, **values: Any) -> None:
        self.data.update(values)
        self.save()

    def save(self) -> None:
        if self.on_save is not None:
            self.on_save(dict(self.data))
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.data, indent=1))
            tmp.replace(self.path)
        except OSError:
            pass  # a read-only home must not stop the game
