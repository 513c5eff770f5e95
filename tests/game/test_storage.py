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


def test_on_save_receives_every_change_and_merge_takes_well_typed_values() -> None:
    saved: list[dict[str, object]] = []
    store = LocalStore(None, on_save=saved.append)
    store.set(skin="golden")
    assert saved[-1]["skin"] == "golden"
    store.merge({"best_score": 77, "muted": 1, "sfx_volume": True, "music_volume": 1, "x": 2})
    assert store.best_score == 77 and store.get("muted") is False
    assert store.get("sfx_volume") == 0.8 and store.get("music_volume") == 1.0
    store.merge(["not", "a", "dict"])
    assert store.best_score == 77
