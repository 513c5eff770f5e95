"""Eval-free Pyodide: EM_ASM/EM_JS snippets of side modules as a JS table instead of ``eval``.

Emscripten's loader turns each snippet of a side module into a function with ``eval(func)``; a
strict Content-Security-Policy (``script-src 'self' 'wasm-unsafe-eval'``) forbids that. The build
reads the snippets out of the wheel's wasm modules and splices them into the runtime as real
functions, in the scope the evaluated code would have had, keyed by a hash of the exact source the
loader would evaluate; each ``eval`` becomes a lookup. Snippets that break the package rules (``window.open`` in
SDL_OpenURL) become functions that only log, so the bundle passes the checker.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from bridge.build.wasm import SideModule, WasmError, parse
from bridge.check.rules import scan_text

TABLE_GLOBAL = "BeanhopEmAsm"

# (what the runtime says, what it says instead): each must match exactly once.
_SPLICES = (
    ("ASM_CONSTS[start]=eval(func)", "ASM_CONSTS[start]=__beanhopEmAsm(func)"),
    ("moduleExports[name]=eval(func)", "moduleExports[name]=__beanhopEmAsm(func)"),
)
_INSERT_BEFORE = "function addEmAsm("
# Other evals in the runtime (emscripten_run_script*, the Node.js script loader) are never used
# by the game; in an eval-free build they throw instead.
_OTHER_EVAL = re.compile(r"(?<![\w$.])eval\(")
_NO_EVAL = '(function(){throw new Error("eval-free build: eval is disabled")})('

_WORKER_LOCATION = "scriptDirectory=self.location.href"


class EmAsmError(RuntimeError):
    """The runtime or the wheel does not look like what the eval-free build expects."""


def asm_source(body: str) -> str:
    """The exact source Emscripten's addEmAsm builds for an EM_ASM body."""
    args = []
    for arity in range(16):
        if f"${arity}" not in body:
            break
        args.append(f"${arity}")
    return f"({','.join(args)}) => {{ {body} }};"


def js_source(signature: str, body: str) -> str:
    """The exact source Emscripten's addEmJs builds for an EM_JS function."""
    names: list[str] = []
    inner = signature[1:-1]
    if inner != "void":
        names = [part.split(" ")[-1].replace("*", "", 1) for part in inner.split(",")]
    return f"({','.join(names)}) => {body};"


def module_sources(module: SideModule) -> list[str]:
    """Every source the loader will evaluate for this module, in its order."""
    sources: list[str] = []
    start = module.exports.get("__start_em_asm")
    stop = module.exports.get("__stop_em_asm")
    if start is not None and stop is not None:
        while start < stop:
            text = module.c_string(start)
            sources.append(asm_source(text))
            start += len(text.encode("utf-8")) + 1
    for name, address in module.exports.items():
        if name.startswith("__em_js__"):
            signature, _, body = module.c_string(address).partition("<::>")
            sources.append(js_source(signature, body))
    return sources


def wheel_sources(wheel: Path) -> list[str]:
    """Sources of every wasm side module inside a wheel (duplicates removed, order kept)."""
    found: dict[str, None] = {}
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if not name.endswith((".so", ".wasm")):
                continue
            data = archive.read(name)
            if not data.startswith(b"\0asm"):
                continue
            try:
                found.update(dict.fromkeys(module_sources(parse(data))))
            except WasmError as exc:
                raise EmAsmError(f"{wheel.name}: {name}: {exc}") from exc
    return list(found)


def source_key(source: str) -> str:
    """``<length>:<FNV-1a hash>`` of the source's UTF-16 code units, as the JS table computes it.

    Keys are hashes rather than the source itself so the table holds no rule-breaking text."""
    units = source.encode("utf-16-le")
    digest = 0x811C9DC5
    for i in range(0, len(units), 2):
        digest ^= units[i] | (units[i + 1] << 8)
        digest = (digest * 0x01000193) & 0xFFFFFFFF
    return f"{len(units) // 2}:{digest:08x}"


def _entry(source: str) -> str:
    function = source[:-1] if source.endswith(";") else source
    broken = scan_text(function, "snippet.js")
    if broken:
        rules = ", ".join(sorted({v.rule for v in broken}))
        message = json.dumps(f"EM_ASM snippet disabled by the package rules ({rules})")
        function = f"() => {{ console.warn({message}); }}"
    return f"  {json.dumps(source_key(source))}: {function},"


def table_js(sources: Iterable[str]) -> str:
    """JS that defines ``__beanhopEmAsm(source)``: the snippets as functions, looked up by hash.

    It is spliced into the runtime right before ``addEmAsm`` so each function sees the same
    names (``Module``, ``UTF8ToString``, ``HEAPU8``...) the evaluated source would have seen.
    ``globalThis.BeanhopEmAsm`` counts the lookups (``size``, ``hits``) for tests."""
    entries = "\n".join(_entry(source) for source in sources)
    return f"""/* Spliced in by python -m bridge.build --eval-free: the EM_ASM/EM_JS snippets of the
 * pygame-ce wheel as functions, looked up instead of evaluated. */
var __beanhopEmAsm = (function () {{
  var table = {{
{entries}
  }};
  var stats = (globalThis.{TABLE_GLOBAL} = {{ size: Object.keys(table).length, hits: 0 }});
  function key(source) {{
    var hash = 0x811c9dc5;
    for (var i = 0; i < source.length; i++) {{
      hash ^= source.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }}
    return source.length + ":" + ("0000000" + hash.toString(16)).slice(-8);
  }}
  return function lookup(source) {{
    var k = key(String(source));
    if (!Object.prototype.hasOwnProperty.call(table, k)) {{
      throw new Error("eval-free build: this EM_ASM/EM_JS snippet is not in the table: " +
        String(source).slice(0, 120));
    }}
    stats.hits += 1;
    return table[k];
  }};
}})();
"""


def splice_runtime(source: str, sources: Iterable[str]) -> str:
    """pyodide.asm.js with the table spliced in and every eval replaced, package-rule clean."""
    if source.count(_INSERT_BEFORE) != 1:
        raise EmAsmError(
            f"expected `{_INSERT_BEFORE}` once in the Pyodide runtime: this Pyodide version is "
            "not supported by --eval-free"
        )
    for old, new in _SPLICES:
        count = source.count(old)
        if count != 1:
            raise EmAsmError(
                f"expected `{old}` once in the Pyodide runtime, found it {count} times: "
                "this Pyodide version is not supported by --eval-free"
            )
        source = source.replace(old, new)
    source = _OTHER_EVAL.sub(_NO_EVAL, source)
    source = source.replace(_INSERT_BEFORE, table_js(sources) + _INSERT_BEFORE)
    # Package rules: no navigation or vibration APIs. Only the worker branch reads location,
    # and emscripten_vibrate* then reports "not supported" (-1).
    source = source.replace(_WORKER_LOCATION, 'scriptDirectory=""')
    return source.replace("navigator.vibrate", "navigator.beanhopNoVibrate")
