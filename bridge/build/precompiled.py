"""The wasm modules Emscripten builds from bytes at run time, built here instead.

TikTok's runtime compiles only package files (``TTWebAssembly.compile(path)``), but Pyodide makes
a few modules from bytes while it starts and while pygame-ce's side module loads:

- ``addFunction`` puts a JS function into the wasm table by wrapping it in a tiny module that
  imports it and exports it with the right type (``convertJsFunctionToWasm``). Its bytes depend
  only on the function's signature. It runs for every JS function whose address wasm code takes:
  the ``GOT.func`` imports of the main module and of each side module that resolve to JS
  functions, whose signatures Emscripten records as ``_name.sig="…"`` in ``pyodide.asm.js``.
- an empty module, compiled once to see whether modules can be made at all;
- ``getPyEMCountArgsPtr``'s module (wasm GC instructions), which gives CPython its fast way to
  call C function pointers; a device that cannot compile it gets Pyodide's slower fallback.

The package ships each as a file; the adapter compiles them all at boot and answers
``new WebAssembly.Module(bytes)`` from that table, looked up by :func:`key` of the bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bridge.build.wasm import imports

_TYPE_CODES = {"i": 0x7F, "p": 0x7F, "j": 0x7E, "f": 0x7D, "d": 0x7C, "e": 0x6F}
_SIG = re.compile(r"(?<![\w$])_?([A-Za-z_$][\w$]*)\.sig=\"([vijfdpe]+)\"")
_COUNT_ARGS = re.compile(
    r"function getPyEMCountArgsPtr\(\)\{.*?const code=new Uint8Array\(\[([\d,]+)\]\)", re.S
)
EMPTY_MODULE = b"\0asm\1\0\0\0"


class PrecompiledError(RuntimeError):
    """The runtime does not look like the one this table is built for."""


@dataclass(frozen=True)
class Precompiled:
    name: str  # the file name under the package's fn/ folder, without .wasm
    data: bytes

    @property
    def key(self) -> str:
        return key(self.data)


def key(data: bytes) -> str:
    """``<length>:<FNV-1a 32 of the bytes>``, as ``webassembly.js`` computes it."""
    digest = 0x811C9DC5
    for byte in data:
        digest = ((digest ^ byte) * 0x01000193) & 0xFFFFFFFF
    return f"{len(data)}:{digest:08x}"


def _uleb(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def function_module(sig: str) -> bytes:
    """The bytes Emscripten's ``convertJsFunctionToWasm(func, sig)`` compiles."""
    params = sig[1:]
    body = bytes([1, 0x60]) + _uleb(len(params)) + bytes(_TYPE_CODES[c] for c in params)
    body += b"\0" if sig[0] == "v" else bytes([1, _TYPE_CODES[sig[0]]])
    imports_exports = bytes([2, 7, 1, 1, 101, 1, 102, 0, 0, 7, 5, 1, 1, 102, 0, 0])
    return EMPTY_MODULE + b"\1" + _uleb(len(body)) + body + imports_exports


def js_signatures(runtime_js: str) -> dict[str, str]:
    """``name -> sig`` of every JS library function the runtime annotates (``_name.sig=…``)."""
    return {name: sig for name, sig in _SIG.findall(runtime_js)}


def needed_signatures(runtime_js: str, modules: list[bytes]) -> list[str]:
    """Signatures (``p`` read as ``i``, as in the module) of the JS functions whose addresses the
    given wasm modules import through ``GOT.func``."""
    known = js_signatures(runtime_js)
    found = {
        known[name].replace("p", "i")
        for module in modules
        for kind_module, name, kind in imports(module)
        if kind_module == "GOT.func" and kind == 0x03 and name in known
    }
    return sorted(found, key=lambda s: (len(s), s))


def count_args_module(runtime_js: str) -> bytes:
    match = _COUNT_ARGS.search(runtime_js)
    if match is None:
        raise PrecompiledError(
            "pyodide.asm.js has no getPyEMCountArgsPtr module: this Pyodide version is not the "
            "one the native package is built for"
        )
    return bytes(int(x) for x in match.group(1).split(","))


def table(runtime_js: str, modules: list[bytes]) -> list[Precompiled]:
    """Everything ``new WebAssembly.Module(bytes)`` is asked for while the game starts."""
    entries = [Precompiled("empty", EMPTY_MODULE), Precompiled("count-args", count_args_module(runtime_js))]
    entries += [Precompiled(f"f-{sig}", function_module(sig)) for sig in needed_signatures(runtime_js, modules)]
    return entries
