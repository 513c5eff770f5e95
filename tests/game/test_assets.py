"""The generated assets exist, load, stay small, and every name the game uses is there."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from game.assets import ASSETS_DIR, AssetError, Assets, rle
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


def test_rle_marks_finished_alpha_surfaces_and_blits_the_same(display: pygame.Surface) -> None:
    sprite = pygame.Surface((40, 40), pygame.SRCALPHA)
    pygame.draw.circle(sprite, (255, 255, 255, 110), (20, 20), 18)
    pygame.draw.circle(sprite, (250, 120, 40, 255), (20, 20), 8)
    encoded = rle(sprite.copy())
    assert encoded.get_flags() & (pygame.RLEACCELOK | pygame.RLEACCEL)
    plain, fast = (pygame.Surface((40, 40)) for _ in range(2))
    for target, img in ((plain, sprite), (fast, encoded)):
        target.fill((92, 108, 230))
        target.blit(img, (0, 0))
    diffs = [
        abs(a - b)
        for x in range(40)
        for y in range(40)
        for a, b in zip(plain.get_at((x, y)), fast.get_at((x, y)), strict=True)
    ]
    assert max(diffs) <= 1, "run-length encoding changes blending by rounding only"
    opaque = pygame.Surface((8, 8))
    assert not rle(opaque).get_flags() & (pygame.RLEACCELOK | pygame.RLEACCEL)


def test_images_and_texts_are_ready_for_fast_blits(display: pygame.Surface) -> None:
    assets = Assets()
    for surf in (
        assets.image("background/clouds_far.png"),
        assets.text("Shop", 26),
        assets.outlined("12", 44),
    ):
        assert surf.get_flags() & (pygame.RLEACCELOK | pygame.RLEACCEL)


def test_wrapped_lines_are_measured_once_and_follow_text_and_width(
    display: pygame.Surface,
) -> None:
    assets = Assets()
    text = "It needs the game server. You can still play!"
    lines = assets.wrapped(text, 20, 200)
    assert assets.wrapped(text, 20, 200) is lines, "cached"
    assert len(lines) > 1 and all(line.get_width() <= 200 for line in lines)
    wide = assets.wrapped(text, 20, 600)
    assert len(wide) == 1 and wide[0].get_width() > 200
    other = assets.wrapped("Come back soon", 20, 200)
    assert len(other) == 1 and other[0] is assets.text("Come back soon", 20)
