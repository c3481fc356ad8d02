r"""Reading the whole numbers people type ("30", "#12", "007"): in ASCII digits only.

`str.isdigit` also accepts "²" and "①", which `int()` refuses, and `int()` accepts "١٢"; neither is a
number anyone means in `/brm settings cold 30`, so both are refused like any other word. Patterns
that find numbers inside text say `[0-9]`, not `\d`, which matches every script's digits.
"""

from __future__ import annotations

import re

# Leading zeros aside, more digits than this is no count anyone means (and `int()` refuses 4,300).
_NUMBER = re.compile(r"0*([0-9]{1,18})")


def read_number(text: str) -> int | None:
    """The whole number `text` is, written in ASCII digits with nothing around it; None otherwise."""
    m = _NUMBER.fullmatch(text)
    return int(m.group(1)) if m else None
