"""The one place that tells the runtimes apart: native, pygbag or Pyodide."""

from __future__ import annotations

import sys
from typing import Any, Literal

Runtime = Literal["native", "pygbag", "pyodide"]


def detect() -> Runtime:
    """``native`` off the web; on emscripten ``pygbag`` when its ``platform`` module has ``window``."""
    platform_name: str = sys.platform  # a plain str: mypy would fold the comparison
    if platform_name != "emscripten":
        return "native"
    import platform  # pygbag replaces the standard module with its own

    return "pygbag" if hasattr(platform, "window") else "pyodide"


def is_web() -> bool:
    """True in a browser (pygbag or Pyodide)."""
    return detect() != "native"


# The page's loading screen (bridge/web/loading.js, window.BeanhopBoot) waits for the game: it goes
# away at the first flip and shows the error when main() fails. Off the web these do nothing.
_started = False


def _boot() -> Any:
    """``window.BeanhopBoot`` in a browser (``js`` is the page's globalThis on both runtimes)."""
    if not is_web():
        return None
    import js

    return getattr(js, "BeanhopBoot", None)


def boot_started() -> None:
    """The game's first frame is on screen: the loading screen goes. Cheap to call every frame."""
    global _started
    if _started:
        return
    _started = True
    boot = _boot()
    if boot is not None:
        boot.started()


def boot_failed(error: BaseException) -> None:
    """The game could not start or stopped with ``error``: the page says so (and the console)."""
    boot = _boot()
    if boot is not None:
        boot.fail(f"{type(error).__name__}: {error}", "python")
