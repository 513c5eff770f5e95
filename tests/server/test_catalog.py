"""The catalog file: required items, validation of bad data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.catalog import CATALOG_FILE, load_catalog


def test_the_shipped_catalog() -> None:
    catalog = load_catalog()
    kinds = {item.id: item.kind for item in catalog.items.values()}
    assert kinds["revive_pack"] == "consumable"
    assert kinds["skin_golden"] == "permanent" and kinds["starter_bundle"] == "permanent"
    bundle = catalog.items["starter_bundle"].grants
    assert (
        bundle["revive"] > 0 and bundle["coins"] > 0 and any(s.startswith("skin.") for s in bundle)
    )
    assert catalog.coin_items["skin_cocoa"].price_coins > 0
    assert catalog.prices() == sorted({i.price_beans for i in catalog.items.values()})
    for item in [*catalog.items.values(), *catalog.coin_items.values()]:
        assert item.image.startswith("shop/") and item.image.endswith(".png")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"price_beans": 0}, "price_beans"),
        ({"price_beans": "10"}, "price_beans"),
        ({"kind": "forever"}, "kind"),
        ({"grants": {}}, "grants"),
        ({"grants": {"revive": -1}}, "grants"),
    ],
)
def test_bad_items_are_named(tmp_path: Path, change: dict[str, object], message: str) -> None:
    data = json.loads(CATALOG_FILE.read_text())
    data["items"][0].update(change)
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match=message) as error:
        load_catalog(path)
    assert data["items"][0]["id"] in str(error.value)


def test_ids_are_unique_across_beans_and_coins(tmp_path: Path) -> None:
    data = json.loads(CATALOG_FILE.read_text())
    data["coin_items"][0]["id"] = data["items"][0]["id"]
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="unique"):
        load_catalog(path)
