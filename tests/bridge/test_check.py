"""bridge.check: every package rule is caught with file and line; clean files pass."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bridge.check import check
from bridge.check.__main__ import main
from bridge.check.rules import scan_text

ROOT = Path(__file__).resolve().parents[2]

# (file, text, rule, line): each plants exactly one violation.
PLANTED = [
    ("a.js", "let x = 1;\nlet y = eval('1+1');\n", "eval", 2),
    ("b.js", "\n\nwindow.eval(code)\n", "eval", 3),
    ("c.js", "const f = new Function('a', 'return a');\n", "new-function", 1),
    ("d.js", 'ok();\nsetTimeout("tick()", 10);\n', "string-timer", 2),
    ("e.js", "setInterval('tick()', 10);\n", "string-timer", 1),
    (
        "f.html",
        '<html>\n<script src="https://cdn.example.com/x.js"></script>\n',
        "remote-script",
        2,
    ),
    ("g.html", '<link rel="stylesheet" href="//cdn.example.com/x.css">\n', "remote-css", 1),
    ("h.css", "body{}\n@import url('https://cdn.example.com/x.css');\n", "remote-css", 2),
    ("i.html", "<body>\n\n<iframe src='a.html'></iframe>\n", "iframe", 3),
    ("j.js", "var n = document.createElement('iframe');\n", "iframe", 1),
    ("k.js", "if (a) {\n  location.href = '/x';\n}\n", "navigation", 2),
    ("l.js", "window.location.reload();\n", "navigation", 1),
    ("m.js", "window.open('https://example.com');\n", "navigation", 1),
    ("n.js", "navigator.clipboard.writeText('x');\n", "clipboard", 1),
    ("o.js", "document.execCommand('copy');\n", "clipboard", 1),
    ("p.js", "navigator.vibrate(200);\n", "vibrate", 1),
    ("q.js", 'import("https://cdn.example.com/mod.js");\n', "remote-script", 1),
]

CLEAN = {
    "ok.js": (
        "setTimeout(function () { tick(); }, 10);\n"
        "const evaluate = (x) => x; evaluate(1); obj.noEval(2);\n"
        "var webglLoc = location => location + 1;\n"
        "var f = new WebAssembly.Function({}, g);\n"
        "document.baseURI;\n"
    ),
    "ok.html": (
        '<script src="js/local.js"></script>\n'
        '<script src="https://developers.tiktok.com/js/minis.js"></script>\n'
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Inter">\n'
        '<link rel="icon" href="https://example.com/icon.png">\n'
        '<link rel="stylesheet" href="static/page.css">\n'
    ),
    "ok.css": "@import url('https://fonts.googleapis.com/css?family=Inter');\n@import 'local.css';\n",
}


@pytest.mark.parametrize(("name", "text", "rule", "line"), PLANTED, ids=[p[0] for p in PLANTED])
def test_each_planted_violation_is_caught_with_its_line(
    tmp_path: Path, name: str, text: str, rule: str, line: int
) -> None:
    (tmp_path / name).write_text(text)
    report = check(tmp_path)
    assert [(v.path, v.line, v.rule) for v in report.violations] == [(name, line, rule)]
    assert str(report.violations[0]).startswith(f"{name}:{line}: {rule}: ")


def test_clean_files_pass(tmp_path: Path) -> None:
    for name, text in CLEAN.items():
        (tmp_path / name).write_text(text)
    report = check(tmp_path)
    assert report.ok, [str(v) for v in report.violations]
    assert report.files == 3


def test_the_projects_own_web_files_are_clean(tmp_path: Path) -> None:
    """What ships in a bundle: the page's files and the bridge's JS (not its playground)."""
    report = check(ROOT / "bridge" / "web")
    assert report.ok, [str(v) for v in report.violations]
    for name in ("ttbridge.js", "ttminis-sim.js"):
        (tmp_path / name).write_bytes((ROOT / "bridge" / "js" / name).read_bytes())
    report = check(tmp_path)
    assert report.ok, [str(v) for v in report.violations]


def test_zero_byte_files_and_the_cli_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.js").write_text("// fine\nx = eval(y)\n")
    assert main([str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "empty.png:1: zero-byte: empty files are rejected by the scanner" in out
    assert any(line.startswith("sub/x.js:2: eval: ") for line in out)
    assert "2 violation(s)" in out[-1]


def test_allow_globs_report_without_failing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "runtime").mkdir()
    (tmp_path / "runtime" / "pyodide.asm.js").write_text("x=eval(func)\n")
    assert main([str(tmp_path), "-q"]) == 1
    out = capsys.readouterr().out
    assert "runtime/pyodide.asm.js:1: eval:" in out and "--eval-free" in out, out
    assert main([str(tmp_path), "--allow-runtime"]) == 0
    assert "allowed: runtime/pyodide.asm.js:1: eval:" in capsys.readouterr().out
    assert main([str(tmp_path), "--allow", "runtime/*"]) == 0


def test_native_layout_and_size_limits(tmp_path: Path) -> None:
    (tmp_path / "game.js").write_text("main();\n")
    subpackages = [{"name": "levels", "root": "levels"}]
    (tmp_path / "game.json").write_text(json.dumps({"subpackages": subpackages}))
    (tmp_path / "levels").mkdir()
    (tmp_path / "levels" / "game.js").write_text("go();\n")
    (tmp_path / "levels" / "big.bin").write_bytes(b"x" * (4 * 1024 * 1024 + 1))
    (tmp_path / "main.bin").write_bytes(b"x" * (4 * 1024 * 1024 + 1))
    report = check(tmp_path, target="native")
    found = {(v.path, v.rule) for v in report.violations}
    assert ("project.config.json", "native-layout") in found
    assert ("levels", "size") in found
    assert (".", "size") in found  # the main package
    assert check(tmp_path, target="html").ok  # the HTML limit is 200 MB


def test_native_total_limit(tmp_path: Path) -> None:
    (tmp_path / "game.js").write_text("main();\n")
    (tmp_path / "project.config.json").write_text('{"appid": "tt123"}')
    subpackages = [{"name": f"p{i}", "root": f"p{i}"} for i in range(8)]
    (tmp_path / "game.json").write_text(json.dumps({"subpackages": subpackages}))
    for i in range(8):
        (tmp_path / f"p{i}").mkdir()
        (tmp_path / f"p{i}" / "game.js").write_text("go();\n")
        (tmp_path / f"p{i}" / "data.bin").write_bytes(b"x" * (4 * 1024 * 1024 - 10))
    messages = [v.message for v in check(tmp_path, target="native").violations]
    assert messages == [messages[0]] and "limit is 30 MB" in messages[0]


def test_rules_scan_multiline_html_tags() -> None:
    html = '<script\n  type="module"\n  src="https://cdn.example.com/x.js"></script>'
    assert [(v.line, v.rule) for v in scan_text(html, "x.html")] == [(1, "remote-script")]


def test_cli_help_and_a_missing_directory(tmp_path: Path) -> None:
    run = [sys.executable, "-m", "bridge.check"]
    help_text = subprocess.run([*run, "--help"], capture_output=True, text=True, cwd=ROOT)
    assert help_text.returncode == 0 and "zero-byte" in help_text.stdout
    missing = subprocess.run(
        [*run, str(tmp_path / "nope")], capture_output=True, text=True, cwd=ROOT
    )
    assert missing.returncode == 2 and "is not a directory" in missing.stderr
    assert "Traceback" not in missing.stderr
