"""The rules, stepped headless with scripted input."""

from __future__ import annotations

import itertools

import pytest

from rules.world import (
    DT,
    HEIGHT,
    JUMP_SPEED,
    MAX_GAP,
    SPRING_SPEED,
    WIDTH,
    Bean,
    Coin,
    Input,
    Kind,
    Platform,
    PowerUp,
    World,
    wrap_dx,
)

STILL = Input(0.0)


def bare(*platforms: Platform, bean: Bean | None = None) -> World:
    """A world without level generation, holding exactly these platforms."""
    world = World(seed=0, generate=False)
    world.platforms = list(platforms)
    world.coins, world.powerups = [], []
    if bean is not None:
        world.bean = bean
    return world


def run(world: World, ticks: int, inp: Input = STILL) -> list[str]:
    events: list[str] = []
    for _ in range(ticks):
        world.step(inp)
        events.extend(world.events)
    return events


def test_the_bean_lands_on_a_platform_and_bounces() -> None:
    world = bare(Platform(Kind.PLAIN, 180, 100), bean=Bean(180, 160, vy=-10))
    events = run(world, 20)
    assert "jump" in events
    assert world.bean.vy > 0
    assert world.bean.y >= 100  # never sank through


def test_a_rising_bean_passes_through_platforms() -> None:
    world = bare(Platform(Kind.PLAIN, 180, 60), bean=Bean(180, 0, vy=JUMP_SPEED))
    events = run(world, 15)
    assert "jump" not in events
    assert world.bean.y > 60


def test_a_bean_beside_the_platform_falls_past_it() -> None:
    world = bare(Platform(Kind.PLAIN, 40, 100), bean=Bean(250, 160, vy=-10))
    assert "jump" not in run(world, 30)
    assert world.bean.y < 100


def test_horizontal_wrap_around() -> None:
    world = bare(bean=Bean(WIDTH - 5, 300, vy=JUMP_SPEED))
    run(world, 10, Input(1.0))
    assert 0 <= world.bean.x < 60, "went out on the right, came in on the left"
    world.bean.x = 5
    world.bean.vx = 0
    run(world, 10, Input(-1.0))
    assert WIDTH - 60 < world.bean.x < WIDTH


def test_landing_across_the_wrap_edge() -> None:
    world = bare(Platform(Kind.PLAIN, 10, 100), bean=Bean(WIDTH - 8, 130, vy=-10))
    assert "jump" in run(world, 20)
    assert wrap_dx(WIDTH - 8, 10) == pytest.approx(18)


def test_steering_is_clamped_and_moves_toward_the_input() -> None:
    world = bare(bean=Bean(180, 300, vy=JUMP_SPEED))
    run(world, 30, Input(5.0))
    assert world.bean.vx == pytest.approx(330.0)
    assert world.bean.facing == 1


def test_crumbling_platforms_break_without_a_bounce() -> None:
    trap = Platform(Kind.CRUMBLING, 180, 100)
    world = bare(trap, bean=Bean(180, 130, vy=-10))
    events = run(world, 30)
    assert "crumble" in events and "jump" not in events
    assert trap.broken
    assert world.bean.y < 100  # fell through
    run(world, 120)
    assert trap not in world.platforms or trap.fall > 0


def test_springs_launch_far_higher_than_a_jump() -> None:
    def apex(kind: Kind) -> float:
        world = bare(Platform(kind, 180, 100), bean=Bean(180, 110, vy=-10))
        top = 0.0
        for _ in range(120):
            world.step(STILL)
            top = max(top, world.bean.y)
        return top - 100

    plain, spring = apex(Kind.PLAIN), apex(Kind.SPRING)
    assert 180 < plain < 230
    assert spring > 2.5 * plain
    assert SPRING_SPEED > JUMP_SPEED


def test_moving_platforms_move_and_turn_at_the_edges() -> None:
    p = Platform(Kind.MOVING, WIDTH - 40, 5000, vx=120)  # far above the bean, out of its way
    world = bare(p, bean=Bean(180, 0, vy=JUMP_SPEED))
    xs = []
    for _ in range(120):
        world.step(STILL)
        xs.append(p.x)
    assert max(xs) <= WIDTH - p.width / 2 + 1e-6
    assert p.vx < 0 and xs[-1] < xs[0]


def test_the_bean_rides_a_moving_platform_bounce() -> None:
    p = Platform(Kind.MOVING, 180, 100, vx=100)
    world = bare(p, bean=Bean(185, 120, vy=-10))
    assert "jump" in run(world, 20)


def test_the_camera_only_climbs() -> None:
    world = bare(bean=Bean(180, 0, vy=SPRING_SPEED))
    cameras = []
    for _ in range(150):
        world.step(STILL)
        cameras.append(world.camera_y)
    assert cameras[-1] > 0
    assert all(b >= a for a, b in itertools.pairwise(cameras))
    assert world.bean.y < max(cameras)  # the bean fell back while the camera stayed


def test_score_is_the_best_height_and_coins_count() -> None:
    world = bare(bean=Bean(180, 0, vy=JUMP_SPEED))
    world.coins = [Coin(180, 60), Coin(180, 120), Coin(20, 120)]
    run(world, 30)
    peak = world.max_y
    run(world, 20)
    assert world.height == int(peak) and world.score == int(peak) // 10
    assert world.coins_collected == 2
    assert [c.x for c in world.coins] == [20]


def test_a_rocket_lifts_the_bean_for_a_while() -> None:
    world = bare(bean=Bean(180, 0, vy=JUMP_SPEED))
    world.powerups = [PowerUp(180, 40)]
    events = run(world, 10)
    assert "powerup" in events and world.bean.rocket > 0
    run(world, 60)
    assert world.height > 900


def test_falling_below_the_screen_ends_the_run() -> None:
    world = bare(bean=Bean(180, 500, vy=0))
    world.camera_y = 400
    events = run(world, 120)
    assert world.over and events.count("fall") == 1
    before = world.ticks
    run(world, 10)
    assert world.ticks == before, "a finished world no longer moves"


def test_revive_once_puts_the_bean_back_in_play() -> None:
    world = bare(bean=Bean(180, 500, vy=0))
    world.camera_y = 400
    run(world, 120)
    world.revive()
    assert not world.over and world.revived
    assert world.bean.vy == SPRING_SPEED
    run(world, 30)
    assert world.bean.y > world.camera_y


def test_the_same_seed_generates_the_same_level_and_another_seed_does_not() -> None:
    def layout(seed: int) -> list[tuple[str, float, float]]:
        return [(p.kind.value, round(p.x, 3), round(p.y, 3)) for p in World(seed).platforms]

    assert layout(7) == layout(7)
    assert layout(7) != layout(8)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_levels_stay_reachable_as_difficulty_rises(seed: int) -> None:
    world = World(seed)
    for _ in range(int(28 / DT)):  # a rocket straight up through ~40 screens
        world.bean.rocket = 1.0
        world.step(STILL)
    assert world.difficulty > 0.7
    solid = sorted(p.y for p in world.platforms if p.kind is not Kind.CRUMBLING)
    assert solid and all(b - a <= MAX_GAP + 1e-6 for a, b in itertools.pairwise(solid))
    kinds = {p.kind for p in world.platforms}
    assert Kind.MOVING in kinds
    assert len(world.platforms) < 60, "platforms far below are forgotten"
    assert all(p.y > world.camera_y - 200 for p in world.platforms)
    assert HEIGHT > 0
