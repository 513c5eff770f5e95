"""Compressed copies, cached by content: brotli for the native package's wasm files, gzip
beside the web bundle's files.

TikTok counts a ``.wasm.br`` file at its compressed size and decompresses it itself; quality 11
makes Pyodide's 10 MB module 2.3 MB, but takes a minute or more. A web bundle gets ``NAME.gz``
beside each file gzip makes smaller, which ``python -m server`` (server/static.py) or nginx's
``gzip_static`` sends to browsers that accept gzip: the bundle's zips are stored, and its wasm
files raw, so that HTTP compresses them. Results depend only on the input, so they are kept under
the build cache (``~/.cache/beanhop/brotli/``, ``gzip/``) and every later build takes them from
there.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import brotli

QUALITY = 11
GZIP_LEVEL = 9
GZIP_MINIMUM = 1024  # smaller files are sent as they are
GZIP_RATIO = 0.9  # a copy that saves less than a tenth is not worth a second file


def brotli_cached(data: bytes, cache: Path, *, quality: int = QUALITY) -> bytes:
    """``data`` brotli-compressed, from ``cache`` when this input was compressed before."""
    name = f"{hashlib.sha256(data).hexdigest()}.q{quality}.br"
    return _cached(cache / "brotli" / name, lambda: brotli.compress(data, quality=quality))


def gzip_cached(data: bytes, cache: Path) -> bytes:
    """``data`` as a gzip file (level 9, no timestamp: the same bytes every build), cached."""
    name = f"{hashlib.sha256(data).hexdigest()}.{GZIP_LEVEL}.gz"
    return _cached(cache / "gzip" / name, lambda: gzip.compress(data, GZIP_LEVEL, mtime=0))


def gzip_siblings(out: Path, cache: Path) -> int:
    """Writes ``NAME.gz`` beside each file of ``out`` that gzip makes smaller; returns how many."""
    written = 0
    for path in sorted(p for p in out.rglob("*") if p.is_file() and p.suffix != ".gz"):
        data = path.read_bytes()
        if len(data) < GZIP_MINIMUM:
            continue
        packed = gzip_cached(data, cache)
        if len(packed) <= len(data) * GZIP_RATIO:
            path.with_name(path.name + ".gz").write_bytes(packed)
            written += 1
    return written


def is_sibling(path: Path) -> bool:
    """A gzip copy written by :func:`gzip_siblings` (its original is beside it)."""
    return path.suffix == ".gz" and path.with_suffix("").is_file()


def _cached(path: Path, compress: Callable[[], bytes]) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        pass
    packed = compress()
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Written whole, then renamed: a build stopped half-way leaves no truncated entry.
        with tempfile.NamedTemporaryFile(dir=folder, delete=False) as tmp:
            tmp.write(packed)
        os.replace(tmp.name, path)
    except OSError:
        pass  # a read-only cache only costs time
    return packed
