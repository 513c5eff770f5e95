"""bridge.sound: the platform's player (TTAudio) where there is one, None elsewhere."""

from __future__ import annotations

from typing import Any

from bridge.sound import PlatformSounds, platform_sounds


class FakeAudio:
    """ttaudio.js's TTAudio as Pyodide shows it: synchronous methods, plain arguments."""

    def __init__(self, available: bool = True) -> None:
        self._available = available
        self.calls: list[tuple[Any, ...]] = []

    def available(self) -> bool:
        return self._available

    def load(self, name: str, src: str, loop: bool) -> bool:
        self.calls.append(("load", name, src, loop))
        return name != "broken"

    def play(self, name: str, volume: float) -> None:
        self.calls.append(("play", name, volume))

    def setVolume(self, name: str, volume: float) -> None:
        self.calls.append(("setVolume", name, volume))

    def pause(self, name: str) -> None:
        self.calls.append(("pause", name))

    def resume(self, name: str) -> None:
        self.calls.append(("resume", name))


class Js:
    def __init__(self, audio: Any = None) -> None:
        if audio is not None:
            self.TTAudio = audio


def test_a_runtime_with_ttaudio_gets_a_player() -> None:
    audio = FakeAudio()
    sounds = platform_sounds(Js(audio))
    assert isinstance(sounds, PlatformSounds)
    assert sounds.load("music", "assets/sounds/music.ogg", loop=True)
    assert not sounds.load("broken", "assets/sounds/x.ogg")
    sounds.play("jump", 0.8)
    sounds.set_volume("music", 0.5)
    sounds.pause("music")
    sounds.resume("music")
    assert audio.calls == [
        ("load", "music", "assets/sounds/music.ogg", True),
        ("load", "broken", "assets/sounds/x.ogg", False),
        ("play", "jump", 0.8),
        ("setVolume", "music", 0.5),
        ("pause", "music"),
        ("resume", "music"),
    ]


def test_no_player_without_ttaudio_or_an_audio_api() -> None:
    assert platform_sounds(Js()) is None
    assert platform_sounds(Js(FakeAudio(available=False))) is None


def test_no_player_natively() -> None:
    assert platform_sounds() is None  # a desktop: pygame's mixer plays


def test_a_failing_js_proxy_is_no_player() -> None:
    class Broken:
        def available(self) -> bool:
            raise RuntimeError("JsException")

    assert platform_sounds(Js(Broken())) is None
