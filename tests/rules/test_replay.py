"""Replays give back exactly the run that was played: natively, and in CPython on WebAssembly."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from rules.log import STEER_LEVELS, InputLog
from rules.replay import replay, replay_world
from rules.world import Input, World
from tests.rules.support import play

ROOT = Path(__file__).resolve().parents[2]


def state(world: World) -> list[Any]:
    """Every number of a world that the rules compute, exactly (floats as hex)."""
    bean = world.bean
    return [
        world.ticks, world.over, world.revived, world.score, world.coins_collected, world.height,
        *(float.hex(v) for v in (bean.x, bean.y, bean.vx, bean.vy, world.camera_y, world.max_y)),
        [(p.kind.value, float.hex(p.x), float.hex(p.y), p.broken) for p in world.platforms],
        [(float.hex(c.x), float.hex(c.y)) for c in world.coins],
    ]  # fmt: skip


def wire(world: World) -> InputLog:
    """The world's log as the server receives it: through JSON text."""
    return InputLog.from_json(json.loads(json.dumps(world.log.log().to_json())))


def random_player(seed: int, case: int, steps: int = 2400) -> World:
    """A player pressing at random: levels held for random stretches, a revive at the first
    fall in every other case."""
    rng, world = random.Random(case), World(seed)
    level = 0
    while world.ticks < steps:
        if rng.random() < 0.15:
            level = rng.randint(-STEER_LEVELS, STEER_LEVELS)
        world.step(Input.of_level(level))
        if world.over:
            if case % 2 or world.revived:
                break
            world.revive()
    return world


@pytest.mark.parametrize("seed", [1, 2, 6, 7, 8, 11])
def test_the_bots_runs_replay_exactly(seed: int) -> None:
    for world in (play(seed), play(seed, revive=True)):
        assert state(replay_world(seed, wire(world))) == state(world)
        outcome = replay(seed, wire(world))
        assert (outcome.score, outcome.coins, outcome.height, outcome.steps) == (
            world.score,
            world.coins_collected,
            world.height,
            world.ticks,
        )
        assert outcome.fell and outcome.revived == world.revived


def test_random_players_on_random_seeds_replay_exactly() -> None:
    """Property: whatever the inputs and the seed, the replay is the played world, bit for bit."""
    rng = random.Random(2024)
    for case in range(40):
        seed = rng.randrange(2**31)
        world = random_player(seed, case)
        assert state(replay_world(seed, wire(world))) == state(world), (seed, case)


def test_a_run_abandoned_mid_air_replays_to_its_last_step() -> None:
    world = play(8, steps=900)
    assert not world.over
    outcome = replay(8, wire(world))
    assert not outcome.fell and outcome.steps == 900 and outcome.score == world.score


def test_an_unpaid_revive_ends_the_replay_at_the_fall() -> None:
    fell, revived = play(7), play(7, revive=True)
    outcome = replay(7, wire(revived), revive_paid=False)
    assert (outcome.steps, outcome.score, outcome.coins) == (
        fell.ticks,
        fell.score,
        fell.coins_collected,
    )
    assert not outcome.revived


def test_a_revive_off_its_fall_does_nothing() -> None:
    revived = play(7, revive=True)
    log = revived.log.log()
    moved = InputLog(log.steer, (log.revives[0] - 1,))
    assert replay(7, moved).steps == play(7).ticks, "the replay ends at the real fall"


def test_steps_after_the_final_fall_are_ignored() -> None:
    world = play(6)
    log = world.log.log()
    padded = InputLog((*log.steer, 4, 500), ())
    assert replay(6, padded) == replay(6, log)


def test_a_log_replayed_on_another_seed_earns_that_seeds_run() -> None:
    rich = play(8)
    assert replay(6, wire(rich)).coins != rich.coins_collected


# ---- the same replays in CPython on WebAssembly (Pyodide, as in the browser) --------------

NODE_SCRIPT = """
const path = require("path");
const [pyodideDir, appDir, code] = process.argv.slice(2);
const { loadPyodide } = require(path.join(pyodideDir, "pyodide.js"));
(async () => {
  const py = await loadPyodide({ indexURL: pyodideDir + "/", stdout: () => {} });
  py.FS.mkdir("/app");
  py.FS.mount(py.FS.filesystems.NODEFS, { root: appDir }, "/app");
  process.stdout.write(String(py.runPython(code)));
})().catch((e) => { process.stderr.write(String(e) + "\\n"); process.exit(1); });
"""
WASM_CODE = """
import json, sys
sys.path.insert(0, "/app")
from rules.log import InputLog
from rules.replay import replay_world
from tests_rules_state import state
cases = json.load(open("/app/cases.json"))
json.dumps([[sys.version, sys.platform]] + [
    state(replay_world(seed, InputLog.from_json(log))) for seed, log in cases
])
"""


def pyodide_dir() -> Path:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the WebAssembly replay check needs it")
    from bridge.build.options import BuildError
    from bridge.build.runtimes import npm_pyodide

    try:
        return npm_pyodide(Path.home() / ".cache" / "beanhop", timeout=300)
    except BuildError as exc:
        pytest.skip(f"Pyodide is not available: {exc}")


@pytest.mark.slow
def test_the_same_replays_in_cpython_on_webassembly(tmp_path: Path) -> None:
    """The game runs the rules in CPython 3.12 on WebAssembly, the server natively: the worlds
    they compute from the same logs must be identical, float for float."""
    package = pyodide_dir()
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    source = Path(__file__).read_text()
    start, end = source.index("def state("), source.index("def wire(")
    (tmp_path / "tests_rules_state.py").write_text(
        "from typing import Any\nfrom rules.world import World\n\n\n" + source[start:end]
    )
    rng = random.Random(7)
    worlds = [(s, play(s, revive=True)) for s in (1, 8, 11)] + [
        (seed, random_player(seed, case, steps=3000))
        for case, seed in enumerate(rng.randrange(2**31) for _ in range(6))
    ]
    cases = [(seed, world.log.log().to_json()) for seed, world in worlds]
    (tmp_path / "cases.json").write_text(json.dumps(cases))
    (tmp_path / "run.js").write_text(NODE_SCRIPT)
    done = subprocess.run(
        ["node", str(tmp_path / "run.js"), str(package), str(tmp_path), WASM_CODE],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    (version, where), *states = json.loads(done.stdout)
    assert version.startswith("3.12") and where == "emscripten", (version, where)
    assert states == [json.loads(json.dumps(state(world))) for _, world in worlds]


def test_the_rules_replay_a_pinned_run() -> None:
    """A change to the rules changes every replay: a client with the old rules would then send
    logs the server replays differently. Such a change bumps rules.log.VERSION (the server
    refuses older logs) and this digest."""
    world = random_player(20240601, case=0, steps=3000)
    digest = hashlib.sha256(json.dumps(state(world)).encode()).hexdigest()
    assert (world.ticks, world.score, world.coins_collected) == PINNED[:3]
    assert digest == PINNED[3]


PINNED = (367, 94, 5, "8126b5f4533e4aba50334bd4c7f6901dfe397169e33aa699de53c3c86da3a43f")
