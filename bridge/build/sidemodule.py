"""pygame-ce's side module, kept out of its wheel so it compiles while the runtime does.

pygbag's pygame-ce wheel links all of pygame-ce's C code into one Emscripten side module,
``pygame/base.cpython-312-wasm32-emscripten.so`` (4.6 MB). Both Pyodide targets ship it as a
file of its own and leave in the wheel only a stub: the module's header and ``dylink.0``
section, which is all Pyodide and Emscripten read from the file (the libraries it needs, its
memory and table sizes). The web page compiles the real module with ``compileStreaming`` while
Pyodide starts; the native package compiles it with ``TTWebAssembly`` from a package file.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from bridge.build.options import BuildError
from bridge.build.wasm import WasmError, first_section

SIDE_MODULE = "pygame/base.cpython-312-wasm32-emscripten.so"


def read(wheel: Path) -> bytes:
    """The side module's bytes from pygbag's pygame-ce wheel (a clear error if it has none)."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            data = archive.read(SIDE_MODULE)
        first_section(data)
    except (KeyError, WasmError, zipfile.BadZipFile) as exc:
        raise BuildError(
            f"{wheel.name} has no usable {SIDE_MODULE} ({exc}): the build needs pygbag's "
            "pygame-ce wasm wheel for CPython 3.12 (see docs/web.md)"
        ) from exc
    return data


def stub_wheel(wheel: bytes, side_module: bytes, compression: int) -> bytes:
    """The wheel with its side module cut to the header and ``dylink.0`` section."""
    stub = first_section(side_module)
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(wheel)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = stub if info.filename == SIDE_MODULE else source.read(info)
            target.writestr(info, data, compression)
    return buffer.getvalue()
