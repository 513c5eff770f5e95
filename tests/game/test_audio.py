"""game.audio through the platform's player, where pygame's mixer has no device (TikTok's
native runtime): the same effects, music, volumes and mute reasons."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridge.sound import PlatformSounds
from game.audio import SOUNDS, Audio
from tests.bridge.test_sound import FakeAudio


@pytest.fixture
def audio(monkeypatch: pytest.MonkeyPatch) -> tuple[Audio, FakeAudio]:
    monkeypatch.setattr(Audio, "_init_mixer", lambda self: False)  # no audio device
    fake = FakeAudio()
    return Audio(Path("/app/assets"), platform=PlatformSounds(fake)), fake


def test_every_sound_is_loaded_from_the_apps_files(audio: tuple[Audio, FakeAudio]) -> None:
    player, fake = audio
    assert player.available
    loads = [call for call in fake.calls if call[0] == "load"]
    assert {call[1] for call in loads} == {*SOUNDS, "music"}
    assert ("load", "music", "assets/sounds/music.ogg", True) in loads
    assert ("load", "crumble", "assets/sounds/fall.ogg", False) in loads


def test_effects_play_unless_muted(audio: tuple[Audio, FakeAudio]) -> None:
    player, fake = audio
    fake.calls.clear()
    player.play("jump")
    player.mute("hidden")
    player.play("coin")
    player.unmute("hidden")
    player.play("nonsense")
    assert fake.calls == [("play", "jump", 0.8)]


def test_music_pauses_for_each_reason_and_resumes(audio: tuple[Audio, FakeAudio]) -> None:
    player, fake = audio
    fake.calls.clear()
    player.start_music()
    player.mute("ad")
    player.set_user_muted(True)
    player.unmute("ad")
    player.set_user_muted(False)
    assert fake.calls == [
        ("setVolume", "music", 0.6),
        ("resume", "music"),
        ("pause", "music"),
        ("pause", "music"),
        ("pause", "music"),
        ("setVolume", "music", 0.6),
        ("resume", "music"),
    ]


def test_no_player_when_the_platform_cannot_load(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Audio, "_init_mixer", lambda self: False)

    class Refusing(FakeAudio):
        def load(self, name: str, src: str, loop: bool) -> bool:
            return False

    player = Audio(Path("/app/assets"), platform=PlatformSounds(Refusing()))
    assert not player.available
    player.play("jump")  # a no-op, as without any audio device
