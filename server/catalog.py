"""The shop: every item, its Beans price and what it grants, from one data file (catalog.json).

Prices come from here and only from here: a client never names a price. Stock ids are `coins`,
`revive` and `skin.<name>`; permanent items may be bought once per player.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

CATALOG_FILE = Path(__file__).resolve().parent / "catalog.json"
CONSUMABLE_STOCKS = frozenset({"revive"})


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    description: str
    kind: Literal["consumable", "permanent"]
    grants: dict[str, int]
    image: str
    price_beans: int = 0
    price_coins: int = 0
    unit: str = "item"

    def public(self, base_url: str) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "kind": self.kind,
            "grants": dict(self.grants),
            "image": f"/assets/{self.image}",
            "image_url": self.image_url(base_url),
        }
        if self.price_coins:
            data["price_coins"] = self.price_coins
        else:
            data["price_beans"] = self.price_beans
        return data

    def image_url(self, base_url: str) -> str:
        return f"{base_url}/assets/{self.image}"

    @property
    def owned_stocks(self) -> list[str]:
        """The permanent stocks whose presence means the player already owns this item."""
        return [stock for stock in self.grants if stock.startswith("skin.")]


@dataclass(frozen=True)
class Catalog:
    items: dict[str, Item]
    coin_items: dict[str, Item] = field(default_factory=dict)

    def item(self, item_id: str) -> Item | None:
        return self.items.get(item_id)

    def coin_item(self, item_id: str) -> Item | None:
        return self.coin_items.get(item_id)

    def prices(self) -> list[int]:
        return sorted({item.price_beans for item in self.items.values()})

    def public(self, base_url: str) -> dict[str, Any]:
        return {
            "items": [item.public(base_url) for item in self.items.values()],
            "coin_items": [item.public(base_url) for item in self.coin_items.values()],
        }


def _item(raw: dict[str, Any], *, coins: bool) -> Item:
    grants = {str(k): int(v) for k, v in raw["grants"].items()}
    if raw["kind"] not in ("consumable", "permanent"):
        raise ValueError(f"catalog item {raw['id']}: kind must be consumable or permanent")
    if not grants or any(v <= 0 for v in grants.values()):
        raise ValueError(f"catalog item {raw['id']}: grants must be positive")
    price_key = "price_coins" if coins else "price_beans"
    price = raw[price_key]
    if not isinstance(price, int) or price <= 0:
        raise ValueError(f"catalog item {raw['id']}: {price_key} must be a positive integer")
    return Item(
        id=raw["id"],
        title=raw["title"],
        description=raw["description"],
        kind=raw["kind"],
        grants=grants,
        image=raw["image"],
        price_beans=0 if coins else price,
        price_coins=price if coins else 0,
        unit=raw.get("unit", "item"),
    )


def load_catalog(path: Path = CATALOG_FILE) -> Catalog:
    """Read and validate the catalog; raises ValueError naming the bad item."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    items = {i["id"]: _item(i, coins=False) for i in raw["items"]}
    coin_items = {i["id"]: _item(i, coins=True) for i in raw.get("coin_items", [])}
    if set(items) & set(coin_items):
        raise ValueError("catalog ids must be unique across items and coin_items")
    return Catalog(items=items, coin_items=coin_items)
