"""The benchmarks' scripted run (``--tour``): the same scenes natively and in a browser.

The title for 3 s, the shop for 3 s (pressed like a player would: its button, then "back"),
the title again, and from then on the autoplay bot: a run, game over, results, the next run.
The tour holds the bot back until the shop is seen, so the title waits for the tour. Each run
lasts RUN_FRAMES before the bot gives up: signed in, the server picks the run's seed, and a
careful bot on a lucky seed would otherwise climb for minutes and never show game over.
"""

from __future__ import annotations

import pygame

from game.scenes import Context, SceneManager

TOUR_FRAMES = 180  # 3 s at 60 frames/s on each stop
RUN_FRAMES = 480  # 8 s of climbing, then the bot lets go
STOPS = (("title", "shop"), ("shop", "back"))  # (scene, the button that leaves it)


class Tour:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.stop = 0
        ctx.autoplay = False  # until the last stop: the bot would leave the title at once

    @property
    def done(self) -> bool:
        return self.stop >= len(STOPS)

    def step(self, manager: SceneManager) -> None:
        """Once per frame, before the update: leaves a stop after TOUR_FRAMES frames on it."""
        if self.done:
            self._end_long_run(manager)
            return
        scene, button = STOPS[self.stop]
        if manager.name != scene or manager.current.frames < TOUR_FRAMES:
            return
        self.stop += 1
        if self.done:
            self.ctx.autoplay = True
        center = manager.current.button(button).rect.center
        for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
            manager.handle_event(pygame.event.Event(kind, pos=center, button=1))

    def _end_long_run(self, manager: SceneManager) -> None:
        bot = getattr(manager.current, "bot", None) if manager.name == "play" else None
        if bot is not None and manager.current.frames >= RUN_FRAMES:
            bot.give_up()
