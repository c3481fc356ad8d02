"""Counting words: the noun agrees with the count for 0, 1 and many."""

from __future__ import annotations

import pytest

from bot.plural import counted, noun


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 open issues"), (1, "1 open issue"), (2, "2 open issues"), (21, "21 open issues")],
)
def test_counted_agrees_with_the_count(count: int, expected: str) -> None:
    assert counted(count, "open issue") == expected


def test_an_irregular_plural_is_given() -> None:
    assert [counted(n, "party", "parties") for n in (0, 1, 3)] == ["0 parties", "1 party", "3 parties"]
    assert noun(1, "issue") == "issue" and noun(4, "issue") == "issues"
