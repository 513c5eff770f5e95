"""The standard library the app needs, against what each web runtime ships.

pygbag 0.9.3's CPython 3.12 ships a chosen part of the standard library: the files its
``cpython312/main.js`` preloads (``pygbag-0.9.3.json``, regenerated from a main.js), plus the
modules CPython freezes into the interpreter. Pyodide's ``python_stdlib.zip`` holds all of it
(2.25 MB, barely compressible), so the Pyodide bundle ships a trimmed copy: what the app needs
plus what Pyodide itself and pygame-ce's Python side load (``pyodide-0.27.7.json``, measured in a
browser). ``python -m bridge.build.stdlib --help`` has the commands; docs/web.md the details.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bridge.build.stage import APP_PACKAGES, DISCOVERY_ARGV, DISCOVERY_ENTRY
from bridge.build.stdlib.discover import Run, run_app

HERE = Path(__file__).resolve().parent
PYGBAG_LIST = HERE / "pygbag-0.9.3.json"
PYODIDE_LIST = HERE / "pyodide-0.27.7.json"

# CPython 3.12 freezes these into the interpreter (Tools/build/freeze_modules.py, "stdlib -
# startup"): they are in no file list. pygbag's main.js lists none of their .py files and its
# CPython starts, which agrees.
FROZEN = frozenset(
    "_collections_abc _sitebuiltins abc codecs genericpath importlib.machinery importlib.util io "
    "ntpath os os.path posixpath runpy site stat zipimport _frozen_importlib "
    "_frozen_importlib_external importlib._bootstrap importlib._bootstrap_external".split()
)
# Imports CPython makes only off emscripten. pygbag's asyncio package picks asyncio.wasm_events
# there (main.js ships asyncio/wasm_events.py, and not asyncio/selector_events.py, which the
# native asyncio/unix_events.py needs); Pyodide keeps the upstream asyncio, so its trim keeps them.
NATIVE_ONLY_EDGES = frozenset({("asyncio", "asyncio.unix_events")})
# Codecs looked up by name at run time (str.encode, bytes.decode): kept in every trim.
PYODIDE_ALWAYS = frozenset(
    "encodings encodings.aliases encodings.ascii encodings.latin_1 encodings.utf_8 "
    "encodings.utf_8_sig encodings.unicode_escape encodings.raw_unicode_escape "
    "traceback linecache tokenize token".split()
)
# The desktop's command line (argparse): the web runtimes never import these modules, so what only
# they import stays out of the trim and out of pygbag's check.
DESKTOP_ONLY = frozenset({"game.__main__", "game.cli"})
_MAIN_JS_FILE = re.compile(r'filename:\s*"/usr/lib/python3\.12/([^"]+)\.py"')


@dataclass(frozen=True)
class Needs:
    """The app's imports: standard-library modules (pure Python, compiled) and third-party ones."""

    run: Run

    def kind(self, name: str) -> str:
        """app, python (stdlib source or frozen), extension (stdlib compiled), third-party, absent."""
        top = name.partition(".")[0]
        if top in APP_PACKAGES:
            return "app"
        origin = self.run.origins.get(name)
        if origin is None:
            return "absent"
        if top in self.run.stdlib_names:
            compiled = origin == "built-in" or origin.endswith((".so", ".pyd"))
            return "extension" if compiled else "python"
        return "third-party"

    def stdlib(
        self, skip: frozenset[tuple[str, str]] = frozenset(), within: set[str] | None = None
    ) -> set[str]:
        """Standard-library modules the app reaches: its imports, theirs, and their packages.

        ``within``: the modules a runtime has; one it lacks (Pyodide's ``ssl``) imports nothing
        there, so the walk does not go through it (natively ``ssl`` brings ``base64``)."""
        graph: dict[str, set[str]] = defaultdict(set)
        for importer, module in self.run.edges - skip:
            if importer not in DESKTOP_ONLY:
                graph[importer].add(module)
        todo = [n for n in self.run.origins if self.kind(n) == "app" and n not in DESKTOP_ONLY]
        reached: set[str] = set()
        while todo:
            for module in graph[todo.pop()]:
                parts = module.split(".")
                for name in (".".join(parts[: i + 1]) for i in range(len(parts))):
                    if name not in reached and self.kind(name) in ("python", "extension"):
                        reached.add(name)
                        if within is None or name in within or self.kind(name) == "extension":
                            todo.append(name)
        return reached

    def third_party(self) -> set[str]:
        """Top-level names of the non-stdlib modules the app's own code imports."""
        return {
            module.partition(".")[0]
            for importer, module in self.run.edges
            if self.kind(importer) == "app" and self.kind(module) == "third-party"
        }


def discover(app: Path, timeout: float = 120.0) -> Needs:
    """Runs the staged ``app`` headless (the autoplay tour) under the import hook."""
    return Needs(run_app(app, APP_PACKAGES, DISCOVERY_ENTRY, DISCOVERY_ARGV, timeout))


def _load(path: Path) -> frozenset[str]:
    return frozenset(json.loads(path.read_text(encoding="utf-8"))["modules"])


def pygbag_modules() -> frozenset[str]:
    """What pygbag 0.9.3's CPython can import from source: main.js's files and the frozen set."""
    return _load(PYGBAG_LIST) | FROZEN


def pygbag_missing(needs: Needs) -> list[str]:
    """The app's pure-Python stdlib modules that pygbag's CPython does not ship."""
    wanted = needs.stdlib(skip=NATIVE_ONLY_EDGES)
    have = pygbag_modules()
    return sorted(m for m in wanted if needs.kind(m) == "python" and m not in have)


def main_js_modules(main_js: str) -> list[str]:
    """The standard-library modules in a pygbag ``cpython3*/main.js`` (its preloaded .py files)."""
    found = set()
    for path in _MAIN_JS_FILE.findall(main_js):
        parts = path.split("/")
        found.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return sorted(found)


def pyodide_keep(needs: Needs, archive: Path) -> set[str]:
    """What the trimmed python_stdlib.zip holds: the app's needs, Pyodide's own, a few codecs.

    Not the modules CPython freezes: Pyodide 0.27.7 runs the frozen ones (their ``__file__``
    points into the zip, but their ``__spec__.origin`` is ``frozen``), so their files are dead
    weight (about 110 KB compressed)."""
    within = set(zip_modules(archive)) | FROZEN
    return (needs.stdlib(within=within) | _load(PYODIDE_LIST) | PYODIDE_ALWAYS) - FROZEN


def zip_modules(archive: Path) -> dict[str, str]:
    """Module name -> member name of every ``.py`` in a stdlib zip."""
    modules = {}
    with zipfile.ZipFile(archive) as source:
        for member in source.namelist():
            if member.endswith(".py"):
                parts = member[:-3].split("/")
                modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = member
    return modules


def trim_zip(source: Path, dest: Path, keep: set[str], *, stored: bool = False) -> list[str]:
    """Writes ``dest`` with the members of ``source`` for ``keep`` and their packages
    (``stored``: uncompressed, for a server that compresses the whole file)."""
    members = zip_modules(source)
    wanted: set[str] = set()
    for name in keep:
        parts = name.split(".")
        wanted.update(".".join(parts[: i + 1]) for i in range(len(parts)))
    kept = sorted(members[m] for m in wanted if m in members)
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(dest, "w", method) as out:
        for member in kept:
            out.writestr(src.getinfo(member), src.read(member), method, None if stored else 9)
    return kept
