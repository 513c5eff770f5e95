"""The scan rules TikTok applies to HTML mini game packages, as regular expressions.

Scanners of this kind read text, comments included, and do not run code; so does this one. A
rule names what it finds; ``scan_text`` returns every match with its line.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

# The platform's own SDK and web fonts are the only remote sources a package may load.
PLATFORM_SCRIPT_HOSTS = frozenset({"developers.tiktok.com"})
FONT_HOSTS = frozenset({"fonts.googleapis.com", "fonts.gstatic.com"})
FONT_SUFFIXES = (".woff", ".woff2", ".ttf", ".otf", ".eot")

SCRIPT_SUFFIXES = (".js", ".mjs", ".cjs")
HTML_SUFFIXES = (".html", ".htm")
CSS_SUFFIXES = (".css",)
TEXT_SUFFIXES = SCRIPT_SUFFIXES + HTML_SUFFIXES + CSS_SUFFIXES


@dataclass(frozen=True, order=True)
class Violation:
    """One finding: ``path:line: rule: message``."""

    path: str
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.message}"


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    message: str
    suffixes: tuple[str, ...]
    # Decides from the match whether it is an exception (a font, the platform SDK).
    allowed: Callable[[re.Match[str]], bool] | None = None


def _host(url: str) -> str:
    url = url.strip().strip("\"'")
    if url.startswith("//"):
        url = "https:" + url
    match = re.match(r"https?://([^/:?#\s\"'>]+)", url, re.I)
    return match.group(1).lower() if match else ""


def _is_font(url: str) -> bool:
    path = url.split("?", 1)[0].split("#", 1)[0].lower()
    return _host(url) in FONT_HOSTS or path.endswith(FONT_SUFFIXES)


def _platform_script(match: re.Match[str]) -> bool:
    return _host(match.group("url")) in PLATFORM_SCRIPT_HOSTS


def _font(match: re.Match[str]) -> bool:
    return _is_font(match.group("url"))


def _remote_stylesheet_link(match: re.Match[str]) -> bool:
    """Allowed unless the <link> is a remote stylesheet that is not a font."""
    tag = match.group(0)
    rel = re.search(r"\brel\s*=\s*[\"']?([^\"'>]+)", tag, re.I)
    if not rel or "stylesheet" not in rel.group(1).lower():
        return True
    return _is_font(match.group("url"))


_REMOTE = r"(?P<url>(?:https?:)?//[^\s\"'>)]+)"
_JS_HTML = SCRIPT_SUFFIXES + HTML_SUFFIXES

RULES: tuple[Rule, ...] = (
    Rule("eval", re.compile(r"(?<![\w$])eval\s*\("), "eval() is not allowed", _JS_HTML),
    Rule(
        "new-function",
        re.compile(r"\bnew\s+Function\s*\(|(?<![\w$.])Function\s*\(\s*[\"'`]"),
        "new Function() is not allowed",
        _JS_HTML,
    ),
    Rule(
        "string-timer",
        re.compile(r"\bset(?:Timeout|Interval)\s*\(\s*[\"'`]"),
        "setTimeout/setInterval with a string argument is not allowed (pass a function)",
        _JS_HTML,
    ),
    Rule(
        "remote-script",
        re.compile(r"<script\b[^>]*?\bsrc\s*=\s*[\"']?\s*" + _REMOTE, re.I),
        "scripts must come from the package itself",
        HTML_SUFFIXES,
        _platform_script,
    ),
    Rule(
        "remote-script",
        re.compile(
            r"(?:\bimport\s*\(\s*|\bimportScripts\s*\(\s*|\.src\s*=\s*)[\"'`]" + _REMOTE, re.I
        ),
        "scripts must come from the package itself",
        SCRIPT_SUFFIXES,
        _platform_script,
    ),
    Rule(
        "remote-css",
        re.compile(r"<link\b[^>]*?\bhref\s*=\s*[\"']?\s*" + _REMOTE + r"[^>]*>", re.I),
        "stylesheets must come from the package itself (fonts excepted)",
        HTML_SUFFIXES,
        _remote_stylesheet_link,
    ),
    Rule(
        "remote-css",
        re.compile(r"@import\s+(?:url\(\s*)?[\"']?\s*" + _REMOTE, re.I),
        "@import must load from the package itself (fonts excepted)",
        CSS_SUFFIXES + HTML_SUFFIXES,
        _font,
    ),
    Rule("iframe", re.compile(r"<iframe\b", re.I), "iframes are not allowed", HTML_SUFFIXES),
    Rule(
        "iframe",
        re.compile(r"createElement\s*\(\s*[\"'`]iframe", re.I),
        "iframes are not allowed",
        SCRIPT_SUFFIXES,
    ),
    Rule(
        "navigation",
        re.compile(
            r"\b(?:window|document|self|top|parent|globalThis)\s*\.\s*location\b"
            r"|(?<![\w$.])location\s*(?:\.\s*[A-Za-z_$]|\[|=(?![=>]))"
        ),
        "location.* (navigation) is not allowed",
        _JS_HTML,
    ),
    Rule(
        "navigation",
        re.compile(r"\bwindow\s*\.\s*open\s*\("),
        "window.open() is not allowed",
        _JS_HTML,
    ),
    Rule(
        "clipboard",
        re.compile(
            r"\bnavigator\s*\.\s*clipboard\b|\bexecCommand\s*\(\s*[\"'`](?:copy|cut|paste)", re.I
        ),
        "clipboard access is not allowed",
        _JS_HTML,
    ),
    Rule(
        "vibrate",
        re.compile(r"\.\s*vibrate\s*\("),
        "vibration is not allowed",
        _JS_HTML,
    ),
)


def scan_text(text: str, path: str) -> list[Violation]:
    """Every rule violation in one file's text; rules are chosen by the file's suffix."""
    lower = path.lower()
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]
    found: list[Violation] = []
    for rule in RULES:
        if not lower.endswith(rule.suffixes):
            continue
        for match in rule.pattern.finditer(text):
            if rule.allowed is not None and rule.allowed(match):
                continue
            line = bisect.bisect_right(newlines, match.start()) + 1
            snippet = " ".join(match.group(0).split())[:60]
            found.append(Violation(path, line, rule.name, f"{rule.message}: `{snippet}`"))
    return sorted(found)
