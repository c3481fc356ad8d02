"""Reading the subcommand of `/brm <subcommand> <rest>`."""

from __future__ import annotations

ALIASES = {
    "": "help",
    "?": "help",
    "h": "help",
    "ls": "list",
    "new": "issue",
    "raise": "issue",
    "parties": "party",
    "followups": "follow-ups",
    "follow-up": "follow-ups",
    "followup": "follow-ups",
    "fu": "follow-ups",
    "reassign": "assign",
    "find": "search",
}


def split_subcommand(text: str) -> tuple[str, str]:
    """("log", "DMV met Jane...") from "log DMV met Jane..."; an empty text asks for help."""
    text = (text or "").strip()
    word, _, rest = text.partition(" ")
    name = word.lower()
    return ALIASES.get(name, name), rest.strip()
