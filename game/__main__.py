"""python -m game: run Bean Hop (see --help)."""

from __future__ import annotations

import asyncio
import os
import sys

from game.cli import parse


def run(argv: list[str] | None = None) -> int:
    options = parse(argv)
    if options.headless:  # before pygame is imported anywhere
        os.environ["SDL_VIDEODRIVER"] = "dummy"
        os.environ["SDL_AUDIODRIVER"] = "dummy"
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from game.assets import AssetError
    from game.errors import ConfigError
    from game.main import main

    try:
        return asyncio.run(main(options))
    except AssetError as exc:
        print(f"error: {exc} (regenerate with: python scripts/make_assets.py)", file=sys.stderr)
        return 1
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(run())
