"""The web bundle's files, precompressed where the build made a gzip copy (nginx's gzip_static).

``python -m bridge.build`` writes ``NAME.gz`` beside each file of a web bundle that gzip makes
smaller (bridge.build.compress.gzip_siblings). A request that accepts gzip gets that copy (unless
the file is newer than it), with
``Content-Encoding: gzip`` and the original's media type; any other gets the file itself. Both
answers say ``Vary: Accept-Encoding`` so a cache keeps them apart. Nothing is compressed while a
request waits: 9.6 MB of Pyodide at gzip level 9 would cost a second of CPU per page load.
"""

from __future__ import annotations

import os

from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, PathLike, StaticFiles
from starlette.types import Scope


def accepts_gzip(headers: Headers) -> bool:
    """Whether Accept-Encoding allows gzip (``gzip;q=0`` refuses it)."""
    for part in headers.get("accept-encoding", "").lower().split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip() in ("gzip", "*"):
            q = params.strip()
            return not (q.startswith("q=") and _quality(q[2:]) == 0)
    return False


def _quality(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 1.0


class PrecompressedStaticFiles(StaticFiles):
    def file_response(
        self,
        full_path: PathLike,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        request = Headers(scope=scope)
        packed = f"{os.fspath(full_path)}.gz"
        copy = _fresh_copy(packed, stat_result) if accepts_gzip(request) else None
        response: FileResponse
        if copy is not None:
            original = FileResponse(full_path, stat_result=stat_result)
            response = FileResponse(
                packed,
                status_code=status_code,
                media_type=original.media_type,
                headers={"Content-Encoding": "gzip"},
                stat_result=copy,
            )
        else:
            response = FileResponse(full_path, status_code=status_code, stat_result=stat_result)
        response.headers["Vary"] = "Accept-Encoding"
        if self.is_not_modified(response.headers, request):
            return NotModifiedResponse(response.headers)
        return response


def _fresh_copy(packed: str, original: os.stat_result) -> os.stat_result | None:
    """The gzip copy's stat, if it exists and is not older than the file (an edit by hand wins)."""
    try:
        copy = os.stat(packed)
    except OSError:
        return None
    return copy if copy.st_mtime >= original.st_mtime else None
