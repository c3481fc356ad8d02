"""Reading the subcommand of `/brm <subcommand> <rest>` (its aliases are declared with it:
handlers/commands/registry.py)."""

from __future__ import annotations


def split_subcommand(text: str) -> tuple[str, str]:
    """("log", "DMV met Jane...") from "log DMV met Jane..."; an empty text gives "" (`/brm help`)."""
    text = (text or "").strip()
    word, _, rest = text.partition(" ")
    name = word.lower()
    return name, rest.strip()
