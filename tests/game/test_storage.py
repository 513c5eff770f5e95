"""The local save file: best score as a guest, skin and sound settings."""

from __future__ import annotations

from pathlib import Path

from game.storage import DEFAULTS, LocalStore


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "save.json"
    store = LocalStore(path)
    assert store.record_best(120) and not store.record_best(80)
    store.set(skin="mint", muted=True)
    again = LocalStore(path)
    assert again.best_score == 120 and again.get("skin") == "mint" and again.get("muted") is True


def test_corrupt_or_odd_files_start_fresh(tmp_path: Path) -> None:
    path = tmp_path / "save.json"
    path.write_text("{not json")
    assert LocalStore(path).data == DEFAULTS
    path.write_text('{"best_score": "lots", "skin": 3, "music_volume": 1}')
    store = LocalStore(path)
    assert store.best_score == 0 and store.get("skin") == "classic"
    assert store.get("music_volume") == 1


def test_no_path_keeps_everything_in_memory(tmp_path: Path) -> None:
    store = LocalStore(None)
    store.record_best(5)
    assert store.best_score == 5
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_location_does_not_stop_the_game(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    store = LocalStore(blocker / "save.json")  # a path under a file cannot be created
    store.record_best(7)
    assert store.best_score == 7
