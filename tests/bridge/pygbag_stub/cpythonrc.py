# Test stand-in for pygbag 0.9.3's cpythonrc.py and aio/pep0723.py, run by the stand-in pythons.js
# in Pyodide. It follows the real order and is as strict as the real runtime:
#  - "K=V" CPython options become environment variables (cpythonrc.py 237-242);
#  - only pygbag's standard library imports (main.js's files, the frozen modules);
#  - import_site runs the page script through shell.source; shell.source first reads the code's
#    PEP 723 block and imports (preload_code, 680-730): the first call reads PYGPI, once, to pick
#    the package index (pep0723.py async_repos 158-211, with its localhost:8 rewrite), installs the
#    declared packages and applies the patches of "pygame.base" (parse_code 369-413, check_list
#    418-511), then the imported ones that the index has; then it runs the code;
#  - asyncio.run only schedules (aio.run); a Python error is printed, never reported to the page;
#  - after the page script, a ".py" in sys.argv[0] or at the end of the options is fetched and run
#    (import_site 1518-1687).
import asyncio
import builtins
import importlib.machinery
import json
import os
import re
import sys
import tomllib
import types
from io import BytesIO, StringIO
from pathlib import Path

import js
import pyodide_js
from pyodide.http import pyfetch

_log = js.window.stubLog.push
PyConfig = json.loads(PYCONFIG_JSON)  # noqa: F821 (set by pythons.js)
for _arg in PyConfig["orig_argv"]:
    if "=" in _arg:
        _key, _value = _arg.split("=", 1)
        os.environ[_key] = _value
sys.argv[:] = PyConfig["argv"]
js.window.stubEnv = js.JSON.parse(json.dumps({"PYGPI": os.environ.get("PYGPI", "")}))
sys.path.append("/data/data/org.python/assets/site-packages")

_ALLOWED = set(PYGBAG_STDLIB.split())  # noqa: F821 (main.data: pygbag's module list)


class _PygbagStdlib:
    """pygbag's CPython ships only the stdlib files its main.js lists: the rest does not import."""

    def find_spec(self, name, path=None, target=None):
        if name in _ALLOWED or name.partition(".")[0] not in sys.stdlib_module_names:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or not (spec.origin or "").endswith(".py"):
            return None  # compiled into the interpreter, or absent here too
        caller = sys._getframe(1)
        while caller and caller.f_globals.get("__name__", "").startswith(("importlib", "_frozen")):
            caller = caller.f_back
        if caller and caller.f_globals.get("__name__", "").startswith(("pyodide", "_pyodide")):
            return None  # the stand-in's own machinery, not pygbag's
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)


sys.meta_path.insert(0, _PygbagStdlib())


class _Fetched:
    def __init__(self, url, mode):
        self.url, self.mode = url, mode

    async def __aenter__(self):
        response = await pyfetch(self.url)
        if not response.ok:
            raise FileNotFoundError(self.url)
        data = await response.bytes()
        return BytesIO(data) if "b" in self.mode else StringIO(data.decode())

    async def __aexit__(self, *exc):
        return False


def _run_main(config, loaderhome=".", loadermain=None):
    os.chdir(str(loaderhome))
    sys.path.insert(0, str(loaderhome))


def _patch_pygame():
    _log("patch pygame.base")
    import pygame.base  # noqa: F401 (the real patch imports it, then platform_wasm.pygame)


async def _jsprom(promise):
    return await promise


import platform as _stdlib_platform  # noqa: E402

# pygbag's platform is its __EMSCRIPTEN__ module: the stdlib's names plus the browser's.
platform = types.ModuleType("platform")
platform.__dict__.update({k: v for k, v in vars(_stdlib_platform).items() if k[0] != "_"})
platform.window, platform.document = js.window, js.document
platform.fopen, platform.run_main, platform.jsprom = _Fetched, _run_main, _jsprom
platform.patches = {"pygame.base": _patch_pygame}
sys.modules["platform"] = platform
embed = types.ModuleType("embed")
embed.counter = lambda: 0
sys.modules["embed"] = embed
asyncio.run = lambda coro, **kw: asyncio.ensure_future(coro)  # aio.run: a task, nothing awaited

_MAPPING = {"pygame_ce": "pygame", "pygame.base": "pygame"}  # pep0723.py Config.mapping
_repos, _history_of_repos = [], []
_history, _patchlist = [], []


async def _async_repos():
    index = os.environ.get("PYGPI", "") or "https://pygame-web.github.io/cdn/"
    try:
        response = await pyfetch(f"{index}index-0.9.3-cp312.json")
    except OSError as error:  # pep0723.py 190-195: a message, and no index
        print(f"Sorry, there is no pygbag package repository ({error})", file=sys.stderr)
        return
    if response.ok:
        text = await response.string()
        repo = json.loads(text.replace("<abi>", "cp312").replace("<api>", "wasm32_bi_emscripten"))
        if os.environ.get("PYGPI"):
            repo["-CDN-"] = os.environ["PYGPI"]
        elif str(js.location.href).startswith("http://localhost:8"):
            repo["-CDN-"] = "http://localhost:8000/cdn/"
        _repos.append(repo)


async def _pip_install(pkg):
    pkg = _MAPPING.get(pkg.lower().replace("-", "_"), pkg.lower().replace("-", "_"))
    if pkg in _history:
        return
    for repo in _repos:
        if pkg in repo:
            _history.append(pkg)
            _log(f"install {pkg}")
            await pyodide_js.loadPackage(f"{repo['-CDN-']}{repo[pkg]}")
            return
    print(f"351: no provider found for {pkg}")


def _declared(code):
    block = re.search(r"(?m)^# /// script$\s(?P<content>(^#(| .*)$\s)+)^# ///$", code)
    if not block:
        return []
    content = "".join(line[2:] for line in block["content"].splitlines(keepends=True))
    return tomllib.loads(content).get("dependencies", [])


async def _preload_code(code):
    if not _history_of_repos:  # async_repos runs once, for the first code (the page script),
        _history_of_repos.append(True)  # and is gone after (pep0723.py check_list 429-433)
        await _async_repos()
    for dep in _declared(code):
        dep = dep.lower().replace("-", "_")
        if dep in platform.patches:
            _patchlist.append(dep)
        await _pip_install(dep)
    while _patchlist:  # do_patches: a failing patch is printed, the boot goes on
        try:
            platform.patches.pop(_patchlist.pop(0))()
        except Exception as error:
            print(f"patch failed: {type(error).__name__}: {error}", file=sys.stderr)
    import ast

    for node in ast.walk(ast.parse(code)):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module]
        for name in (n.partition(".")[0] for n in names):
            if name not in sys.modules and any(name in repo for repo in _repos):
                await _pip_install(name)


class shell:
    @classmethod
    async def source(cls, main, *args, **kw):
        code = Path(main).read_text()
        await _preload_code(code)
        _log(f"run {Path(main).name}")
        namespace = {"__name__": "__main__", "__file__": str(main)}
        try:
            exec(compile(code, str(main), "exec"), namespace)
        except Exception as error:  # pygbag's console prints it; the page hears nothing
            print(f"{type(error).__name__}: {error}", file=sys.stderr)


class TopLevel_async_handler:
    @classmethod
    async def start_toplevel(cls, shell, console=False):
        return None


platform.shell = shell
builtins.shell, builtins.TopLevel_async_handler = shell, TopLevel_async_handler
builtins.PyConfig = types.SimpleNamespace(**PyConfig)


async def import_site(main_file):
    _log("page script")
    await shell.source(main_file)
    source = sys.argv[0] if sys.argv and sys.argv[0].endswith(".py") else PyConfig["orig_argv"][-1]
    if source.endswith(".py"):
        _log(f"remote {source}")
        async with _Fetched(source, "r") as remote:
            exec(remote.read(), {"__name__": "__main__"})
