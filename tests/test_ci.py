""".ci/run finds pygame-ce's wasm wheel for the tests that play the real game, and says so."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WHEEL = "pygame_ce-2.5.7.dev1-cp312-cp312-wasm32_bi_emscripten.whl"


def clone(where: Path) -> Path:
    """.ci/run in a stand-in clone whose `make test` only shows what it was given."""
    (where / ".ci").mkdir(parents=True)
    shutil.copy(ROOT / ".ci" / "run", where / ".ci" / "run")
    (where / "Makefile").write_text('test:\n\t@echo "make test: [$$PYGAME_WASM_WHEEL]"\n')
    return where


def ci(repo: Path, **env: str) -> str:
    base = {k: v for k, v in os.environ.items() if k != "PYGAME_WASM_WHEEL"}
    done = subprocess.run(
        ["bash", str(repo / ".ci" / "run")],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def shared_wheel(folder: Path) -> Path:
    wheel = folder / "shared" / "wheels" / WHEEL
    wheel.parent.mkdir(parents=True)
    wheel.write_bytes(b"PK")
    return wheel


@pytest.mark.parametrize("depth", [1, 3])
def test_the_wheel_in_shared_wheels_above_the_clone(tmp_path: Path, depth: int) -> None:
    wheel = shared_wheel(tmp_path)
    repo = clone(tmp_path.joinpath(*(["d"] * (depth - 1)), "clone"))
    out = ci(repo, BEANHOP_SHARED_WHEELS=str(tmp_path / "none"))
    assert f"PYGAME_WASM_WHEEL={wheel}: the real game plays" in out
    assert f"make test: [{wheel}]" in out
    assert "==> .ci/run took 0 min" in out


def test_the_machines_shared_folder_and_a_wheel_already_set(tmp_path: Path) -> None:
    machine = shared_wheel(tmp_path / "machine")
    repo = clone(tmp_path / "clone")
    out = ci(repo, BEANHOP_SHARED_WHEELS=str(machine.parent))
    assert f"make test: [{machine}]" in out
    mine = tmp_path / WHEEL
    mine.write_bytes(b"PK")
    out = ci(repo, BEANHOP_SHARED_WHEELS=str(machine.parent), PYGAME_WASM_WHEEL=str(mine))
    assert f"make test: [{mine}]" in out


def test_without_a_wheel_the_real_game_tests_skip(tmp_path: Path) -> None:
    out = ci(clone(tmp_path / "clone"), BEANHOP_SHARED_WHEELS=str(tmp_path / "none"))
    assert "no pygame-ce wasm wheel" in out and "will skip" in out
    assert "make test: []" in out
