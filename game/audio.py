"""Sound effects, the music loop, volumes and mute.

Muting has reasons: the player's own switch, the app being hidden, an ad playing. Sound plays only
when there is no reason left. Without an audio device (headless, CI) everything is a no-op.
Where pygame's mixer has no device but the platform plays files (TikTok's native runtime,
``bridge.sound``), the same sounds go through the platform.
"""

from __future__ import annotations

from pathlib import Path

import pygame

from bridge.sound import PlatformSounds

SOUNDS = ("jump", "coin", "spring", "fall", "button", "crumble", "powerup")
_FILES = {"crumble": "fall", "powerup": "spring"}  # effects that share a sound


class Audio:
    def __init__(
        self, root: Path, *, enabled: bool = True, platform: PlatformSounds | None = None
    ) -> None:
        self.root = root
        self.music_volume = 0.6
        self.sfx_volume = 0.8
        self.user_muted = False
        self._reasons: set[str] = set()
        self._sounds: dict[str, pygame.mixer.Sound] = {}
        self._music_started = False
        self._platform: PlatformSounds | None = None
        self.available = enabled and (self._init_mixer() or self._init_platform(platform))

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

    def _init_platform(self, platform: PlatformSounds | None) -> bool:
        """The platform's player, with each effect and the music as files of the app."""
        if platform is None:
            return False
        folder = f"{self.root.name}/sounds"  # the sounds' path relative to the app folder
        names = [*SOUNDS, "music"]
        if not all(
            platform.load(n, f"{folder}/{_FILES.get(n, n)}.ogg", loop=n == "music") for n in names
        ):
            return False
        self._platform = platform
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
        if self._platform is not None:
            if not self.muted and name in SOUNDS:
                self._platform.play(name, self.sfx_volume)
            return
        if self.available and not self.muted and name in self._sounds:
            sound = self._sounds[name]
            sound.set_volume(self.sfx_volume)
            sound.play()

    def start_music(self) -> None:
        """Start the loop (in a browser this must follow a user gesture: the title's tap)."""
        if not self.available or self._music_started:
            return
        if self._platform is not None:
            self._music_started = True
            self._apply()
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
        if self._platform is not None:
            if self._music_started and self.muted:
                self._platform.pause("music")
            elif self._music_started:
                self._platform.set_volume("music", self.music_volume)
                self._platform.resume("music")
            return
        if self.muted:
            pygame.mixer.pause()
        else:
            pygame.mixer.unpause()
        if self._music_started:
            pygame.mixer.music.set_volume(0.0 if self.muted else self.music_volume)
