"""Sound through the platform, where pygame-ce's mixer has no audio device.

TikTok's native runtime has no Web Audio for SDL; it plays files with
``TTMinis.game.createInnerAudioContext``, which ``bridge/js/ttaudio.js`` wraps as ``TTAudio``.
:func:`platform_sounds` returns that player, or None where there is none (natively and in a
browser page pygame's mixer plays). Paths are the sound files' paths relative to the app folder,
which the native package keeps as package files.
"""

from __future__ import annotations

from typing import Any

from bridge import runtime


class PlatformSounds:
    """Named sounds played by the platform; every call is fire-and-forget."""

    def __init__(self, audio: Any) -> None:
        self._audio = audio

    def load(self, name: str, path: str, *, loop: bool = False) -> bool:
        """Prepares a sound; False when the platform cannot play it."""
        return bool(self._audio.load(name, path, loop))

    def play(self, name: str, volume: float) -> None:
        self._audio.play(name, volume)

    def set_volume(self, name: str, volume: float) -> None:
        self._audio.setVolume(name, volume)

    def pause(self, name: str) -> None:
        self._audio.pause(name)

    def resume(self, name: str) -> None:
        self._audio.resume(name)


def platform_sounds(js: Any = None) -> PlatformSounds | None:
    """The platform's player in a runtime that has ``TTAudio`` with an audio API, else None."""
    if js is None:
        if not runtime.is_web():
            return None
        try:
            import js as js_module
        except ImportError:
            return None
        js = js_module
    try:
        audio = getattr(js, "TTAudio", None)
        return PlatformSounds(audio) if audio is not None and bool(audio.available()) else None
    except Exception:  # a JS proxy that fails is no player
        return None
