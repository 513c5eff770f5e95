"""game.options: the command line and a web page's query, as one Options."""

from __future__ import annotations

import pytest

from game.cli import parse
from game.options import Options, from_query


def test_tour_implies_autoplay() -> None:
    assert parse(["--tour", "--seed", "4"]) == Options(autoplay=True, tour=True, seed=4)


@pytest.mark.parametrize(
    ("query", "options"),
    [
        ("", Options()),
        ("?autoplay=1&seed=3", Options(autoplay=True, seed=3)),
        ("tour&frames=600", Options(autoplay=True, tour=True, frames=600)),
        ("autoplay=true&sandbox=http%3A%2F%2Fx&utm=1", Options(autoplay=True)),
    ],
)
def test_a_page_query_gives_options(query: str, options: Options) -> None:
    assert from_query(query) == options


def test_a_bad_page_option_is_named_and_ignored(capsys: pytest.CaptureFixture[str]) -> None:
    assert from_query("seed=abc&frames=-2&autoplay=maybe&tour=1") == Options(
        autoplay=True, tour=True
    )
    err = capsys.readouterr().err
    for shown in ("seed='abc'", "frames='-2'", "autoplay='maybe'"):
        assert f"warning: ignoring the page option {shown}" in err
