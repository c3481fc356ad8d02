"""The party select of the capture forms: its options for what someone typed (known parties by name
or alias, closest first, and "add it as a new party"), and reading the chosen option back. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.form_fields import MAX_PARTY_OPTIONS, PartyChoice, select_option
from bot.limits import NAME_LIMIT
from bot.numbers import read_number
from bot.party_names import KnownParty, find_party
from bot.text import normalise_name, truncate, without_unshown

FUZZY_RANK = 6  # after every name or alias that contains the words typed
NEW_PARTY = "new:"
KNOWN_PARTY = "party:"


def party_option(party_id: int, name: str, matched_alias: str | None = None) -> dict[str, Any]:
    label = f"{name} · {matched_alias}" if matched_alias else name
    return select_option(label, f"{KNOWN_PARTY}{party_id}")


def new_party_option(name: str) -> dict[str, Any]:
    # An option's value holds 150 characters; a party name longer than NAME_LIMIT is a typo anyway.
    name = truncate(" ".join(name.split()), NAME_LIMIT)
    return select_option(f"➕ New party: {name}", f"{NEW_PARTY}{name}")


def party_options(query: str, parties: Sequence[KnownParty]) -> list[dict[str, Any]]:
    """The options for what someone typed in the party select, best first.

    Names and aliases that start with the words typed come first, then those containing them, then
    the closest fuzzy match (typos, acronyms: "DVM", "dept of motor vehicle"). When nothing is named
    exactly what was typed, the last option creates a new party of that name.
    """
    wanted = normalise_name(query)
    if not wanted:
        return [party_option(p.id, p.name) for p in sorted(parties, key=lambda p: p.name.lower())][
            :MAX_PARTY_OPTIONS
        ]
    ranked: list[tuple[int, str, KnownParty, str | None]] = []
    for party in parties:
        best = _best_name_rank(wanted, party)
        if best is not None:
            ranked.append((best[0], party.name.lower(), party, best[1]))
    if not any(rank <= 1 for rank, *_ in ranked):
        fuzzy = find_party(query, parties)
        if fuzzy is not None and fuzzy.party_id not in {p.id for _, _, p, _ in ranked}:
            ranked.append((FUZZY_RANK, "", next(p for p in parties if p.id == fuzzy.party_id), None))
    ranked.sort(key=lambda item: (item[0], item[1]))
    exact = any(_is_named(wanted, party) for _, _, party, _ in ranked)
    room = MAX_PARTY_OPTIONS - (0 if exact else 1)
    options = [party_option(party.id, party.name, alias) for _, _, party, alias in ranked[:room]]
    if not exact:
        options.append(new_party_option(query))
    return options


def _best_name_rank(wanted: str, party: KnownParty) -> tuple[int, str | None] | None:
    """(rank, the alias that matched or None), lowest best: starts with, then a word starts with, then
    contains; at each step a match on the name comes before a match on an alias."""
    best: tuple[int, str | None] | None = None
    for name, alias in [(party.name, None), *((a, a) for a in party.aliases)]:
        key = normalise_name(name)
        if key.startswith(wanted):
            rank = 0
        elif f" {wanted}" in f" {key}":
            rank = 2
        elif wanted in key:
            rank = 4
        else:
            continue
        rank += 1 if alias else 0
        if best is None or rank < best[0]:
            best = (rank, alias)
    return best


def _is_named(wanted: str, party: KnownParty) -> bool:
    return any(normalise_name(name) == wanted for name in (party.name, *party.aliases))


def read_party(value: str | None, label: str = "") -> PartyChoice | None:
    """The party an option value names, or None when it is not one of ours."""
    if not value:
        return None
    if value.startswith(NEW_PARTY):
        name = " ".join(without_unshown(value[len(NEW_PARTY) :]).split())
        return PartyChoice(None, name) if name else None
    party_id = read_number(value.removeprefix(KNOWN_PARTY)) if value.startswith(KNOWN_PARTY) else None
    return PartyChoice(party_id, label.split(" · ")[0]) if party_id is not None else None
