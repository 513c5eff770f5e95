"""The desktop transport: plays TikTok's part with the sandbox of a running Bean Hop server.

Login codes come from ``{sandbox}/control/login_codes`` and payments go through
``{sandbox}/control/orders/{id}/pay`` (the sandbox then sends the signed webhook to the server,
as TikTok would); ads are resolved locally. What the "player" does is chosen by arguments or by
the environment: ``BEANHOP_SIM_LOGIN`` (``ok``|``fail``), ``BEANHOP_SIM_AD``
(``complete``|``skip``|``no_fill``|``error``), ``BEANHOP_SIM_PAY``
(``confirm``|``cancel``|``fail``|``pending``), ``BEANHOP_SIM_RECHARGE`` (``yes``|``no``: whether a
player short of Beans recharges on the pay sheet, see :mod:`bridge.transports.wallet`) and
``BEANHOP_SIM_BEANS`` (a balance to give the player at the first login). The simulated user is
remembered in a small JSON file (``BEANHOP_SIM_STATE``, default
``~/.cache/beanhop/sim-user.json``) so every run is the same player. httpx is imported lazily:
the browser build has none.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bridge.transports.base import Envelope, err, ok
from bridge.transports.sandbox import Failure, SandboxControl, platform, refusal
from bridge.transports.wallet import add_beans, pay_sheet

if TYPE_CHECKING:
    import httpx

LOGIN_OUTCOMES = ("ok", "fail")
AD_OUTCOMES = ("complete", "skip", "no_fill", "error")
PAY_OUTCOMES = ("confirm", "cancel", "fail", "pending")
RECHARGE_OUTCOMES = ("yes", "no")

DEFAULT_TIMEOUT_MS = {
    "login": 10_000,
    "showRewardedAd": 120_000,
    "pay": 300_000,
    "checkBalance": 10_000,
    "http": 15_000,
}
FALLBACK_TIMEOUT_MS = 10_000
MAX_TIMEOUT_MS = 3_600_000
SCHEMAS = frozenset(
    {
        "login",
        "createRewardedVideoAd",
        "pay",
        "checkBalance",
        "recharge",
        "navigateToBalance",
        "getLaunchOptionsSync",
        "getStorage",
        "setStorage",
        "removeStorage",
        "addShortcut",
        "request",
    }
)


def default_state_path() -> Path:
    """Where the simulated player is remembered between runs."""
    if override := os.environ.get("BEANHOP_SIM_STATE"):
        return Path(override)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "beanhop" / "sim-user.json"


def _outcome(given: str | None, env: str, allowed: tuple[str, ...]) -> str:
    value = (given or os.environ.get(env) or allowed[0]).strip().lower()
    if value not in allowed:
        raise ValueError(f"{env} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _balance(given: int | None) -> int | None:
    raw = os.environ.get("BEANHOP_SIM_BEANS", "").strip() if given is None else str(given)
    if not raw:
        return None
    if not raw.isdigit():
        raise ValueError(f"BEANHOP_SIM_BEANS must be a whole number of Beans, not {raw!r}")
    return int(raw)


class NativeTransport:
    """The TTMinis.game surface, simulated natively against ``{server_url}/sandbox``."""

    def __init__(
        self,
        server_url: str,
        *,
        sandbox_url: str | None = None,
        login: str | None = None,
        ad: str | None = None,
        pay: str | None = None,
        recharge: str | None = None,
        beans: int | None = None,
        state_path: Path | None = None,
        ad_seconds: float = 0.0,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.server_url = server_url.rstrip("/")
        self.sandbox_url = (sandbox_url or f"{self.server_url}/sandbox").rstrip("/")
        self.login_outcome = _outcome(login, "BEANHOP_SIM_LOGIN", LOGIN_OUTCOMES)
        self.ad_outcome = _outcome(ad, "BEANHOP_SIM_AD", AD_OUTCOMES)
        self.pay_outcome = _outcome(pay, "BEANHOP_SIM_PAY", PAY_OUTCOMES)
        self.recharge_outcome = _outcome(recharge, "BEANHOP_SIM_RECHARGE", RECHARGE_OUTCOMES)
        self.start_beans = _balance(beans)  # given to the sandbox user at the first login
        self.state_path = state_path or default_state_path()
        self.ad_seconds = ad_seconds
        self._client = client
        self._owns_client = client is None
        self._events: list[dict[str, Any]] = []
        self._busy: set[str] = set()
        self._state: dict[str, Any] | None = None
        self.sandbox = SandboxControl(self.sandbox_url, self._http_client)
        self._handlers: dict[str, Callable[[dict[str, Any]], Awaitable[Envelope]]] = {
            "login": self._login,
            "showRewardedAd": self._show_rewarded_ad,
            "pay": self._pay,
            "checkBalance": self._check_balance,
            "recharge": self._recharge,
            "navigateToBalance": self._nothing_to_show,
            "addShortcut": self._nothing_to_show,
            "canIUse": self._can_i_use,
            "getLaunchOptions": self._launch_options,
            "getStorage": self._get_storage,
            "setStorage": self._set_storage,
            "removeStorage": self._remove_storage,
            "http": self._http,
        }

    # -- the Transport interface ---------------------------------------------------------------

    async def call(self, method: str, args: dict[str, Any]) -> Envelope:
        handler = self._handlers.get(method)
        if handler is None:
            return err("not_supported", f"unknown method {method!r}")
        timeout_ms = args.get("timeout_ms", DEFAULT_TIMEOUT_MS.get(method, FALLBACK_TIMEOUT_MS))
        if isinstance(timeout_ms, bool) or not isinstance(timeout_ms, int | float):
            return err("invalid_args", "timeout_ms must be a number of milliseconds")
        if not 0 < timeout_ms <= MAX_TIMEOUT_MS:
            return err("invalid_args", f"timeout_ms must be in 1..{MAX_TIMEOUT_MS}")
        try:
            return await asyncio.wait_for(handler(args), timeout_ms / 1000)
        except TimeoutError:
            return err("timeout", f"{method} took longer than {timeout_ms} ms")
        except Failure as failure:
            return failure.envelope

    def drain_events(self) -> list[dict[str, Any]]:
        events, self._events = self._events, []
        return events

    async def aclose(self) -> None:
        if self._client is not None and self._owns_client:
            await self._client.aclose()
            self._client = None

    # -- TikTok's methods ----------------------------------------------------------------------

    async def _login(self, args: dict[str, Any]) -> Envelope:
        if self.login_outcome == "fail":
            return err("platform_error", "login failed (BEANHOP_SIM_LOGIN=fail)", platform(102102))
        open_id = self._load_state().get("open_id")
        request = self.sandbox.request
        status, body = await request("POST", "/control/login_codes", _who(open_id))
        if status == 404 and open_id:
            # The sandbox forgot the player (a fresh database): give it back the same open_id.
            await request("POST", "/control/users", _who(open_id))
            status, body = await request("POST", "/control/login_codes", _who(open_id))
        if status == 404 and open_id:
            status, body = await request("POST", "/control/login_codes", _who(None))
        if status != 201 or not isinstance(body.get("code"), str):
            failure = refusal("login", status, body)
            hint = f" (is {self.sandbox_url} the sandbox of a server started with SANDBOX=1?)"
            failure["error"]["message"] += hint
            return failure
        open_id = str(body.get("open_id", open_id))
        self._save_state(open_id=open_id)
        if self.start_beans is not None:  # BEANHOP_SIM_BEANS: the control panel's balance field
            await self.sandbox.set_beans(open_id, self.start_beans)
            self.start_beans = None
        return ok({"code": body["code"]})

    async def _show_rewarded_ad(self, args: dict[str, Any]) -> Envelope:
        if not _text(args.get("adUnitId")):
            return err("invalid_args", "adUnitId must be a non-empty string")
        if self.ad_outcome == "no_fill":
            return err("no_fill", "no ad to show (BEANHOP_SIM_AD=no_fill)", platform(1004))
        if "ad" in self._busy:
            return err("busy", "another ad is playing")
        self._busy.add("ad")
        self._events.append({"type": "ad_open", "data": {"adUnitId": args["adUnitId"]}})
        rewarded = False
        try:
            await asyncio.sleep(self.ad_seconds)
            if self.ad_outcome == "error":
                return err("platform_error", "ad playback failed (BEANHOP_SIM_AD=error)")
            rewarded = self.ad_outcome == "complete"
            return ok({"rewarded": rewarded})
        finally:
            self._busy.discard("ad")
            self._events.append({"type": "ad_close", "data": {"rewarded": rewarded}})

    async def _pay(self, args: dict[str, Any]) -> Envelope:
        trade_order_id = args.get("trade_order_id")
        if not _text(trade_order_id):
            return err("invalid_args", "trade_order_id must be a non-empty string")
        if "pay" in self._busy:
            return err("busy", "a payment is already open")
        if self.pay_outcome == "cancel":
            return err("cancelled", "the player cancelled (BEANHOP_SIM_PAY=cancel)")
        if self.pay_outcome == "fail":
            return err("platform_error", "payment failed (BEANHOP_SIM_PAY=fail)")
        if self.pay_outcome == "pending":
            return ok()  # like TikTok: a finished pay sheet is no proof of payment
        self._busy.add("pay")
        try:
            recharge = self.recharge_outcome == "yes"
            return await pay_sheet(self.sandbox, str(trade_order_id), recharge=recharge)
        finally:
            self._busy.discard("pay")

    async def _check_balance(self, args: dict[str, Any]) -> Envelope:
        amount = args.get("amount")
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            return err("invalid_args", "amount must be a positive whole number of Beans")
        user = await self.sandbox.user(self._open_id())
        return ok({"is_sufficient": user["beans"] >= amount})

    async def _recharge(self, args: dict[str, Any]) -> Envelope:
        if not _text(args.get("tier_id")):
            return err("invalid_args", "tier_id must be a non-empty string")
        return await add_beans(self.sandbox, self._open_id())

    async def _nothing_to_show(self, args: dict[str, Any]) -> Envelope:
        return ok()

    async def _can_i_use(self, args: dict[str, Any]) -> Envelope:
        schema = args.get("schema")
        if not _text(schema):
            return err("invalid_args", "schema must be a non-empty string")
        return ok({"available": str(schema).split(".")[0] in SCHEMAS})

    async def _launch_options(self, args: dict[str, Any]) -> Envelope:
        return ok({"scene": "native", "query": {}})

    async def _get_storage(self, args: dict[str, Any]) -> Envelope:
        key = _storage_key(args)
        return ok({"data": self._load_state().get("storage", {}).get(key)})

    async def _set_storage(self, args: dict[str, Any]) -> Envelope:
        key = _storage_key(args)
        storage = dict(self._load_state().get("storage", {}))
        storage[key] = args.get("data")
        self._save_state(storage=storage)
        return ok()

    async def _remove_storage(self, args: dict[str, Any]) -> Envelope:
        key = _storage_key(args)
        storage = dict(self._load_state().get("storage", {}))
        storage.pop(key, None)
        self._save_state(storage=storage)
        return ok()

    async def _http(self, args: dict[str, Any]) -> Envelope:
        import httpx

        method = args.get("method", "GET")
        url, headers, body = args.get("url"), args.get("headers") or {}, args.get("body")
        if not _text(method) or not _text(url) or not str(url).startswith(("http://", "https://")):
            return err("invalid_args", "http needs a method and an absolute http(s) url")
        if not isinstance(headers, dict) or not (body is None or isinstance(body, str)):
            return err("invalid_args", "headers must be an object and body a string")
        try:
            response = await self._http_client().request(
                str(method).upper(),
                str(url),
                headers={str(k): str(v) for k, v in headers.items()},
                content=body,
            )
        except httpx.TimeoutException as exc:
            return err("timeout", f"http timed out: {exc}")
        except httpx.HTTPError as exc:
            return err("network", f"http failed: {exc}")
        return ok(
            {
                "status": response.status_code,
                "headers": {k.lower(): v for k, v in response.headers.items()},
                "body": response.text,
            }
        )

    # -- helpers -------------------------------------------------------------------------------

    def _open_id(self) -> str:
        open_id = self._load_state().get("open_id")
        if not _text(open_id):
            raise Failure(err("platform_error", "not logged in: call login first"))
        return str(open_id)

    def _http_client(self) -> httpx.AsyncClient:
        if self._client is None:
            import httpx

            self._client = httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=5.0))
        return self._client

    def _load_state(self) -> dict[str, Any]:
        if self._state is None:
            try:
                loaded = json.loads(self.state_path.read_text())
            except (OSError, ValueError):
                loaded = {}
            self._state = loaded if isinstance(loaded, dict) else {}
        return self._state

    def _save_state(self, **changes: Any) -> None:
        state = {**self._load_state(), **changes}
        self._state = state
        try:
            self.state_path.parent.mkdir(parents=True, exist_ok=True)
            self.state_path.write_text(json.dumps(state))
        except OSError:
            pass  # a read-only home only costs the player's identity between runs


def _text(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _who(open_id: str | None) -> dict[str, Any]:
    return {"open_id": open_id} if open_id else {"display_name": "Desktop player"}


def _storage_key(args: dict[str, Any]) -> str:
    key = args.get("key")
    if not _text(key):
        raise Failure(err("invalid_args", "key must be a non-empty string"))
    return str(key)
