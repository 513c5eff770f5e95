"""Brotli for the package's wasm files, cached by content.

TikTok counts a ``.wasm.br`` file at its compressed size and decompresses it itself; quality 11
makes Pyodide's 10 MB module 2.3 MB, but takes a minute or more. The result depends only on the
input, so it is kept under the build cache (``~/.cache/beanhop/brotli/``) and every later build
of the same runtime takes it from there.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import brotli

QUALITY = 11


def brotli_cached(data: bytes, cache: Path, *, quality: int = QUALITY) -> bytes:
    """``data`` brotli-compressed, from ``cache`` when this input was compressed before."""
    folder = cache / "brotli"
    path = folder / f"{hashlib.sha256(data).hexdigest()}.q{quality}.br"
    try:
        return path.read_bytes()
    except OSError:
        pass
    packed: bytes = brotli.compress(data, quality=quality)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Written whole, then renamed: a build stopped half-way leaves no truncated entry.
        with tempfile.NamedTemporaryFile(dir=folder, delete=False) as tmp:
            tmp.write(packed)
        os.replace(tmp.name, path)
    except OSError:
        pass  # a read-only cache only costs time
    return packed
