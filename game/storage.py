"""What the game remembers locally: best score (as a guest), skin and sound settings.

Natively a small JSON file; with no path (headless runs, the browser) it lives in memory only.
A missing or corrupt file is simply a fresh start.
"""

from __future__ import annotations

import json
import os
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
    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.data: dict[str, Any] = dict(DEFAULTS)
        if path is not None:
            try:
                loaded = json.loads(path.read_text())
            except (OSError, ValueError):
                loaded = {}
            if isinstance(loaded, dict):
                for key, default in DEFAULTS.items():
                    value = loaded.get(key, default)
                    if isinstance(value, type(default)) or (
                        isinstance(default, float) and isinstance(value, int)
                    ):
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
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.data, indent=1))
            tmp.replace(self.path)
        except OSError:
            pass  # a read-only home must not stop the game
