"""The native simulator's line to the sandbox's control API (``{sandbox}/control/...``).

Network trouble and refusals become a :class:`Failure` that carries the envelope to return, so
the simulator's handlers read straight through. httpx is imported lazily: the browser build has
none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from bridge.transports.base import Envelope, err

if TYPE_CHECKING:
    import httpx


class Failure(Exception):
    """An envelope to return, raised from deep inside a handler."""

    def __init__(self, envelope: Envelope) -> None:
        super().__init__(envelope["error"]["message"])
        self.envelope = envelope


def platform(code: int | str, message: str = "") -> dict[str, Any]:
    """TikTok's raw error shape, as the simulator's failures carry it."""
    return {"error_code": code, "error_msg": message, "error_extra": {}}


def refusal(what: str, status: int, body: dict[str, Any]) -> Envelope:
    """A ``platform_error`` envelope for a sandbox answer that was not the expected success."""
    error = body.get("error")
    message = error.get("message", "") if isinstance(error, dict) else ""
    code = error.get("code", status) if isinstance(error, dict) else status
    return err(
        "platform_error",
        f"{what} failed in the sandbox (HTTP {status}) {message}".strip(),
        platform(code, str(message)),
    )


def path_part(value: str) -> str:
    return quote(value, safe="")


class SandboxControl:
    """Requests to the sandbox at ``url``, over the client ``client()`` returns."""

    def __init__(self, url: str, client: Callable[[], httpx.AsyncClient]) -> None:
        self.url = url.rstrip("/")
        self._client = client

    async def request(
        self, method: str, path: str, body: dict[str, Any] | None = None
    ) -> tuple[int, dict[str, Any]]:
        """One request; the status and the decoded object (``{}`` when it is not one)."""
        import httpx

        url = f"{self.url}{path}"
        try:
            response = await self._client().request(method, url, json=body)
        except httpx.TimeoutException as exc:
            raise Failure(err("timeout", f"the sandbox at {url} did not answer: {exc}")) from exc
        except httpx.HTTPError as exc:
            message = f"the sandbox at {self.url} cannot be reached ({exc}); is the server running with SANDBOX=1?"
            raise Failure(err("network", message)) from exc
        try:
            decoded = response.json()
        except ValueError:
            decoded = {}
        return response.status_code, decoded if isinstance(decoded, dict) else {}

    async def expect(
        self, what: str, method: str, path: str, body: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The answer of a request that must succeed (2xx); anything else is a ``Failure``."""
        status, answer = await self.request(method, path, body)
        if not 200 <= status < 300:
            raise Failure(refusal(what, status, answer))
        return answer

    async def user(self, open_id: str) -> dict[str, Any]:
        """The sandbox user: ``open_id``, ``display_name``, ``beans`` (their balance), ..."""
        user = await self.expect("user", "GET", f"/control/users/{path_part(open_id)}")
        if not isinstance(user.get("beans"), int):
            raise Failure(refusal("user", 200, {"error": {"message": "no beans in the answer"}}))
        return user

    async def set_beans(self, open_id: str, beans: int) -> dict[str, Any]:
        """Sets the user's Beans balance; returns the user."""
        path = f"/control/users/{path_part(open_id)}"
        return await self.expect("setting the balance", "PATCH", path, {"beans": beans})
