"""What the emulated device keeps between runs of a package: storage and ``ttfile://user`` files.

Both live in a state directory (``--state DIR``; default ``~/.cache/beanhop/native/<appid>``), so
they survive a reload of the package, of the page and of the emulator, like an app's data on a
phone. Limits as Douyin documents them (TikTok publishes none): storage 10 MB, user files 200 MB.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from bridge.native.package import safe_relative

STORAGE_LIMIT = 10 * 1024 * 1024
USER_FILES_LIMIT = 200 * 1024 * 1024


class StateError(Exception):
    """A refused operation: ``status`` is the HTTP status the server answers with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def default_state_dir(appid: str | None) -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "beanhop" / "native" / (appid or "no-appid")


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class DeviceState:
    """Storage (key -> JSON text) and the user folder of one emulated device."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.user_dir = directory / "user"
        self._storage_file = directory / "storage.json"

    # ---- storage ------------------------------------------------------------------------

    def storage(self) -> dict[str, str]:
        try:
            data = json.loads(self._storage_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _save_storage(self, items: dict[str, str]) -> None:
        _write_atomically(self._storage_file, json.dumps(items).encode())

    def set_item(self, key: str, text: str) -> None:
        try:
            json.loads(text)
        except ValueError as exc:
            raise StateError(400, "storage values are JSON text") from exc
        items = self.storage()
        items[key] = text
        if sum(len(k) + len(v) for k, v in items.items()) > STORAGE_LIMIT:
            raise StateError(413, "exceed storage max size 10MB")
        self._save_storage(items)

    def remove_item(self, key: str) -> None:
        items = self.storage()
        if items.pop(key, None) is not None:
            self._save_storage(items)

    def clear(self) -> None:
        self._save_storage({})

    # ---- ttfile://user ------------------------------------------------------------------

    def user_path(self, raw: str) -> Path:
        if raw.strip("/") == "":
            return self.user_dir
        relative = safe_relative(raw)
        if relative is None:
            raise StateError(400, f"invalid path {raw!r}")
        return self.user_dir / relative

    def _used(self) -> int:
        if not self.user_dir.is_dir():
            return 0
        return sum(p.stat().st_size for p in self.user_dir.rglob("*") if p.is_file())

    def write(self, raw: str, data: bytes, *, append: bool = False) -> None:
        path = self.user_path(raw)
        if path.is_dir():
            raise StateError(409, f"illegal operation on a directory, open {raw}")
        if not path.parent.is_dir() and path.parent != self.user_dir:
            raise StateError(404, f"no such file or directory, open {raw}")
        previous = path.read_bytes() if append and path.is_file() else b""
        if self._used() + len(data) > USER_FILES_LIMIT:
            raise StateError(413, "the maximum size of the file storage limit is exceeded")
        _write_atomically(path, previous + data)

    def read(self, raw: str) -> bytes:
        path = self.user_path(raw)
        if not path.is_file():
            raise StateError(404, f"no such file or directory, open {raw}")
        return path.read_bytes()

    def listing(self, raw: str) -> list[str]:
        path = self.user_path(raw)
        if path == self.user_dir:
            path.mkdir(parents=True, exist_ok=True)
        if not path.is_dir():
            raise StateError(404, f"no such file or directory {raw}")
        return sorted(p.name for p in path.iterdir() if not p.name.startswith(".tmp-"))

    def mkdir(self, raw: str, *, recursive: bool) -> None:
        path = self.user_path(raw)
        if path.exists():
            raise StateError(409, f"file already exists {raw}")
        if not recursive and not path.parent.is_dir() and path.parent != self.user_dir:
            raise StateError(404, f"no such file or directory {raw}")
        path.mkdir(parents=True)

    def unlink(self, raw: str) -> None:
        path = self.user_path(raw)
        if path.is_dir():
            raise StateError(409, f"operation not permitted, unlink {raw}")
        if not path.is_file():
            raise StateError(404, f"no such file or directory {raw}")
        path.unlink()

    def kind(self, raw: str) -> str | None:
        path = self.user_path(raw)
        if path == self.user_dir or path.is_dir():
            return "dir"
        return "file" if path.is_file() else None

    def reset(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)
