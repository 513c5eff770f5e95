"""The game server behind the emulator's own origin, as a device reaches it: no CORS, no cookies.

``TTMinis.game.request`` in the worker goes to ``/__emu/net/<path>`` and the simulator's sandbox
calls to ``/sandbox/<path>``; both are forwarded here to ``--server``. A browser adds headers a
native runtime would not send (``Origin``, ``Referer``, cookies, ``Sec-*``): they are dropped.
"""

from __future__ import annotations

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
BROWSER_ONLY = frozenset(
    {"host", "origin", "referer", "cookie", "content-length", "accept-encoding"}
)
DROPPED_RESPONSE = HOP_BY_HOP | {"content-encoding", "content-length", "set-cookie"}
TIMEOUT = httpx.Timeout(120.0, connect=10.0)


def _forwarded_headers(request: Request) -> dict[str, str]:
    return {
        key: value
        for key, value in request.headers.items()
        if key not in HOP_BY_HOP
        and key not in BROWSER_ONLY
        and not key.startswith(("sec-", "x-emu-"))
    }


class Upstream:
    """Forwards requests to one game server (``base`` with no trailing slash)."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self._client: httpx.AsyncClient | None = None

    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=True)
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def forward(self, request: Request, path: str) -> Response:
        url = f"{self.base}/{path.lstrip('/')}"
        if request.url.query:
            url += "?" + request.url.query
        body = await request.body()
        try:
            upstream = await self.client().request(
                request.method, url, headers=_forwarded_headers(request), content=body
            )
        except httpx.HTTPError as exc:
            message = f"the game server at {self.base} does not answer ({type(exc).__name__})"
            return JSONResponse(
                {"error": {"code": "upstream_unreachable", "message": message}},
                status_code=502,
                headers={"X-Emu-Proxy-Error": "unreachable"},
            )
        headers = {k: v for k, v in upstream.headers.items() if k.lower() not in DROPPED_RESPONSE}
        return Response(upstream.content, status_code=upstream.status_code, headers=headers)
