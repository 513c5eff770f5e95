"""The rules of Bean Hop: pure data and numbers, no pygame.

World coordinates grow upward (y is height in logical pixels); the camera only climbs and its
``camera_y`` is the world height shown at the bottom of the 360x640 view. One ``step`` advances
the world by one fixed timestep and records its input in the world's ``log`` (rules/log.py).

The server replays runs with this code (rules/replay.py), natively, while the game runs it in a
browser (CPython on WebAssembly): every result must be bit-identical on both. So the rules use only
IEEE 754's correctly rounded operations (+ - * /, comparisons, abs, min, max, and float ``%``,
which is an exact ``fmod``), never libm functions such as ``math.sin`` or ``**`` (whose last bit
may differ between libcs), and randomness only from ``random.Random(seed)``'s ``random``,
``uniform`` and ``choice``, whose code and results are the same in CPython 3.11 to 3.13. The steer
is quantised to a few levels before the world uses it, so a log of levels replays exactly.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from enum import StrEnum

from rules.log import STEER_LEVELS, Recorder, quantise

WIDTH = 360
HEIGHT = 640
DT = 1 / 60

GRAVITY = 1500.0
JUMP_SPEED = 780.0  # apex about 200 px above the platform
SPRING_SPEED = 1300.0  # apex about 560 px
ROCKET_SPEED = 900.0
ROCKET_SECONDS = 2.0
MAX_VX = 330.0
STEER_ACCEL = 3000.0
BEAN_HALF_WIDTH = 15.0
PLATFORM_WIDTH = 66.0
PLATFORM_HEIGHT = 14.0
COIN_RADIUS = 10.0
PICKUP_DISTANCE = 26.0
CAMERA_LEAD = HEIGHT * 0.5  # the bean climbs until the middle of the screen, then the view does
DEATH_MARGIN = 60.0
GENERATE_AHEAD = 240.0
FORGET_BELOW = 120.0
HARDEST_AT = 30000.0  # height at which difficulty stops rising
MAX_GAP = 185.0  # always below the plain jump's apex, so the way up stays reachable
PIXELS_PER_POINT = 10


class Kind(StrEnum):
    PLAIN = "plain"
    MOVING = "moving"
    CRUMBLING = "crumbling"
    SPRING = "spring"


@dataclass(frozen=True)
class Input:
    """One step of player intent: steer -1 (left) .. 1 (right), used as its quantised ``level``."""

    steer: float = 0.0
    level: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "level", quantise(self.steer))

    @classmethod
    def of_level(cls, level: int) -> Input:
        return cls(level / STEER_LEVELS)


@dataclass(slots=True)
class Bean:
    x: float
    y: float  # the feet
    vx: float = 0.0
    vy: float = 0.0
    rocket: float = 0.0  # seconds of rocket left
    facing: int = 1


@dataclass(slots=True)
class Platform:
    kind: Kind
    x: float  # centre
    y: float  # top surface
    width: float = PLATFORM_WIDTH
    vx: float = 0.0
    broken: bool = False
    fall: float = 0.0  # how far a broken platform has dropped
    squash: float = 0.0  # spring/landing animation, seconds left
    dead: bool = False


@dataclass(slots=True)
class Coin:
    x: float
    y: float
    dead: bool = False


@dataclass(slots=True)
class PowerUp:
    x: float
    y: float
    kind: str = "rocket"
    dead: bool = False


@dataclass
class World:
    """One run: the bean, the platforms ahead, coins, the camera, the score and the input log."""

    seed: int = 0
    generate: bool = True  # False: no level generation (tests place platforms themselves)
    bean: Bean = field(default_factory=lambda: Bean(WIDTH / 2, 0.0))
    platforms: list[Platform] = field(default_factory=list)
    coins: list[Coin] = field(default_factory=list)
    powerups: list[PowerUp] = field(default_factory=list)
    camera_y: float = 0.0
    max_y: float = 0.0
    coins_collected: int = 0
    ticks: int = 0
    over: bool = False
    revived: bool = False
    recording: bool = True  # False: no log (the server's replay already has one)
    log: Recorder = field(default_factory=Recorder, repr=False)
    events: list[str] = field(default_factory=list)
    rng: random.Random = field(init=False, repr=False)
    _top: float = field(init=False, default=0.0)
    # Nothing lies below this height: until the camera's floor passes it, nothing is forgotten.
    _lowest: float = field(init=False, default=-math.inf)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.platforms.append(Platform(Kind.PLAIN, WIDTH / 2, 0.0, width=120.0))
        self._top = 0.0
        self._generate()

    # ---- derived numbers -------------------------------------------------------------------

    @property
    def height(self) -> int:
        return int(self.max_y)

    @property
    def score(self) -> int:
        return self.height // PIXELS_PER_POINT

    @property
    def difficulty(self) -> float:
        return min(1.0, self.max_y / HARDEST_AT)

    def screen_y(self, y: float) -> float:
        return HEIGHT - (y - self.camera_y)

    # ---- the step --------------------------------------------------------------------------

    def step(self, inp: Input, dt: float = DT) -> None:
        """Advance one fixed timestep; sounds and effects to play are left in ``events``."""
        self.events.clear()
        if self.over:
            return
        self.ticks += 1
        if self.recording:
            self.log.add(inp.level)
        self._move_platforms(dt)
        self._move_bean(inp.level / STEER_LEVELS, dt)
        if self.coins or self.powerups:
            self._collect()
        bean_y = self.bean.y
        if bean_y > self.max_y:
            self.max_y = bean_y
        if bean_y - CAMERA_LEAD > self.camera_y:  # the camera only climbs
            self.camera_y = bean_y - CAMERA_LEAD
            self._generate()
            self._forget()
        elif self._lowest == -math.inf:  # a platform is falling
            self._forget()
        if bean_y < self.camera_y - DEATH_MARGIN:
            self.over = True
            self.events.append("fall")

    def revive(self) -> None:
        """Put the bean back at the bottom of the view with a spring jump (once per run)."""
        assert self.over, "only a finished run can be revived"
        bean = self.bean
        bean.y, bean.vx, bean.vy, bean.rocket = self.camera_y + 40, 0.0, SPRING_SPEED, 0.0
        self.over = False
        self.revived = True
        if self.recording:
            self.log.revive(self.ticks)
        self.events.append("spring")

    def _move_platforms(self, dt: float) -> None:
        half = WIDTH / 2
        for p in self.platforms:
            if p.squash > 0:
                p.squash = max(0.0, p.squash - dt)
            if p.broken:
                p.fall += 400 * dt
            elif p.vx:  # only moving platforms have a speed
                x = p.x + p.vx * dt
                limit = half - p.width / 2
                if abs(x - half) > limit:
                    x = half + limit * (1 if x > half else -1)
                    p.vx = -p.vx
                p.x = x

    def _move_bean(self, steer: float, dt: float) -> None:
        bean = self.bean
        target = steer * MAX_VX
        change = max(-STEER_ACCEL * dt, min(STEER_ACCEL * dt, target - bean.vx))
        bean.vx += change
        if abs(steer) > 0.1:
            bean.facing = 1 if steer > 0 else -1
        bean.x = (bean.x + bean.vx * dt) % WIDTH
        if bean.rocket > 0:
            bean.rocket = max(0.0, bean.rocket - dt)
            bean.vy = ROCKET_SPEED
            bean.y += bean.vy * dt
            return
        previous = bean.y
        bean.vy -= GRAVITY * dt
        bean.y += bean.vy * dt
        if bean.vy <= 0:
            self._land(previous)

    def _land(self, previous: float) -> None:
        bean = self.bean
        y = bean.y
        for p in self.platforms:
            if not (y <= p.y <= previous) or p.broken:
                continue
            if abs(wrap_dx(bean.x, p.x)) > p.width / 2 + BEAN_HALF_WIDTH * 0.6:
                continue
            if p.kind is Kind.CRUMBLING:
                p.broken = True  # gives way under the bean: no bounce
                self._lowest = -math.inf  # it falls: look for it below the floor every step
                self.events.append("crumble")
                continue
            bean.y = p.y
            p.squash = 0.15
            if p.kind is Kind.SPRING:
                bean.vy = SPRING_SPEED
                self.events.append("spring")
            else:
                bean.vy = JUMP_SPEED
                self.events.append("jump")
            return

    def _collect(self) -> None:
        bean = self.bean
        x, middle = bean.x, bean.y + 18
        collected = False
        for c in self.coins:
            if abs(c.y - middle) <= PICKUP_DISTANCE + 1 and _near(
                x, middle, c.x, c.y, PICKUP_DISTANCE
            ):
                c.dead = collected = True
                self.coins_collected += 1
                self.events.append("coin")
        for u in self.powerups:
            if _near(x, middle, u.x, u.y, PICKUP_DISTANCE + 4):
                u.dead = collected = True
                bean.rocket = ROCKET_SECONDS
                self.events.append("powerup")
        if collected:  # gone from the lists in the step that collected them
            self.coins = [c for c in self.coins if not c.dead]
            self.powerups = [u for u in self.powerups if not u.dead]

    def _forget(self) -> None:
        floor = self.camera_y - FORGET_BELOW
        if floor <= self._lowest:  # the common case: nothing has gone below the floor
            return
        for p in self.platforms:
            if p.y - p.fall < floor:
                p.dead = True
        self.platforms = [p for p in self.platforms if not p.dead]
        self.coins = [c for c in self.coins if c.y >= floor]
        self.powerups = [u for u in self.powerups if u.y >= floor]
        falling = any(p.broken for p in self.platforms)
        ys = (
            [p.y for p in self.platforms] + [c.y for c in self.coins] + [u.y for u in self.powerups]
        )
        self._lowest = -math.inf if falling else min(ys, default=math.inf)

    # ---- level generation ------------------------------------------------------------------

    def _generate(self) -> None:
        rng = self.rng
        while self.generate and self._top < self.camera_y + HEIGHT + GENERATE_AHEAD:
            d = min(1.0, self._top / HARDEST_AT)
            gap = rng.uniform(45 + 70 * d, min(MAX_GAP, 85 + 100 * d))
            y = self._top + gap
            kind = self._pick_kind(d)
            p = Platform(kind, rng.uniform(PLATFORM_WIDTH / 2, WIDTH - PLATFORM_WIDTH / 2), y)
            if kind is Kind.MOVING:
                p.vx = rng.choice((-1, 1)) * (50 + 100 * d)
            self.platforms.append(p)
            if rng.random() < 0.12 + 0.25 * d:  # a trap between two safe platforms
                trap_y = self._top + gap * rng.uniform(0.35, 0.65)
                trap_x = rng.uniform(PLATFORM_WIDTH / 2, WIDTH - PLATFORM_WIDTH / 2)
                self.platforms.append(Platform(Kind.CRUMBLING, trap_x, trap_y))
            self._decorate(p)
            self._top = y

    def _pick_kind(self, d: float) -> Kind:
        roll = self.rng.random()
        if roll < 0.07:
            return Kind.SPRING
        if roll < 0.07 + 0.06 + 0.34 * d:
            return Kind.MOVING
        return Kind.PLAIN

    def _decorate(self, p: Platform) -> None:
        rng = self.rng
        roll = rng.random()
        if p.kind is Kind.SPRING and roll < 0.6:
            self.coins.extend(Coin(p.x, p.y + 80 + 50 * i) for i in range(4))
        elif roll < 0.3:
            self.coins.append(Coin(p.x, p.y + 34))
        elif roll < 0.3 + 0.018 and p.y > 1200:
            self.powerups.append(PowerUp(p.x, p.y + 36))


def wrap_dx(a: float, b: float) -> float:
    """Signed horizontal distance from ``a`` to ``b`` across the wrap-around edge."""
    return (b - a + WIDTH / 2) % WIDTH - WIDTH / 2


def _near(ax: float, ay: float, bx: float, by: float, distance: float) -> bool:
    dx, dy = wrap_dx(ax, bx), ay - by
    return dx * dx + dy * dy <= distance * distance
