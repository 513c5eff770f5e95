"""Fixtures of the native package's tests: the emulator's Chromium, an audio spy, the page."""

from __future__ import annotations

from typing import Any

# The emulator's tests' Chromium (no autoplay policy, as on a device: Chromium's would keep
# InnerAudioContexts silent), shared rather than launched by a second copy of the fixture.
from tests.bridge.native.conftest import browser

__all__ = ["AUDIO_SPY", "PLAYING", "browser", "open_page"]


# The emulator plays each InnerAudioContext with a `new Audio()` of the page (not in the DOM):
# this keeps them in window.beanhopAudios, and what they were asked to play in beanhopPlayed.
AUDIO_SPY = """(() => {
  const Real = window.Audio;
  const audios = window.beanhopAudios = [];
  const played = window.beanhopPlayed = [];
  window.Audio = function (src) {
    const audio = new Real(src);
    audios.push(audio);
    return audio;
  };
  window.Audio.prototype = Real.prototype;
  const play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function () {
    played.push(this.src.split('/').pop());
    return play.apply(this, arguments);
  };
})();"""
PLAYING = "() => window.beanhopAudios.some((a) => !a.paused)"


def open_page(browser: Any, url: str) -> Any:
    """The emulator's page with the audio spy, at ``url``."""
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.set_default_timeout(60_000)
    page.add_init_script(AUDIO_SPY)
    page.goto(url)
    return page
