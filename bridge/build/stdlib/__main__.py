"""python -m bridge.build.stdlib: the app's standard-library needs against the web runtimes."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

from bridge.build.options import PYGBAG_VERSION, BuildError
from bridge.build.stage import WEB_DEPENDENCIES, stage_app
from bridge.build.stdlib import (
    NATIVE_ONLY_EDGES,
    PYGBAG_LIST,
    PYODIDE_LIST,
    discover,
    main_js_modules,
    pygbag_missing,
)

ROOT = Path(__file__).resolve().parents[3]

EPILOG = f"""\
examples:
  python -m bridge.build.stdlib
      run the game headless under an import hook and check its stdlib needs against pygbag
  python -m bridge.build.stdlib --regenerate-pygbag ~/cdn/{PYGBAG_VERSION}/cpython312/main.js
      rewrite {PYGBAG_LIST.name} from pygbag's main.js (https://pygame-web.github.io/cdn/{PYGBAG_VERSION}/)
  python -m bridge.build.stdlib --measure-pyodide --wheel pygame_ce-...wasm32_bi_emscripten.whl
      rewrite {PYODIDE_LIST.name}: what Pyodide loads while the game runs (headless Chromium)
"""


def regenerate_pygbag(main_js: Path, out: Path) -> int:
    data = main_js.read_bytes()
    modules = main_js_modules(data.decode("utf-8", "replace"))
    if not modules:
        raise BuildError(f"{main_js} lists no /usr/lib/python3.12/*.py files: not pygbag's main.js?")
    record = {
        "runtime": f"pygbag {PYGBAG_VERSION}, CPython 3.12 (cpython312/main.js)",
        "source": "the files cpython312/main.js preloads under /usr/lib/python3.12/ "
        f"(https://pygame-web.github.io/cdn/{PYGBAG_VERSION}/cpython312/main.js, "
        "the pygame-web/cdn repository)",
        "main_js_sha256": hashlib.sha256(data).hexdigest(),
        "regenerate": "python -m bridge.build.stdlib --regenerate-pygbag PATH/TO/cpython312/main.js",
        "modules": modules,
    }
    out.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"{out}: {len(modules)} standard-library modules from {main_js}")
    return 0


def check(root: Path) -> int:
    with tempfile.TemporaryDirectory(prefix="beanhop-stdlib-") as tmp:
        app = Path(tmp) / "app"
        stage_app(root, app)
        print(f"- running the game headless under an import hook (from {root})", flush=True)
        needs = discover(app)
    wanted = needs.stdlib(skip=NATIVE_ONLY_EDGES)
    python = sorted(m for m in wanted if needs.kind(m) == "python")
    compiled = sorted(m for m in wanted if needs.kind(m) == "extension")
    print(f"the app needs {len(python)} standard-library modules in Python:")
    print("  " + " ".join(python))
    print(f"and {len(compiled)} compiled ones (in pygbag's main.wasm; main.js cannot list them):")
    print("  " + " ".join(compiled))
    third = sorted(needs.third_party())
    undeclared = [name for name in third if name not in WEB_DEPENDENCIES]
    print(f"third-party imports: {' '.join(third) or 'none'}")
    missing = pygbag_missing(needs)
    for name in missing:
        print(f"error: pygbag {PYGBAG_VERSION}'s CPython has no {name} ({PYGBAG_LIST.name})")
    for name in undeclared:
        print(f"error: {name} is imported but not in bridge/build/stage.py WEB_DEPENDENCIES")
    if not (missing or undeclared):
        print(f"ok: pygbag {PYGBAG_VERSION} ships all of them; main.py declares {', '.join(third)}")
    return 1 if missing or undeclared else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bridge.build.stdlib",
        description="The standard-library modules Bean Hop imports, against what pygbag's "
        "CPython ships and what the trimmed Pyodide stdlib keeps (docs/web.md).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--regenerate-pygbag", type=Path, metavar="MAIN_JS",
                        help="rewrite the pygbag list from this cpython312/main.js")  # fmt: skip
    action.add_argument("--measure-pyodide", action="store_true",
                        help="rewrite the Pyodide list by running the game in headless Chromium")  # fmt: skip
    wheel = os.environ.get("PYGAME_WASM_WHEEL")
    parser.add_argument("--wheel", type=Path, default=Path(wheel) if wheel else None,
                        help="pygame-ce's wasm wheel for --measure-pyodide (env PYGAME_WASM_WHEEL)")  # fmt: skip
    parser.add_argument("--out", type=Path, help="where to write the list (default: the project's)")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        if args.regenerate_pygbag is not None:
            if not args.regenerate_pygbag.is_file():
                raise BuildError(f"{args.regenerate_pygbag} is not a file")
            return regenerate_pygbag(args.regenerate_pygbag, args.out or PYGBAG_LIST)
        if args.measure_pyodide:
            if args.wheel is None or not args.wheel.is_file():
                raise BuildError("--measure-pyodide needs --wheel PATH (or PYGAME_WASM_WHEEL)")
            from bridge.build.stdlib.measure import measure

            out = args.out or PYODIDE_LIST
            print(f"{out}: {len(measure(args.root, args.wheel, out))} modules measured")
            return 0
        return check(args.root)
    except (BuildError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
