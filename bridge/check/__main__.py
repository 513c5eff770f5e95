"""python -m bridge.check DIR [--target html|native] [--allow GLOB]... [--allow-runtime]"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bridge.check import RUNTIME_FILES, TARGETS, check

EPILOG = """\
rules: eval, new Function, string timers, remote <script>/stylesheets/@import (fonts and the
TikTok SDK excepted), iframe, location.* and window.open, clipboard, vibrate, zero-byte files,
total size (HTML: 200 MB; native: 30 MB in all, 4 MB main package and per subpackage).
native layout: game.js, game.json (subpackages: name + root, each root with a game.js) and
project.config.json (with an appid); python -m bridge.native refuses the same packages.
exit status: 0 clean, 1 violations, 2 bad arguments.
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bridge.check",
        description="Check a built game against TikTok's package rules.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("directory", type=Path, help="the built package, e.g. dist/web")
    parser.add_argument(
        "--target",
        choices=TARGETS,
        default="html",
        help="html (a web page, the default) or native (TikTok's native runtime layout)",
    )
    parser.add_argument(
        "--allow",
        action="append",
        default=[],
        metavar="GLOB",
        help="report findings in matching files (relative path glob) without failing; repeatable",
    )
    parser.add_argument(
        "--allow-runtime",
        action="store_true",
        help="allow the Python runtime loaders (" + ", ".join(RUNTIME_FILES) + ")",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only violations")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.directory.is_dir():
        print(
            f"error: {args.directory} is not a directory (build it first: make build)",
            file=sys.stderr,
        )
        return 2
    allow = tuple(args.allow) + (
        tuple("*" + p for p in RUNTIME_FILES) if args.allow_runtime else ()
    )
    report = check(args.directory, target=args.target, allow=allow)
    for violation in report.violations:
        print(violation)
    if not args.quiet:
        for violation in report.allowed:
            print(f"allowed: {violation}")
        size = report.total_bytes / (1024 * 1024)
        verdict = "clean" if report.ok else f"{len(report.violations)} violation(s)"
        print(f"{args.directory}: {verdict}; {report.files} files, {size:.2f} MB ({args.target})")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
