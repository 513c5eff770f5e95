"""Fixtures of the native package's tests: headless Chromium that plays sound without a click."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bridge.chromium import CHROMIUM_ARGS


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Any]:
    """A device has no autoplay policy; Chromium's would keep InnerAudioContexts silent."""
    from playwright.sync_api import sync_playwright

    args = [*CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"]
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=chromium_path, headless=True, args=args)
        try:
            yield chromium
        finally:
            chromium.close()


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
