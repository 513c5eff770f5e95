"""Headless Chromium for the project's own tools and tests: Debian's ``chromium``, never a download.

One place for its path (``CHROMIUM``, default ``/usr/bin/chromium``) and for the flags that keep it
quiet on a closed network (docs/web.md): the browser benchmark, the standard library measurement
and the test suite all launch it through here. A desktop tool, not part of the game's app.
"""

from __future__ import annotations

import os
from typing import Any

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def launch(playwright: Any, *extra: str, executable: str = CHROMIUM) -> Any:
    """A headless Chromium from Playwright's ``sync_playwright()`` handle."""
    return playwright.chromium.launch(
        executable_path=executable, headless=True, args=[*CHROMIUM_ARGS, *extra]
    )
