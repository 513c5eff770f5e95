"""Pausing from the platform: hide -> pause (muted) -> show (unmuted, still paused) -> resume."""

from __future__ import annotations

from tests.game.conftest import Game


async def test_hide_pauses_and_mutes_show_unmutes_and_resume_continues(game: Game) -> None:
    await game.settle()
    game.click("play")
    await game.frames(20)
    world = game.scene.world
    ticks = world.ticks
    game.transport.push_event("hide")
    for event in game.ctx.services.events():
        game.manager.platform_event(event)
    assert game.manager.name == "pause"
    assert game.ctx.audio.muted
    await game.frames(30)
    assert world.ticks == ticks, "nothing moves while paused"
    game.transport.push_event("show")
    for event in game.ctx.services.events():
        game.manager.platform_event(event)
    assert not game.ctx.audio.muted
    assert game.manager.name == "pause", "the player resumes, not the platform"
    game.click("resume")
    await game.frames(5)
    assert game.manager.name == "play" and game.scene.world is world and world.ticks == ticks + 5


async def test_an_ad_opening_mutes_until_it_closes(game: Game) -> None:
    await game.settle()
    game.transport.push_event("ad_open")
    for event in game.ctx.services.events():
        game.manager.platform_event(event)
    assert game.ctx.audio.muted
    game.transport.push_event("ad_close")
    for event in game.ctx.services.events():
        game.manager.platform_event(event)
    assert not game.ctx.audio.muted
