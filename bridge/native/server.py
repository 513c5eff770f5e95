"""The emulator's HTTP server: the page, the runtime's scripts, the package, the device's state.

| path | what |
| --- | --- |
| `/` | the emulator page (`web/page.html`) |
| `/__emu/web/<file>` | the page's and the worker's scripts, and `ttminis-sim.js` |
| `/__emu/package` | the package's layout and the checker's verdict, read afresh (JSON) |
| `/__emu/mod/<path>` | a package `.js` file wrapped as `__emu_define(path, function (require, module, exports) {...})` |
| `/__emu/file/<path>` | a package file as it is (read-only) |
| `/__emu/wasm/<path>` | a `.wasm` file, or a `.wasm.br` file decompressed, as `application/wasm` |
| `/__emu/subpackage/<name>` | every file of a subpackage in one stream (its download, with progress) |
| `/__emu/storage[/<key>]` | storage: GET all, PUT a JSON value, DELETE one or all |
| `/__emu/user/<path>` | `ttfile://user` files: GET, PUT (`?append=1`), DELETE, POST `?op=mkdir` |
| `/__emu/net/<path>`, `/sandbox/<path>` | forwarded to the game server (`--server`) |

Every response carries `Content-Security-Policy: script-src 'self' 'wasm-unsafe-eval'`: the
worker takes its policy from its own script's response, so `eval`, `new Function` and string
timers fail in the package as they do on a device.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import brotli
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bridge.native.package import layout, load, safe_relative
from bridge.native.proxy import Upstream
from bridge.native.state import DeviceState, StateError

WEB = Path(__file__).resolve().parent / "web"
SIMULATOR = Path(__file__).resolve().parent.parent / "js" / "ttminis-sim.js"
CSP = "script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'self'"
CHUNK = 64 * 1024


class SecurityHeaders:
    """Adds the CSP (and no caching: an edited package shows on the next reload) everywhere."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"content-security-policy", CSP.encode()))
                headers.append((b"cache-control", b"no-store"))
                headers.append((b"x-content-type-options", b"nosniff"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": {"message": message}}, status_code=status)


@lru_cache(maxsize=32)
def _decompressed(path: Path, mtime_ns: int, size: int) -> bytes:
    return bytes(brotli.decompress(path.read_bytes()))


class Emulator:
    """The routes of one emulator: one package directory, one game server, one device state."""

    def __init__(
        self, root: Path, upstream: Upstream, state: DeviceState, download_kbps: float
    ) -> None:
        self.root = root.resolve()
        self.upstream = upstream
        self.state = state
        self.download_kbps = download_kbps

    def package_path(self, raw: str) -> Path | None:
        relative = safe_relative(raw)
        if relative is None:
            return None
        path = (self.root / relative).resolve()
        if not path.is_file() or not path.is_relative_to(self.root):
            return None
        return path

    # ---- the page ----------------------------------------------------------------------

    async def page(self, request: Request) -> Response:
        return FileResponse(WEB / "page.html", media_type="text/html")

    async def favicon(self, request: Request) -> Response:
        return Response(status_code=204)

    async def web(self, request: Request) -> Response:
        name = request.path_params["name"]
        path = SIMULATOR if name == "ttminis-sim.js" else WEB / name
        if "/" in name or not path.is_file() or name == "page.html":
            return _error(404, f"no such emulator file: {name}")
        return FileResponse(path)

    # ---- the package -------------------------------------------------------------------

    async def package(self, request: Request) -> Response:
        if not self.root.is_dir():
            return _error(404, f"the package directory {self.root} is gone")
        found = await asyncio.to_thread(load, self.root)
        return JSONResponse({**found.to_json(), "server": self.upstream.base})

    async def module(self, request: Request) -> Response:
        raw = request.path_params["path"]
        path = self.package_path(raw)
        if path is None or path.suffix != ".js":
            return _error(404, f"no such module file in the package: {raw}")
        head = (
            f"__emu_define({json.dumps(safe_relative(raw))}, function (require, module, exports) {{"
        )
        body = head.encode() + path.read_bytes() + b"\n});\n"
        return Response(body, media_type="text/javascript; charset=utf-8")

    async def file(self, request: Request) -> Response:
        path = self.package_path(request.path_params["path"])
        if path is None:
            return _error(404, "no such file or directory")
        return FileResponse(path)

    async def wasm(self, request: Request) -> Response:
        raw = request.path_params["path"]
        path = self.package_path(raw)
        if path is None or not path.name.endswith((".wasm", ".wasm.br")):
            return _error(404, f"no such .wasm or .wasm.br file in the package: {raw}")
        if path.name.endswith(".wasm"):
            return FileResponse(path, media_type="application/wasm")
        stat = path.stat()
        try:
            data = await asyncio.to_thread(_decompressed, path, stat.st_mtime_ns, stat.st_size)
        except brotli.error:
            return _error(422, f"{raw} is not brotli-compressed")
        return Response(data, media_type="application/wasm")

    async def subpackage(self, request: Request) -> Response:
        files, found = await asyncio.to_thread(layout, self.root)
        name = request.path_params["name"]
        sub = next((s for s in found.subpackages if s.name == name), None)
        if sub is None:
            return _error(404, "subpackage not found")
        names = [path for path in files if path.startswith(sub.root + "/")]
        total = sum(files[path] for path in names)
        return StreamingResponse(
            self._stream(names),
            media_type="application/octet-stream",
            headers={"Content-Length": str(total)},
        )

    async def _stream(self, names: list[str]) -> AsyncIterator[bytes]:
        for name in names:
            with (self.root / name).open("rb") as handle:
                while chunk := handle.read(CHUNK):
                    if self.download_kbps > 0:
                        await asyncio.sleep(len(chunk) / (self.download_kbps * 1024))
                    yield chunk

    # ---- the device's state ------------------------------------------------------------

    async def storage(self, request: Request) -> Response:
        key = request.path_params.get("key")
        try:
            if request.method == "GET":
                return JSONResponse(self.state.storage())
            if request.method == "DELETE" and not key:
                self.state.clear()
            elif request.method == "DELETE":
                self.state.remove_item(str(key))
            elif request.method == "PUT" and key:
                self.state.set_item(key, (await request.body()).decode("utf-8"))
            else:
                return _error(405, "use GET, PUT /__emu/storage/<key> or DELETE")
        except (StateError, UnicodeDecodeError) as exc:
            return _error(getattr(exc, "status", 400), str(exc))
        return Response(status_code=204)

    async def user(self, request: Request) -> Response:
        raw = request.path_params.get("path", "")
        state = self.state
        try:
            if request.method in ("GET", "HEAD"):
                kind = state.kind(raw)
                if kind == "dir":
                    return JSONResponse(state.listing(raw), headers={"X-Emu-Kind": "dir"})
                return Response(state.read(raw), media_type="application/octet-stream",
                                headers={"X-Emu-Kind": "file"})  # fmt: skip
            if request.method == "PUT":
                append = request.query_params.get("append") == "1"
                state.write(raw, await request.body(), append=append)
            elif request.method == "DELETE":
                state.unlink(raw)
            elif request.method == "POST" and request.query_params.get("op") == "mkdir":
                state.mkdir(raw, recursive=request.query_params.get("recursive") == "1")
            else:
                return _error(405, "unsupported operation")
        except StateError as exc:
            return _error(exc.status, str(exc))
        except OSError as exc:  # a name too long, a file where a folder should be, ...
            return _error(400, f"{exc.strerror or exc}: {raw}")
        return Response(status_code=204)

    # ---- the game server ---------------------------------------------------------------

    async def net(self, request: Request) -> Response:
        return await self.upstream.forward(request, request.path_params.get("path", ""))

    async def sandbox(self, request: Request) -> Response:
        return await self.upstream.forward(request, "sandbox/" + request.path_params["path"])


ANY = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def create_app(root: Path, server_url: str, state_dir: Path, download_kbps: float = 0) -> Any:
    """The emulator's ASGI app for the package in ``root`` against the game server ``server_url``."""
    upstream = Upstream(server_url)
    emu = Emulator(root, upstream, DeviceState(state_dir), download_kbps)
    routes = [
        Route("/", emu.page),
        Route("/favicon.ico", emu.favicon),
        Route("/__emu/web/{name}", emu.web),
        Route("/__emu/package", emu.package),
        Route("/__emu/mod/{path:path}", emu.module),
        Route("/__emu/file/{path:path}", emu.file, methods=["GET", "HEAD"]),
        Route("/__emu/wasm/{path:path}", emu.wasm),
        Route("/__emu/subpackage/{name}", emu.subpackage),
        Route("/__emu/storage", emu.storage, methods=["GET", "DELETE"]),
        Route("/__emu/storage/{key:path}", emu.storage, methods=["PUT", "DELETE"]),
        Route("/__emu/user", emu.user, methods=["GET", "HEAD"]),
        Route(
            "/__emu/user/{path:path}", emu.user, methods=["GET", "HEAD", "PUT", "DELETE", "POST"]
        ),
        Route("/__emu/net/{path:path}", emu.net, methods=ANY),
        Route("/sandbox/{path:path}", emu.sandbox, methods=ANY),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await upstream.aclose()

    return SecurityHeaders(Starlette(routes=routes, lifespan=lifespan))
