"""Loading images, fonts and text: everything cached, nothing rendered twice.

Assets are found next to the package (``<app>/assets``), which is the repository natively and
the staged app folder in a browser build.

Every finished surface with per-pixel alpha goes through :func:`rle` before it is blitted: in
WebAssembly (no SIMD) a per-pixel-alpha blit costs ~70x an opaque copy, and run-length encoding
lets SDL skip transparent pixels and copy opaque runs, blending only the translucent edges.
"""

from __future__ import annotations

from pathlib import Path

import pygame

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"
Color = tuple[int, int, int]

INK: Color = (43, 45, 66)
WHITE: Color = (255, 255, 255)
CREAM: Color = (255, 248, 238)
CORAL: Color = (255, 107, 107)
TEAL: Color = (46, 196, 182)
GOLD: Color = (255, 201, 60)
GREY: Color = (150, 154, 178)
SHADOW: Color = (30, 32, 52)


def rle(surface: pygame.Surface) -> pygame.Surface:
    """Mark a finished per-pixel-alpha surface for run-length-encoded blits; returns it.

    SDL encodes it on its first blit. Reading or drawing into it later still works (SDL decodes
    and re-encodes it), but is slow: only use it for surfaces that are no longer changed. Blits
    stay the same to within 1 of 255 per channel (SDL's RLE blender rounds differently).
    """
    if surface.get_flags() & pygame.SRCALPHA:
        surface.set_alpha(255, pygame.RLEACCEL)
    return surface


class AssetError(RuntimeError):
    """An asset file is missing or unreadable (run scripts/make_assets.py)."""


class Assets:
    """Images by relative path, fonts by size and a text-surface cache."""

    def __init__(self, root: Path = ASSETS_DIR) -> None:
        self.root = root
        self._images: dict[str, pygame.Surface] = {}
        self._fonts: dict[int, pygame.font.Font] = {}
        self._texts: dict[tuple[str, int, Color], pygame.Surface] = {}
        self._lines: dict[tuple[str, int, int, Color], list[pygame.Surface]] = {}

    def image(self, rel: str) -> pygame.Surface:
        surf = self._images.get(rel)
        if surf is None:
            path = self.root / rel
            try:
                loaded = pygame.image.load(str(path))
            except (FileNotFoundError, pygame.error) as exc:
                raise AssetError(f"cannot load {path}: {exc}") from exc
            surf = rle(loaded.convert_alpha()) if pygame.display.get_surface() else loaded
            self._images[rel] = surf
        return surf

    def has(self, rel: str) -> bool:
        return (self.root / rel).is_file()

    def font(self, size: int) -> pygame.font.Font:
        font = self._fonts.get(size)
        if font is None:
            # pygame's bundled default font (FreeSansBold), present in every pygame-ce build
            font = pygame.font.Font(None, size)
            self._fonts[size] = font
        return font

    def text(self, text: str, size: int, color: Color = INK) -> pygame.Surface:
        key = (text, size, color)
        surf = self._texts.get(key)
        if surf is None:
            if len(self._texts) > 512:  # numbers change every frame: keep the cache bounded
                self._texts.clear()
            surf = rle(self.font(size).render(text, True, color))
            self._texts[key] = surf
        return surf

    def outlined(
        self, text: str, size: int, color: Color = WHITE, outline: Color = INK
    ) -> pygame.Surface:
        key = (f"\0{text}\0{outline}", size, color)
        surf = self._texts.get(key)
        if surf is None:
            inner = self.font(size).render(text, True, color)
            edge = self.font(size).render(text, True, outline)
            surf = pygame.Surface((inner.get_width() + 4, inner.get_height() + 5), pygame.SRCALPHA)
            for dx, dy in ((0, 0), (4, 0), (0, 4), (4, 4), (2, 0), (0, 2), (4, 2), (2, 4), (2, 5)):
                surf.blit(edge, (dx, dy))
            surf.blit(inner, (2, 2))
            self._texts[key] = rle(surf)
        return surf

    def number(
        self,
        surface: pygame.Surface,
        value: int,
        pos: tuple[int, int],
        size: int,
        color: Color = WHITE,
    ) -> None:
        """Blit an outlined number digit by digit: a changing score never renders text."""
        x, y = pos
        for ch in str(value):
            glyph = self.outlined(ch, size, color)
            surface.blit(glyph, (x, y))
            x += glyph.get_width() - 4

    def wrapped(self, text: str, size: int, width: int, color: Color = INK) -> list[pygame.Surface]:
        """Lines of ``text`` broken at spaces to fit ``width`` (measured once per text)."""
        key = (text, size, width, color)
        cached = self._lines.get(key)
        if cached is None:
            if len(self._lines) > 128:
                self._lines.clear()
            cached = self._lines[key] = [
                self.text(x, size, color) for x in self._wrap(text, size, width)
            ]
        return cached

    def _wrap(self, text: str, size: int, width: int) -> list[str]:
        font, lines, line = self.font(size), [], ""
        for word in text.split():
            candidate = f"{line} {word}".strip()
            if line and font.size(candidate)[0] > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        if line:
            lines.append(line)
        return lines
