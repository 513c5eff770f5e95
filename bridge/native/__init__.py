"""A desktop emulator of TikTok's native mini-game runtime: ``python -m bridge.native DIR``.

The package runs in a dedicated web worker stripped of every browser API (``web/worker.js`` and
``web/rt-*.js``), beside the TTMinis simulator's panel (``web/host*.js``); ``server.py`` serves
the page, the package, the device's state and the game server behind one origin. See
docs/native.md.
"""

from bridge.native.package import Package, load
from bridge.native.server import create_app

__all__ = ["Package", "create_app", "load"]
