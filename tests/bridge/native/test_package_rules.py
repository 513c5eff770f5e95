"""Package rules when a package loads: the emulator and `bridge.check --target native` agree."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bridge.check import check
from bridge.native.package import load
from tests.bridge.native.conftest import ROOT, emulator, open_page, package, wait_state

MB = 1024 * 1024
NO_SERVER = "http://127.0.0.1:9"


def big(path: Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        out.truncate(size)  # sparse: only the size matters
        out.seek(0)
        out.write(b"\x01")


def main_over_4mb(root: Path) -> None:
    big(root / "assets" / "music.bin", 4 * MB + 1)


def subpackage_over_4mb(root: Path) -> None:
    (root / "game.json").write_text(
        json.dumps({"subpackages": [{"name": "level", "root": "level"}]})
    )
    (root / "level").mkdir()
    (root / "level" / "game.js").write_text("console.log('level');\n")
    big(root / "level" / "data.bin", 4 * MB + 1)


def total_over_30mb(root: Path) -> None:
    subs = [{"name": f"p{i}", "root": f"p{i}"} for i in range(8)]
    (root / "game.json").write_text(json.dumps({"subpackages": subs}))
    for i in range(8):
        (root / f"p{i}").mkdir()
        (root / f"p{i}" / "game.js").write_text("console.log(1);\n")
        big(root / f"p{i}" / "data.bin", 4 * MB - 100)


def no_appid(root: Path) -> None:
    (root / "project.config.json").write_text("{}")


def subpackage_without_game_js(root: Path) -> None:
    (root / "game.json").write_text(json.dumps({"subpackages": [{"name": "x", "root": "x"}]}))
    (root / "x").mkdir()
    (root / "x" / "data.txt").write_text("no game.js here")


def zero_byte_file(root: Path) -> None:
    (root / "empty.txt").write_bytes(b"")


def no_game_js(root: Path) -> None:
    (root / "game.js").unlink()


CASES: dict[str, tuple[Callable[[Path], None], str, str]] = {
    "main over 4 MB": (main_over_4mb, "size", "main package is 4.00 MB, the limit is 4 MB"),
    "subpackage over 4 MB": (subpackage_over_4mb, "size", "subpackage 'level' is 4.00 MB"),
    "total over 30 MB": (total_over_30mb, "size", "the limit is 30 MB"),
    "no appid": (no_appid, "native-layout", "needs a non-empty `appid`"),
    "subpackage without game.js": (subpackage_without_game_js, "native-layout", "needs x/game.js"),
    "zero-byte file": (zero_byte_file, "zero-byte", "empty files are rejected"),
    "no game.js": (no_game_js, "native-layout", "needs this file"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_emulator_and_the_checker_give_the_same_verdict(case: str, tmp_path: Path) -> None:
    spoil, rule, message = CASES[case]
    root = package("draw", tmp_path)
    spoil(root)
    refusals = [str(v) for v in load(root).refusals]
    violations = [str(v) for v in check(root, target="native").violations]
    assert refusals == violations  # the draw package has no text-scan findings
    assert any(f": {rule}: " in r and message in r for r in refusals), refusals
    cli = subprocess.run(
        [sys.executable, "-m", "bridge.check", str(root), "--target", "native"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert cli.returncode == 1 and all(r in cli.stdout for r in refusals)


def test_a_clean_package_passes_both(tmp_path: Path) -> None:
    root = package("draw", tmp_path)
    assert load(root).ok and check(root, target="native").ok


@pytest.mark.browser
def test_a_package_over_the_limits_is_refused_on_the_page(browser: Any, tmp_path: Path) -> None:
    root = package("draw", tmp_path)
    main_over_4mb(root)
    with emulator(root, NO_SERVER, tmp_path) as emu:
        page = open_page(browser, emu.url)
        state = wait_state(page, "refused", "running", "failed")
        assert state["state"] == "refused"
        assert any(
            ": size: main package is 4.00 MB, the limit is 4 MB" in r for r in state["refusals"]
        )
        message = page.inner_text("#emu-message")
        assert "TikTok would refuse this package" in message and "main package" in message
        assert page.locator("#screen").count() == 0  # nothing started
        assert "refused: .:1: size: main package" in emu.log.read_text()
        # Fixed on disk, the same page starts it on Reload.
        (root / "assets" / "music.bin").unlink()
        page.click("#emu-reload")
        assert wait_state(page, "running", "failed", "refused")["state"] == "running"
        page.close()
