"""The profile: skins owned on the server, volumes and mute."""

from __future__ import annotations

from tests.game.conftest import Game


async def test_profile_chooses_owned_skins_and_sets_volumes(game: Game) -> None:
    game.server.items = {"skin.golden": 1}
    await game.settle()
    game.click("profile")
    await game.frames(31)
    assert game.scene.owned_skins() == ["classic", "golden"]
    assert not game.scene.button("skin:cocoa").enabled
    game.click("skin:golden")
    assert game.ctx.store.get("skin") == "golden"
    before = game.ctx.audio.music_volume
    game.click("music-")
    assert game.ctx.audio.music_volume == round(before - 0.1, 2)
    game.click("mute")
    assert game.ctx.audio.user_muted and game.ctx.store.get("muted") is True
    game.click("back")
    assert game.manager.name == "title"


async def test_a_skin_no_longer_owned_falls_back_to_the_classic_bean(game: Game) -> None:
    game.server.items = {"skin.golden": 1}
    await game.settle()
    game.ctx.store.set(skin="golden")
    assert game.scene.skin == "golden"
    game.server.items = {}  # refunded
    await game.ctx.services.refresh_inventory()
    assert game.scene.skin == "classic"
    assert game.ctx.store.get("skin") == "golden", "the choice stays for when it comes back"
