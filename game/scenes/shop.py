"""The shop: the server's catalog priced in Beans, plus cosmetics priced in coins.

A Beans purchase goes server order -> bridge pay -> poll until the server says fulfilled; the
item appears only when the server's inventory has it.
"""

from __future__ import annotations

import logging
import math
from typing import Any
from urllib.parse import urlsplit

import pygame

from game.assets import CORAL, CREAM, INK, TEAL, WHITE, rle
from game.scenes.base import AUTOPLAY_WAIT, Scene
from game.services import Job, Purchase
from game.ui import Button, centered
from rules.world import HEIGHT, WIDTH

CARD_H = 100
TOP = 118
MAX_CARDS = 5
MUTED = (110, 114, 140)
ASSETS_URL = "/assets/"  # where the server serves the catalog's pictures (docs/interfaces.md)
NO_IMAGE = "ui/heart.png"
log = logging.getLogger(__name__)


def image_asset(image: object) -> str | None:
    """The game's asset path for a catalog item's ``image``, or None when it names none.

    The catalog's ``image`` is the URL path the server serves the picture at
    (``/assets/shop/skin_golden.png``; an absolute URL works too); the game ships the same file
    under its own assets folder (``shop/skin_golden.png``). This is the one place that maps one to
    the other.
    """
    path = urlsplit(str(image or "")).path
    rel = path.removeprefix(ASSETS_URL)
    if rel == path or not rel or rel.startswith("/") or ".." in rel.split("/"):
        return None  # not under /assets/, or not a plain relative path below it
    return rel


class ShopScene(Scene):
    name = "shop"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.back = "title"
        self.purchase: Purchase | None = None
        self.purchase_job: Job[None] | None = None
        self.coin_job: Job[str] | None = None
        self.load_job: Job[Any] | None = None
        self.message = ""
        self.items: list[dict[str, Any]] = []
        self._thumbs: dict[str, pygame.Surface] = {}
        self._loaded = False

    def enter(self, payload: dict[str, Any]) -> None:
        self.back = str(payload.get("back", "title"))
        self.message = ""
        self._loaded = False
        self._layout()

    async def _load(self) -> None:
        services = self.ctx.services
        await services.load_catalog()
        if services.online:
            await services.refresh_inventory()

    def _layout(self) -> None:
        services = self.ctx.services
        self.items = [*services.catalog, *services.coin_items][:MAX_CARDS]
        busy = self.purchase is not None and not self.purchase.finished
        self.buttons = [Button("back", pygame.Rect(14, 14, 48, 48), icon="back", style="dark")]
        for i, item in enumerate(self.items):
            y = TOP + i * (CARD_H + 8)
            rect = pygame.Rect(WIDTH - 124, y + CARD_H - 50, 104, 42)
            owned = self._owned(item)
            if "price_coins" in item:
                label, icon, style = str(item["price_coins"]), "coin", "gold"
            else:
                label, icon, style = str(item.get("price_beans", "?")), "beans", "primary"
            if owned:
                label, icon, style = "Owned", "check", "secondary"
            b = Button(f"buy:{item.get('id')}", rect, label, icon=icon, style=style, size=24)
            b.enabled = services.online and not busy and not owned and self.coin_job is None
            self.buttons.append(b)

    def _owned(self, item: dict[str, Any]) -> bool:
        if item.get("kind") != "permanent":
            return False
        grants = item.get("grants") or {}
        skins = [k for k in grants if str(k).startswith("skin.")]
        if skins:
            return all(self.ctx.services.inventory.count(k) > 0 for k in skins)
        return False

    def on_button(self, button_id: str) -> None:
        if button_id == "back":
            self.go(self.back)
            return
        item_id = button_id.removeprefix("buy:")
        item = next((i for i in self.items if i.get("id") == item_id), None)
        if item is None:
            return
        services = self.ctx.services
        if "price_coins" in item:
            self.coin_job = services.spawn(services.buy_with_coins(item_id))
            self.message = "Buying…"
        else:
            self.purchase, self.purchase_job = services.buy(item_id)
            self.message = ""
        self._layout()

    def update(self, dt: float) -> None:
        super().update(dt)
        changed = False
        if self.load_job is not None and self.load_job.done():
            self.load_job.error()  # failures are kept in services.catalog_error
            self.load_job, changed = None, True
        if not self._loaded and self.ctx.services.status != "connecting":
            # once sign-in has settled (either way): fresh catalog, and the inventory if signed in
            self._loaded = True
            self.load_job = self.ctx.services.spawn(self._load())
        if self.purchase_job is not None and self.purchase_job.done():
            if self.purchase_job.error() is not None and self.purchase is not None:
                self.purchase.state, self.purchase.message = "failed", "Purchase failed, try again"
            self.purchase_job, changed = None, True
        if self.coin_job is not None and self.coin_job.done():
            error = self.coin_job.error()
            self.message = self.coin_job.result() if error is None else "Could not buy, try again"
            self.coin_job, changed = None, True
        if changed or (self.purchase is not None and self.frames % 10 == 0):
            self._layout()
        if self.ctx.autoplay and self.frames == AUTOPLAY_WAIT:
            self.on_button("back")

    @property
    def status(self) -> str:
        if self.purchase is not None and (not self.purchase.finished or not self.message):
            return self.purchase.message
        return self.message

    def draw(self, surface: pygame.Surface) -> None:
        a, _p, services = self.ctx.assets, self.ctx.painter, self.ctx.services
        self.ctx.renderer.draw_background(surface, 900.0)
        centered(surface, a.outlined("Shop", 48, WHITE), 40)
        self._draw_wallet(surface)
        if not services.online:
            reason = services.guest_reason or "signing in"
            banner = pygame.Rect(14, 74, WIDTH - 28, 38)
            pygame.draw.rect(surface, CORAL, banner, border_radius=12)
            centered(surface, a.text(f"Purchases unavailable: {reason}", 20, WHITE), banner.centery)
        if not self.items:
            self._draw_empty(surface)
        for i, item in enumerate(self.items):
            self._draw_card(
                surface, item, pygame.Rect(14, TOP + i * (CARD_H + 8), WIDTH - 28, CARD_H)
            )
        self.draw_buttons(surface)
        self._draw_status(surface)

    def _draw_empty(self, surface: pygame.Surface) -> None:
        a, services = self.ctx.assets, self.ctx.services
        if self.load_job is not None or services.status == "connecting":
            title, detail = "Loading the shop…", "One moment"
        elif services.catalog_error:
            title = "The shop is closed"
            detail = f"It needs the game server ({services.catalog_error}). You can still play!"
        else:
            title, detail = "The shop is empty", "Come back soon"
        box = pygame.Rect(30, HEIGHT // 2 - 90, WIDTH - 60, 170)
        self.ctx.painter.panel(surface, box)
        centered(surface, a.text(title, 30, INK), box.top + 40)
        for i, line in enumerate(a.wrapped(detail, 20, box.width - 40, MUTED)):
            centered(surface, line, box.top + 84 + i * 24)

    def _draw_wallet(self, surface: pygame.Surface) -> None:
        a = self.ctx.assets
        coins = a.outlined(str(self.ctx.services.inventory.coins), 26)
        x = WIDTH - 16 - coins.get_width()
        surface.blit(coins, (x, 24))
        icon = self.ctx.renderer.hud_coin
        surface.blit(icon, (x - icon.get_width() - 6, 26))

    def _draw_card(self, surface: pygame.Surface, item: dict[str, Any], rect: pygame.Rect) -> None:
        a = self.ctx.assets
        self.ctx.painter.panel(surface, rect, CREAM)
        img = self._thumb(item)
        surface.blit(img, (rect.left + 10, rect.top + 12))
        x = rect.left + 96
        surface.blit(a.text(str(item.get("title", "Item")), 26, INK), (x, rect.top + 10))
        lines = a.wrapped(str(item.get("description", "")), 17, rect.width - 214, MUTED)
        for j, line in enumerate(lines[:4]):
            surface.blit(line, (x, rect.top + 36 + j * 15))

    def _thumb(self, item: dict[str, Any]) -> pygame.Surface:
        image = str(item.get("image") or "")
        thumb = self._thumbs.get(image)
        if thumb is None:
            a, rel = self.ctx.assets, image_asset(image)
            if rel is None or not a.has(rel):
                # once per image: the thumbnail is cached, fallback included
                log.warning(
                    "shop: item %r has image %r, which is not in the game's assets; showing %s",
                    item.get("id"), image, NO_IMAGE,
                )  # fmt: skip
                rel = NO_IMAGE
            thumb = rle(pygame.transform.smoothscale(a.image(rel), (76, 76)))
            self._thumbs[image] = thumb
        return thumb

    def _draw_status(self, surface: pygame.Surface) -> None:
        text = self.status
        if not text:
            return
        a = self.ctx.assets
        box = pygame.Rect(14, HEIGHT - 70, WIDTH - 28, 56)
        busy = self.purchase is not None and not self.purchase.finished
        state = self.purchase.state if self.purchase else ""
        color = (
            TEAL
            if state == "done" or busy
            else (CORAL if state in ("failed", "cancelled") else INK)
        )
        pygame.draw.rect(surface, color, box, border_radius=16)
        lines = a.wrapped(text, 20, box.width - (60 if busy else 24), WHITE)
        for j, line in enumerate(lines[:2]):
            surface.blit(
                line,
                (
                    box.left + (50 if busy else 12),
                    box.top + 8 + j * 21 + (10 if len(lines) == 1 else 0),
                ),
            )
        if busy:
            angle = self.frames / 8
            for k in range(8):
                px = box.left + 26 + 12 * math.cos(angle + k * math.pi / 4)
                py = box.centery + 12 * math.sin(angle + k * math.pi / 4)
                pygame.draw.circle(surface, WHITE, (px, py), 1 + k // 3)
