"""SQLite persistence for the sandbox's store: one table of JSON records (stdlib sqlite3)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    seq INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (kind, key)
)
"""


class SqliteBackend:
    """Writes every record as it changes, so a dev session survives a restart."""

    def __init__(self, path: str | Path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute(_SCHEMA)

    def load(self) -> dict[str, dict[str, dict[str, Any]]]:
        loaded: dict[str, dict[str, dict[str, Any]]] = {}
        rows = self._conn.execute("SELECT kind, key, data FROM records ORDER BY seq")
        for kind, key, data in rows:
            loaded.setdefault(kind, {})[key] = json.loads(data)
        return loaded

    def save(self, kind: str, key: str, data: dict[str, Any]) -> None:
        # seq keeps the first insertion order, so listings read back in creation order.
        self._conn.execute(
            "INSERT INTO records (kind, key, seq, data) VALUES (?, ?, "
            "(SELECT COALESCE(MAX(seq), 0) + 1 FROM records), ?) "
            "ON CONFLICT (kind, key) DO UPDATE SET data = excluded.data",
            (kind, key, json.dumps(data)),
        )

    def clear(self) -> None:
        self._conn.execute("DELETE FROM records")

    def close(self) -> None:
        self._conn.close()
