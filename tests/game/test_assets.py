"""The generated assets exist, load, stay small, and every name the game uses is there."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from game.assets import ASSETS_DIR, AssetError, Assets
from game.audio import SOUNDS, Audio
from game.render import SKINS, Renderer

SHOP_IMAGES = ("revive_pack", "skin_golden", "starter_bundle", "skin_cocoa")


def test_assets_are_small() -> None:
    files = [p for p in ASSETS_DIR.rglob("*") if p.is_file()]
    sizes = [p.stat().st_size for p in files]
    assert sum(sizes) < 2 * 1024 * 1024
    assert all(0 < s < 2 * 1024 * 1024 for s in sizes)


def test_every_sprite_the_renderer_needs_loads(display: pygame.Surface) -> None:
    assets = Assets()
    renderer = Renderer(assets)
    for skin in SKINS:
        assert renderer.bean(skin).get_width() > 20
    for name in SHOP_IMAGES:
        assert assets.image(f"shop/{name}.png").get_size() == (96, 96)
    for icon in (
        "pause",
        "play",
        "shop",
        "profile",
        "sound_on",
        "sound_off",
        "ad",
        "heart",
        "beans",
    ):
        assert assets.image(f"ui/{icon}.png").get_size() == (32, 32)


def test_a_missing_asset_is_a_clear_error(display: pygame.Surface, tmp_path: Path) -> None:
    with pytest.raises(AssetError, match=r"cannot load"):
        Assets(tmp_path).image("sprites/nothing.png")


def test_sounds_are_ogg_vorbis_and_load() -> None:
    for name in ("jump", "coin", "spring", "fall", "button", "music"):
        data = (ASSETS_DIR / "sounds" / f"{name}.ogg").read_bytes()
        assert data[:4] == b"OggS" and b"vorbis" in data[:64]
    audio = Audio(ASSETS_DIR)
    try:
        if not audio.available:
            pytest.skip("no audio device, not even SDL's dummy one")
        assert set(SOUNDS) <= set(audio._sounds)
        audio.mute("hidden")
        assert audio.muted
        audio.unmute("hidden")
        audio.set_volumes(music=3, sfx=-1)
        assert (audio.music_volume, audio.sfx_volume) == (1.0, 0.0)
    finally:
        pygame.mixer.quit()
