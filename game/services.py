"""The one object scenes use to reach the platform (the bridge) and the game server.

Every server call is an HTTP request through ``bridge.http`` (JSON text), so the same code runs
natively (httpx) and in a browser (JS fetch, relative URLs). Scenes never await: they start work
with :meth:`Services.spawn` and look at the returned :class:`Job` each frame, so a slow or absent
network never stalls the frame loop. When login or the server fails the game plays on as a guest.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

from bridge import Bridge, BridgeError, ErrorCode
from bridge.results import BridgeEvent
from game import purchases
from game.errors import ServiceError
from game.jobs import Job
from game.purchases import Purchase
from game.storage import LocalStore
from rules.world import World

T = TypeVar("T")
__all__ = [
    "AdOutcome",
    "Inventory",
    "Job",
    "Purchase",
    "RunResult",
    "RunTicket",
    "ServiceError",
    "Services",
    "quietly",
]
AD_UNIT = "beanhop-rewarded"
REVIVE_ITEM = "revive"
HTTP_TIMEOUT_MS = 8000
SAVE_KEY = "beanhop.save"


async def quietly(coro: Coroutine[Any, Any, Any]) -> None:
    """Run fire-and-forget server work whose failure the player need not see."""
    with contextlib.suppress(ServiceError):
        await coro


@dataclass
class AdOutcome:
    rewarded: bool
    message: str = ""


@dataclass
class RunResult:
    best_score: int
    coins_granted: int
    saved: bool
    message: str = ""


@dataclass(frozen=True)
class RunTicket:
    """A run the server started: results go to ``run_id``; the world is seeded with ``seed``."""

    run_id: int
    seed: int


@dataclass
class Inventory:
    items: dict[str, int] = field(default_factory=dict)
    coins: int = 0

    def count(self, item_id: str) -> int:
        return int(self.items.get(item_id, 0))

    @property
    def skins(self) -> list[str]:
        return sorted(
            k.removeprefix("skin.")
            for k, v in self.items.items()
            if k.startswith("skin.") and v > 0
        )


class Services:
    """Login, catalog, purchases, inventory, ads and runs for the scenes."""

    def __init__(
        self,
        bridge: Bridge | None,
        store: LocalStore,
        *,
        server_url: str | None = "",
        poll_interval: float = 1.5,
        purchase_timeout: float = 90.0,
    ) -> None:
        self.bridge = bridge
        self.store = store
        self.server_url = None if server_url is None else server_url.rstrip("/")
        self.poll_interval = poll_interval
        self.purchase_timeout = purchase_timeout
        self.status = "connecting"  # connecting | online | guest
        self.guest_reason = ""
        self.token = ""
        self.player: dict[str, Any] = {}
        self.inventory = Inventory()
        self.server_best = 0
        self.catalog: list[dict[str, Any]] = []
        self.coin_items: list[dict[str, Any]] = []
        self.catalog_error = ""
        self._ad_busy = False
        self.ads_available = True
        self._login_job: Job[None] | None = None
        self._jobs: list[Job[Any]] = []

    # ---- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        """Begin the silent login and the ads feature check in the background."""
        if self._login_job is None:
            self._login_job = self.spawn(self.login())
            self.spawn(self.check_ads())

    async def check_ads(self) -> None:
        """TikTok's canIUse for rewarded video; an unanswered check leaves ads on (the ad call
        itself reports a real failure)."""
        if self.bridge is None:
            self.ads_available = False
            return
        with contextlib.suppress(BridgeError):
            self.ads_available = await self.bridge.can_i_use("createRewardedVideoAd")

    def spawn(self, coro: Coroutine[Any, Any, T]) -> Job[T]:
        job = Job(coro)
        self._jobs = [j for j in self._jobs if not j.done()]
        self._jobs.append(job)
        return job

    async def close(self, grace: float = 2.0) -> None:
        """At exit: let background work (a run being saved) finish briefly, cancel the rest,
        close the bridge."""
        pending = [job for job in self._jobs if not job.done()]
        if pending and grace > 0:
            await asyncio.wait([job.task for job in pending], timeout=grace)
        for job in self._jobs:
            job.cancel()
        for job in self._jobs:
            await job.wait()
        self._jobs.clear()
        if self.bridge is not None:
            await self.bridge.aclose()

    def events(self) -> list[BridgeEvent]:
        return list(self.bridge.events()) if self.bridge is not None else []

    @property
    def online(self) -> bool:
        return self.status == "online"

    @property
    def best_score(self) -> int:
        return (
            max(self.server_best, self.store.best_score) if self.online else self.store.best_score
        )

    @property
    def display_name(self) -> str:
        return str(self.player.get("display_name") or "Guest")

    @property
    def status_line(self) -> str:
        if self.status == "online":
            return f"Signed in as {self.display_name}"
        if self.status == "connecting":
            return "Signing in…"
        return f"Guest mode: purchases unavailable ({self.guest_reason})"

    def on_platform_event(self, event: BridgeEvent) -> None:
        """Back online as a guest: try signing in again."""
        if event.type == "network" and event.data.get("online") and self.status == "guest":
            self.status = "connecting"
            self._login_job = self.spawn(self.login())

    async def login(self) -> None:
        self.status = "connecting"
        if self.bridge is None or self.server_url is None:
            self._guest("offline")
            return
        try:
            login = await self.bridge.login()
            data = await self.api("POST", "/api/session", {"code": login.code}, auth=False)
            self.token = str(data["token"])
            self.player = dict(data.get("player") or {})
            await asyncio.gather(self.refresh_profile(), self.load_catalog())
            self.status = "online"
        except BridgeError as exc:
            self._guest("TikTok login failed" if exc.code is not ErrorCode.NETWORK else "offline")
        except ServiceError as exc:
            self._guest(exc.message)
        except (KeyError, TypeError, ValueError):
            self._guest("unexpected server answer")

    def _guest(self, reason: str) -> None:
        self.status, self.guest_reason, self.token = "guest", reason, ""

    # ---- the platform's storage (the browser's save) ----------------------------------------

    async def load_saved(self) -> None:
        """Merge the save kept in the platform's storage into the local store."""
        if self.bridge is None:
            return
        with contextlib.suppress(BridgeError):
            self.store.merge(await self.bridge.get_storage(SAVE_KEY))

    def persist(self, data: dict[str, Any]) -> None:
        """Keep a copy of the save in the platform's storage (fire and forget)."""
        if self.bridge is not None:
            self.spawn(self._persist(data))

    async def _persist(self, data: dict[str, Any]) -> None:
        assert self.bridge is not None
        with contextlib.suppress(BridgeError):
            await self.bridge.set_storage(SAVE_KEY, data)

    # ---- the server -------------------------------------------------------------------------

    async def api(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        auth: bool = True,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """The JSON object of a 2xx answer; anything else is a ServiceError with a message."""
        if self.bridge is None or self.server_url is None:
            raise ServiceError("offline")
        sent = {"Accept": "application/json", **(headers or {})}
        if body is not None:
            sent["Content-Type"] = "application/json"
        if auth:
            if not self.token:
                raise ServiceError("sign in to use this", status=401)
            sent["Authorization"] = f"Bearer {self.token}"
        text = None if body is None else json.dumps(body)
        try:
            response = await self.bridge.http(
                method, self.server_url + path, headers=sent, body=text, timeout_ms=HTTP_TIMEOUT_MS
            )
        except BridgeError as exc:
            raise ServiceError("server unreachable", code=exc.code.value) from exc
        try:
            data = response.json() if response.body else {}
        except ValueError:
            data = {}
        if not 200 <= response.status < 300:
            error = data.get("error") if isinstance(data, dict) else None
            error = error if isinstance(error, dict) else {}
            message = str(error.get("message") or f"server error {response.status}")
            raise ServiceError(message, status=response.status, code=str(error.get("code", "")))
        if not isinstance(data, dict):
            raise ServiceError("unexpected server answer", status=response.status)
        return data

    def _set_inventory(self, data: Any) -> None:
        if isinstance(data, dict) and isinstance(data.get("items"), dict):
            self.inventory = Inventory(
                {str(k): int(v) for k, v in data["items"].items()}, int(data.get("coins", 0))
            )

    async def refresh_profile(self) -> None:
        data = await self.api("GET", "/api/me")
        self.player = dict(data.get("player") or self.player)
        self.server_best = int(data.get("best_score") or 0)
        self._set_inventory(data.get("inventory"))

    async def refresh_inventory(self) -> None:
        self._set_inventory(await self.api("GET", "/api/inventory"))

    async def load_catalog(self) -> None:
        try:
            data = await self.api("GET", "/api/catalog", auth=False)
        except ServiceError as exc:
            self.catalog_error = exc.message
            return
        self.catalog = [i for i in data.get("items", []) if isinstance(i, dict)]
        self.coin_items = [i for i in data.get("coin_items", []) if isinstance(i, dict)]
        self.catalog_error = ""

    # ---- revives, ads, runs -----------------------------------------------------------------

    async def consume_revive(self) -> bool:
        """Spend one revive token on the server; False when there is none left."""
        try:
            data = await self.api(
                "POST", "/api/inventory/consume", {"item_id": REVIVE_ITEM, "quantity": 1}
            )
        except ServiceError as exc:
            if exc.status == 409:
                self.inventory.items[REVIVE_ITEM] = 0
                return False
            raise
        self._set_inventory(data)
        return True

    async def watch_ad(self) -> AdOutcome:
        """Show one rewarded ad; only a view watched to the end rewards (never twice at once)."""
        if self.bridge is None or not self.ads_available:
            return AdOutcome(False, "Ads are not available here")
        if self._ad_busy:
            return AdOutcome(False, "An ad is already playing")
        self._ad_busy = True
        try:
            result = await self.bridge.show_rewarded_ad(AD_UNIT)
        except BridgeError as exc:
            return AdOutcome(False, _AD_ERRORS.get(exc.code, "The ad could not be shown"))
        finally:
            self._ad_busy = False
        if not result.rewarded:
            return AdOutcome(False, "Watch the whole ad to get the reward")
        return AdOutcome(True)

    async def claim_ad_reward(self, placement: str) -> dict[str, Any]:
        data = await self.api("POST", "/api/ads/reward", {"placement": placement})
        self._set_inventory(data.get("inventory") if isinstance(data, dict) else None)
        return data if isinstance(data, dict) else {}

    async def start_run(self) -> RunTicket:
        """A run started by the server: its id and the seed of its world."""
        data = await self.api("POST", "/api/runs", {})
        return RunTicket(int(data["run_id"]), int(data["seed"]))

    async def revive_run(self, run_id: int, paid_with: str) -> bool:
        """The run's revive on the server: ``token`` spends one (False when none is left),
        ``ad`` counts the watched ad against the ad caps."""
        path = f"/api/runs/{run_id}/revive"
        try:
            data = await self.api("POST", path, {"paid_with": paid_with})
        except ServiceError as exc:
            if exc.status == 409 and exc.code == "not_enough":
                self.inventory.items[REVIVE_ITEM] = 0
                return False
            raise
        self._set_inventory(data.get("inventory"))
        return True

    async def finish_run(self, run_id: int, world: World) -> RunResult:
        """Post the run's input log; the server grants what its replay of the log earns."""
        self.store.record_best(world.score)
        body = {
            "log": world.log.log().to_json(),
            "score": world.score,
            "coins": world.coins_collected,
        }
        try:
            data = await self.api("POST", f"/api/runs/{run_id}/result", body)
        except ServiceError as exc:
            return RunResult(self.store.best_score, 0, False, f"Run not saved: {exc.message}")
        self.server_best = int(data.get("best_score") or self.server_best)
        self._set_inventory(data.get("inventory"))
        granted = int(data.get("coins_granted") or 0)
        capped = f"Daily coin limit reached: {granted} of {world.coins_collected} coins saved"
        return RunResult(self.best_score, granted, True, capped if data.get("capped") else "")

    # ---- the shop ---------------------------------------------------------------------------

    def buy(self, item_id: str) -> tuple[Purchase, Job[None]]:
        """Start a Beans purchase; the scene watches ``Purchase.state``."""
        purchase = Purchase(item_id)
        return purchase, self.spawn(purchases.run(self, purchase))

    async def buy_with_coins(self, item_id: str) -> str:
        """Buy a cosmetic with coins; the server records it or refuses (never the client alone)."""
        try:
            data = await self.api("POST", "/api/shop/coins", {"item_id": item_id})
        except ServiceError as exc:
            return exc.message if exc.status == 409 else f"Could not buy: {exc.message}"
        self._set_inventory(data.get("inventory"))
        return "Unlocked!"


_AD_ERRORS = {
    ErrorCode.NO_FILL: "No ad available right now, try again later",
    ErrorCode.NOT_SUPPORTED: "Ads are not supported here",
    ErrorCode.BUSY: "An ad is already playing",
    ErrorCode.TIMEOUT: "The ad timed out",
    ErrorCode.NETWORK: "No connection for the ad",
    ErrorCode.CANCELLED: "Watch the whole ad to get the reward",
}
