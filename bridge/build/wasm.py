"""Just enough of the WebAssembly binary format to read a side module's data at build time.

A side module (an Emscripten ``-sSIDE_MODULE`` ``.so``) keeps its ``EM_ASM`` snippets as C strings
in its data, between the addresses exported as ``__start_em_asm`` and ``__stop_em_asm``, and each
``EM_JS`` function as a string at the address exported as ``__em_js__<name>``. Addresses are
relative to ``__memory_base``; evaluated here with a base of 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAGIC = b"\0asm"
_IMPORT, _GLOBAL, _EXPORT, _DATA = 2, 6, 7, 11
_EXPORT_GLOBAL = 3


class WasmError(ValueError):
    """The bytes are not a WebAssembly module this reader understands."""


class _Reader:
    def __init__(self, data: bytes, pos: int = 0, end: int | None = None) -> None:
        self.data, self.pos, self.end = data, pos, len(data) if end is None else end

    def byte(self) -> int:
        if self.pos >= self.end:
            raise WasmError("unexpected end of module")
        value = self.data[self.pos]
        self.pos += 1
        return value

    def uleb(self) -> int:
        result = shift = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return result

    def sleb(self) -> int:
        result = shift = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                if b & 0x40:
                    result -= 1 << shift
                return result

    def bytes(self, n: int) -> bytes:
        if self.pos + n > self.end:
            raise WasmError("unexpected end of module")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def name(self) -> str:
        return self.bytes(self.uleb()).decode("utf-8")

    def const_expr(self, globals_: list[int | None]) -> int:
        """Evaluates an i32 constant expression (i32.const, global.get, i32.add/sub)."""
        stack: list[int] = []
        while True:
            op = self.byte()
            if op == 0x0B:
                return stack[-1] if stack else 0
            if op in (0x41, 0x42):  # i32.const, i64.const
                stack.append(self.sleb())
            elif op == 0x23:
                index = self.uleb()
                value = globals_[index] if index < len(globals_) else None
                stack.append(value or 0)
            elif op in (0x6A, 0x6B):
                b, a = stack.pop(), stack.pop()
                stack.append(a + b if op == 0x6A else a - b)
            else:
                raise WasmError(f"unsupported opcode 0x{op:02x} in a constant expression")


@dataclass
class SideModule:
    """What a build needs of a module: exported global values and its data."""

    exports: dict[str, int] = field(default_factory=dict)
    segments: list[tuple[int, bytes]] = field(default_factory=list)

    def c_string(self, address: int) -> str:
        for start, data in self.segments:
            if start <= address < start + len(data):
                offset = address - start
                end = data.find(b"\0", offset)
                return data[offset : end if end >= 0 else len(data)].decode("utf-8")
        raise WasmError(f"address {address} is outside the module's data")


def _skip_limits(r: _Reader) -> None:
    flags = r.uleb()
    r.uleb()
    if flags & 1:
        r.uleb()


def _read_imports(
    r: _Reader, globals_: list[int | None], names: list[tuple[str, str, int]] | None = None
) -> None:
    for _ in range(r.uleb()):
        module, name = r.name(), r.name()
        kind = r.byte()
        if names is not None:
            names.append((module, name, kind))
        if kind == 0:
            r.uleb()
        elif kind == 1:
            r.byte()
            _skip_limits(r)
        elif kind == 2:
            _skip_limits(r)
        elif kind == 3:
            r.byte()
            r.byte()
            globals_.append(None)  # imported (e.g. __memory_base): 0 relative to the base
        elif kind == 4:
            r.byte()
            r.uleb()
        else:
            raise WasmError(f"unknown import kind {kind}")


def imports(module: bytes) -> list[tuple[str, str, int]]:
    """Every import of a wasm module as ``(module, name, kind)``; kind 0 is a function."""
    if module[:4] != MAGIC:
        raise WasmError("not a WebAssembly module (bad magic)")
    r = _Reader(module, 8)
    found: list[tuple[str, str, int]] = []
    while r.pos < r.end:
        section, size = r.byte(), r.uleb()
        if section == _IMPORT:
            _read_imports(_Reader(module, r.pos, r.pos + size), [], found)
            break
        r.pos += size
    return found


def first_section(module: bytes) -> bytes:
    """The module's header and its first section: a side module's ``dylink.0`` comes first."""
    if module[:4] != MAGIC:
        raise WasmError("not a WebAssembly module (bad magic)")
    r = _Reader(module, 8)
    r.byte()
    size = r.uleb()
    return module[: r.pos + size]


def parse(module: bytes) -> SideModule:
    """Reads exported globals and data segments of a wasm module."""
    if module[:4] != MAGIC:
        raise WasmError("not a WebAssembly module (bad magic)")
    r = _Reader(module, 8)
    globals_: list[int | None] = []
    exported: dict[str, int] = {}
    result = SideModule()
    while r.pos < r.end:
        section, size = r.byte(), r.uleb()
        body = _Reader(module, r.pos, r.pos + size)
        r.pos += size
        if section == _IMPORT:
            _read_imports(body, globals_)
        elif section == _GLOBAL:
            for _ in range(body.uleb()):
                body.byte()
                body.byte()
                globals_.append(body.const_expr(globals_))
        elif section == _EXPORT:
            for _ in range(body.uleb()):
                name, kind, index = body.name(), body.byte(), body.uleb()
                if kind == _EXPORT_GLOBAL:
                    exported[name] = index
        elif section == _DATA:
            for _ in range(body.uleb()):
                flags = body.uleb()
                if flags == 1:  # passive: no address
                    body.bytes(body.uleb())
                    continue
                if flags == 2:
                    body.uleb()
                start = body.const_expr(globals_)
                result.segments.append((start, body.bytes(body.uleb())))
    for name, index in exported.items():
        value = globals_[index] if index < len(globals_) else None
        if value is not None:
            result.exports[name] = value
    return result
