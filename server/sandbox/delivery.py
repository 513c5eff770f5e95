"""Webhook delivery: signed POSTs, retries with exponential backoff, a log of every attempt.

Deliveries run as background tasks started on first use (a mounted sub-app gets no lifespan);
``aclose`` cancels them. A delivery's ``faults`` (copied from the switches in force when it was
created) decide how it is signed, delayed or held.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from typing import Any

import httpx

from .config import SandboxConfig
from .signing import HEADER, signature_header
from .state import Delivery, Store

STALE_SECONDS = 3_600
log = logging.getLogger("server.sandbox.delivery")


class Deliverer:
    def __init__(
        self, config: SandboxConfig, store: Store, http_client: httpx.AsyncClient | None
    ) -> None:
        self._config = config
        self._store = store
        self._client = http_client
        self._owns_client = http_client is None
        self._tasks: set[asyncio.Task[None]] = set()
        # out_of_order: delivery id -> the held deliveries to send after its first attempt
        self._waiting: dict[str, list[str]] = {}
        for held in store.deliveries.values():
            if held.status == "held" and held.release_after is not None:
                self._waiting.setdefault(held.release_after, []).append(held.id)

    def start(self, delivery: Delivery) -> None:
        """Send ``delivery`` in the background (it must be ``pending``)."""
        assert delivery.status == "pending", f"cannot start a {delivery.status} delivery"
        task = asyncio.create_task(self._run(delivery), name=f"sandbox-delivery-{delivery.id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(functools.partial(self._ended, delivery))

    def _ended(self, delivery: Delivery, task: asyncio.Task[None]) -> None:
        """A delivery task that crashed must not leave its delivery `pending` with nobody
        retrying it: it is marked `failed`, with the error, and logged."""
        if task.cancelled() or task.exception() is None or delivery.status != "pending":
            return
        error = task.exception()
        log.error("webhook %s: delivery task crashed", delivery.id, exc_info=error)
        delivery.status = "failed"
        if delivery.attempts and not delivery.attempts[-1]["error"]:
            delivery.attempts[-1]["error"] = f"delivery task crashed: {type(error).__name__}"
        self._store.save(delivery)

    async def _run(self, delivery: Delivery) -> None:
        delay = float(delivery.faults.get("delay_seconds") or 0)
        if delay > 0:
            await asyncio.sleep(delay)
        retry = self._config.retry
        while True:
            ok = await self._attempt(delivery)
            last = delivery.attempts[-1]
            outcome = last["status_code"] or last["error"]
            log.info(
                "webhook %s %s attempt %d: %s",
                delivery.id,
                delivery.event,
                len(delivery.attempts),
                outcome,
            )
            if len(delivery.attempts) == 1:
                self._release_held(delivery.id)
            if ok:
                delivery.status = "delivered"
            elif delivery.url is None or len(delivery.attempts) >= retry.max_attempts:
                delivery.status = "failed"
            self._store.save(delivery)
            if delivery.status != "pending":
                return
            await asyncio.sleep(retry.delay_after(len(delivery.attempts)))

    async def _attempt(self, delivery: Delivery) -> bool:
        now = self._config.now()
        attempt: dict[str, Any] = {"at": now, "status_code": None, "error": None}
        delivery.attempts.append(attempt)
        if delivery.url is None:
            attempt["error"] = "no webhook_url configured: nothing to deliver to"
            return False
        body = delivery.body.encode()
        timestamp = int(now) - (STALE_SECONDS if delivery.faults.get("stale_timestamp") else 0)
        secret = self._config.client_secret
        if delivery.faults.get("wrong_secret"):
            secret = "wrong_" + secret
        header = signature_header(secret, timestamp, body)
        delivery.signature = attempt["signature"] = header
        headers = {"Content-Type": "application/json", HEADER: header}
        try:
            response = await self._http().post(delivery.url, content=body, headers=headers)
        except Exception as exc:
            # Any failure to get an answer is a failed attempt, to retry: not only httpx's own
            # errors. A server that dies just as the connection opens makes anyio raise
            # AttributeError (its socket is already gone when httpcore asks for the TLS object);
            # uncaught, it ended the delivery's task and left the delivery `pending` for ever.
            attempt["error"] = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            return False
        attempt["status_code"] = response.status_code
        return response.status_code == 200

    def _release_held(self, delivery_id: str) -> None:
        for held_id in self._waiting.pop(delivery_id, []):
            held = self._store.deliveries.get(held_id)
            if held is not None and held.status == "held":
                held.status = "pending"
                self._store.save(held)
                self.start(held)

    def release_after(self, held: Delivery, first: Delivery) -> None:
        """Send ``held`` once ``first`` has made its first attempt (out_of_order)."""
        held.release_after = first.id
        self._store.save(held)
        self._waiting.setdefault(first.id, []).append(held.id)
        if first.attempts or first.status == "dropped":
            self._release_held(first.id)

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self._config.webhook_timeout)
        return self._client

    async def aclose(self) -> None:
        self._waiting.clear()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._owns_client and self._client is not None:
            await self._client.aclose()
            self._client = None
