"""python -m bridge.build: build the web game into dist/web (see docs/web.md)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bridge.build import BuildError, BuildOptions, build
from bridge.build.options import (
    DEFAULT_CDN,
    DEFAULT_CLIENT_KEY,
    NATIVE,
    PYODIDE_VERSION,
    TARGETS,
    add_runtime_arguments,
)

ROOT = Path(__file__).resolve().parent.parent.parent

EPILOG = f"""\
examples:
  python -m bridge.build                      dev bundle, pygbag runtime from its CDN
  python -m bridge.build --release --runtime-dir ~/pygbag-cdn
                                              self-contained: runtime copied from a directory
  python -m bridge.build --runtime pyodide --wheel pygame_ce-...wasm32_bi_emscripten.whl
                                              Pyodide {PYODIDE_VERSION} from npm
  python -m bridge.build --release --target tiktok --runtime pyodide --eval-free \\
      --wheel PATH --server-origin https://api.example.com
                                              TikTok package: checked, no eval
  python -m bridge.build --target tiktok-native --wheel PATH --server-origin https://api.example.com
                                              TikTok native-runtime package (dist/tiktok-native);
                                              add --release --appid ID for an upload
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bridge.build",
        description="Build Bean Hop for the browser, TikTok's HTML runtime or TikTok's native "
        "runtime (a code package run by Pyodide, see docs/native.md).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--dev",
        dest="mode",
        action="store_const",
        const="dev",
        help="development build: phone frame and the TTMinis simulator (default)",
    )
    mode.add_argument(
        "--release",
        dest="mode",
        action="store_const",
        const="release",
        help="production build: no simulator",
    )
    parser.add_argument(
        "--target",
        choices=TARGETS,
        default="web",
        help="tiktok adds the SDK, minigame.config.json and runs the checker; "
        f"{NATIVE} writes a native-runtime package (always Pyodide, eval-free, checked)",
    )
    parser.add_argument(
        "--eval-free",
        action="store_true",
        help="Pyodide without eval: EM_ASM snippets as a JS table (strict CSP)",
    )
    parser.add_argument(
        "--server-origin",
        default=os.environ.get("PUBLIC_BASE_URL"),
        metavar="URL",
        help="the game server's https origin, a trusted domain "
        f"for --target tiktok, where {NATIVE} sends its requests (env PUBLIC_BASE_URL)",
    )
    parser.add_argument(
        "--appid",
        default=os.environ.get("TIKTOK_APP_ID"),
        metavar="ID",
        help=f"TikTok's app id for {NATIVE}'s project.config.json, required with --release "
        "(env TIKTOK_APP_ID)",
    )
    parser.add_argument(
        "--client-key",
        default=os.environ.get("TIKTOK_CLIENT_KEY", DEFAULT_CLIENT_KEY),
        help="TikTok client key for TTMinis.game.init (env TIKTOK_CLIENT_KEY)",
    )
    add_runtime_arguments(parser, ROOT)
    parser.set_defaults(out=None)  # dist/web, or dist/tiktok-native for that target
    parser.add_argument(
        "--timeout",
        type=float,
        default=120.0,
        help="seconds allowed for pygbag or npm (default 120)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    native = args.target == NATIVE
    out = args.out or args.root / "dist" / ("tiktok-native" if native else "web")
    options = BuildOptions(
        root=args.root.resolve(),
        out=out.resolve(),
        mode=args.mode or "dev",
        target=args.target,
        runtime="pyodide" if native else args.runtime,
        runtime_dir=args.runtime_dir,
        cdn=args.cdn,
        wheel=args.wheel,
        eval_free=args.eval_free,
        server_origin=args.server_origin,
        client_key=args.client_key,
        appid=args.appid,
        timeout=args.timeout,
    )
    try:
        build(options)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
