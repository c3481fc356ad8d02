"""Counting things in words a person reads: "1 open issue", "0 open issues", "3 parties".

One place for it, so that no reply says "1 open issues" because its own `s` suffix forgot a case.
"""

from __future__ import annotations


def noun(count: int, word: str, words: str | None = None) -> str:
    """`word` for one, its plural (`words`, or `word` + "s") for any other count, zero included."""
    return word if count == 1 else (words or word + "s")


def counted(count: int, word: str, words: str | None = None) -> str:
    """ "1 open issue", "2 open issues", "0 parties" (with `words="parties"`)."""
    return f"{count} {noun(count, word, words)}"
