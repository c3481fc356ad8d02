"""The one table of `/brm` subcommands. Each subcommand declares itself where its handler is:

    @subcommand("undo", help="Take back your last log or issue", example="/brm undo")
    def run(request: CommandRequest) -> None: ...

Dispatch (handlers/commands/__init__.py), the aliases, the "I know ..." list and the lines of
`/brm help` and of the Home tab are all read from here, in the order the subcommands registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from handlers.commands.request import CommandRequest

Handler = Callable[[CommandRequest], None]


@dataclass(frozen=True)
class Subcommand:
    name: str
    run: Handler
    help: str  # one line: what it is for
    example: str  # a command to copy; `#12` is shown as an issue that exists
    aliases: tuple[str, ...] = ()
    # False: its example is shown on another subcommand's line (snooze's names reopen and assign).
    in_help: bool = True
    # Further (label, example) lines of `/brm help`, after this one's own.
    more_examples: tuple[tuple[str, str], ...] = ()


SUBCOMMANDS: dict[str, Subcommand] = {}
_ALIASES: dict[str, str] = {}


def subcommand(
    name: str,
    *,
    help: str,
    example: str,
    aliases: tuple[str, ...] = (),
    in_help: bool = True,
    more_examples: tuple[tuple[str, str], ...] = (),
) -> Callable[[Handler], Handler]:
    """Register the decorated function as `/brm name` (and each of `aliases`)."""

    def register(run: Handler) -> Handler:
        if name in _ALIASES or (name in SUBCOMMANDS and SUBCOMMANDS[name].run is not run):
            raise ValueError(f"/brm {name}: two subcommands of that name")
        for alias in aliases:
            if alias in SUBCOMMANDS or _ALIASES.get(alias, name) != name:
                raise ValueError(f"/brm {alias}: already names another subcommand")
        SUBCOMMANDS[name] = Subcommand(name, run, help, example, tuple(aliases), in_help, more_examples)
        _ALIASES.update(dict.fromkeys(aliases, name))
        return run

    return register


def find_subcommand(word: str) -> Subcommand | None:
    """The subcommand a (lower-cased) word names, by its name or an alias."""
    return SUBCOMMANDS.get(_ALIASES.get(word, word))


def known_names() -> list[str]:
    return list(SUBCOMMANDS)


def help_lines() -> list[tuple[str, str]]:
    """(label, example) for each line of `/brm help` and the Home tab's "What you can do"."""
    lines: list[tuple[str, str]] = []
    for entry in SUBCOMMANDS.values():
        if entry.in_help:
            lines.append((entry.help, entry.example))
        lines.extend(entry.more_examples)
    return lines
