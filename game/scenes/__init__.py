"""The scenes of Bean Hop and the one function that builds them all."""

from __future__ import annotations

from game.scenes.base import Context, Scene, SceneManager
from game.scenes.gameover import GameOverScene
from game.scenes.play import PauseScene, PlayScene
from game.scenes.profile import ProfileScene
from game.scenes.results import ResultsScene
from game.scenes.shop import ShopScene
from game.scenes.title import TitleScene

SCENES: tuple[type[Scene], ...] = (
    TitleScene,
    PlayScene,
    PauseScene,
    GameOverScene,
    ResultsScene,
    ShopScene,
    ProfileScene,
)


def build_manager(ctx: Context, first: str = "title") -> SceneManager:
    return SceneManager({cls.name: cls(ctx) for cls in SCENES}, first)


__all__ = ["Context", "Scene", "SceneManager", "build_manager"]
