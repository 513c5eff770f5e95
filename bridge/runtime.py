"""The one place that tells the runtimes apart: native, pygbag or Pyodide."""

from __future__ import annotations

import sys
from typing import Literal

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
