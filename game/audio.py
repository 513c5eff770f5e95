"""Sound effects, the music loop, volumes and mute.

Muting has reasons: the player's own switch, the app being hidden, an ad playing. Sound plays only
when there is no reason left. Without an audio device (headless, CI) everything is a no-op.
"""

from __future__ import annotations

from pathlib import Path

import pygame

SOUNDS = ("jump", "coin", "spring", "fall", "button", "crumble", "powerup")
_FILES = {"crumble": "fall", "powerup": "spring"}  # effects that share a sound


class Audio:
    def __init__(self, root: Path, *, enabled: bool = True) -> None:
        self.root = root
        self.music_volume = 0.6
        self.sfx_volume = 0.8
        self.user_muted = False
        self._reasons: set[str] = set()
        self._sounds: dict[str, pygame.mixer.Sound] = {}
        self._music_started = False
        self.available = enabled and self._init_mixer()

    def _init_mixer(self) -> bool:
        try:
            if not pygame.mixer.get_init():
                pygame.mixer.init(frequency=22050, size=-16, channels=2, buffer=512)
            for name in SOUNDS:
                path = self.root / "sounds" / f"{_FILES.get(name, name)}.ogg"
                self._sounds[name] = pygame.mixer.Sound(str(path))
        except (pygame.error, FileNotFoundError):
            return False
        return True

    @property
    def muted(self) -> bool:
        return self.user_muted or bool(self._reasons)

    def mute(self, reason: str) -> None:
        self._reasons.add(reason)
        self._apply()

    def unmute(self, reason: str) -> None:
        self._reasons.discard(reason)
        self._apply()

    def set_user_muted(self, muted: bool) -> None:
        self.user_muted = muted
        self._apply()

    def set_volumes(self, *, music: float | None = None, sfx: float | None = None) -> None:
        if music is not None:
            self.music_volume = round(max(0.0, min(1.0, music)), 2)
        if sfx is not None:
            self.sfx_volume = round(max(0.0, min(1.0, sfx)), 2)
        self._apply()

    def play(self, name: str) -> None:
        if self.available and not self.muted and name in self._sounds:
            sound = self._sounds[name]
            sound.set_volume(self.sfx_volume)
            sound.play()

    def start_music(self) -> None:
        """Start the loop (in a browser this must follow a user gesture: the title's tap)."""
        if not self.available or self._music_started:
            return
        try:
            pygame.mixer.music.load(str(self.root / "sounds" / "music.ogg"))
            pygame.mixer.music.play(-1)
        except pygame.error:
            return
        self._music_started = True
        self._apply()

    def _apply(self) -> None:
        if not self.available:
            return
        if self.muted:
            pygame.mixer.pause()
        else:
            pygame.mixer.unpause()
        if self._music_started:
            pygame.mixer.music.set_volume(0.0 if self.muted else self.music_volume)
