"""Changing a party: kind, aliases, owner, home channel and name, each with its audit row.

Called inside one workspace session; a refusal (`InputError`) rolls everything back, so a clash with
another party's name or alias writes nothing. A change to what the party already is writes nothing
either, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from bot.errors import InputError, NotFound
from bot.party_args import EXAMPLES, PartyCommand
from bot.text import a_kind, normalise_name, safe_mrkdwn
from storage import parties
from storage.audit import record_change
from storage.models import Party, Surface


@dataclass(frozen=True)
class PartyChange:
    """What a change did, for the reply: `said` is safe mrkdwn."""

    party: Party
    changed: bool
    said: str


def change_party(session: Session, party: Party, command: PartyCommand, *, actor_id: str) -> PartyChange:
    """Apply `command` (an action of ACTIONS, already read and checked) to `party`."""
    change = _CHANGES[command.action]
    return change(session, party, command.value, actor_id)


def _set_kind(session: Session, party: Party, kind: str | None, actor_id: str) -> PartyChange:
    return _set(
        session,
        party,
        actor_id,
        column="kind",
        value=kind,
        action="kind_changed",
        same=f"{_bold(party)} is already {a_kind(kind or '')}",
        done=f"{_bold(party)} is now {a_kind(kind or '')} (it was {party.kind}).",
    )


def _add_alias(session: Session, party: Party, alias: str | None, actor_id: str) -> PartyChange:
    assert alias is not None
    key = normalise_name(alias)
    shown = safe_mrkdwn(alias)
    if key == party.name_key:
        return PartyChange(party, False, f"“{shown}” is already {_bold(party)}'s name; nothing changed.")
    if any(row.alias_key == key for row in parties.aliases_of(session, party.id)):  # type: ignore[arg-type]
        return PartyChange(party, False, f"“{shown}” is already an alias of {_bold(party)}; nothing changed.")
    _refuse_taken(session, party, key, f"“{shown}”", "alias")
    if parties.add_alias(session, party, alias=alias, alias_key=key) is None:
        _refuse_taken(session, party, key, f"“{shown}”", "alias", raced=True)
    _audit(session, party, actor_id, "alias_added", alias=alias)
    return PartyChange(party, True, f"{_bold(party)} is now also known as “{shown}”.")


def _remove_alias(session: Session, party: Party, alias: str | None, actor_id: str) -> PartyChange:
    assert alias is not None
    key = normalise_name(alias)
    aliases = parties.aliases_of(session, party.id)  # type: ignore[arg-type]
    found = next((row for row in aliases if row.alias_key == key), None)
    if found is None:
        known = ", ".join(f"“{safe_mrkdwn(row.alias)}”" for row in aliases) or "none"
        raise NotFound(
            f"{_bold(party)} has no alias “{safe_mrkdwn(alias)}”. Its aliases: {known}.",
            example=EXAMPLES["unalias"],
        )
    session.delete(found)
    _audit(session, party, actor_id, "alias_removed", alias=found.alias)
    return PartyChange(party, True, f"“{safe_mrkdwn(found.alias)}” no longer names {_bold(party)}.")


def _set_owner(session: Session, party: Party, owner_id: str | None, actor_id: str) -> PartyChange:
    return _set(
        session,
        party,
        actor_id,
        column="owner_id",
        value=owner_id,
        action="owner_changed",
        same=f"{_bold(party)} is already owned by {f'<@{owner_id}>' if owner_id else 'nobody'}",
        done=f"<@{owner_id}> now owns {_bold(party)}." if owner_id else f"{_bold(party)} has no owner now.",
    )


def _set_channel(session: Session, party: Party, channel_id: str | None, actor_id: str) -> PartyChange:
    done = (
        f"<#{channel_id}> is now {_bold(party)}'s home channel: from the third reminder on, "
        "nudges about its open issues are copied there."
        if channel_id
        else f"{_bold(party)} has no home channel now: nudges are not escalated."
    )
    return _set(
        session,
        party,
        actor_id,
        column="home_channel_id",
        value=channel_id,
        action="home_channel_changed",
        same=f"{_bold(party)} already has {f'<#{channel_id}>' if channel_id else 'no home channel'}",
        done=done,
    )


def _set(
    session: Session,
    party: Party,
    actor_id: str,
    *,
    column: str,
    value: str | None,
    action: str,
    same: str,
    done: str,
) -> PartyChange:
    """Set one of the party's columns, audited as `action` with the value and what it was."""
    was = getattr(party, column)
    if was == value:
        return PartyChange(party, False, f"{same}; nothing changed.")
    setattr(party, column, value)
    _audit(session, party, actor_id, action, **{column: value, "was": was})
    return PartyChange(party, True, done)


def _rename(session: Session, party: Party, name: str | None, actor_id: str) -> PartyChange:
    assert name is not None
    key = normalise_name(name)
    if name == party.name:
        return PartyChange(party, False, f"{_bold(party)} already has that name; nothing changed.")
    _refuse_taken(session, party, key, f"“{safe_mrkdwn(name)}”", "name")
    notes = ""
    for row in parties.aliases_of(session, party.id):  # type: ignore[arg-type]
        if row.alias_key == key:
            # The new name covers it; one row for one spelling keeps the list of aliases honest.
            session.delete(row)
            notes = " It was an alias, so that alias is gone."
    was = party.name
    party.name, party.name_key = name, key
    if not parties.save_party(session, party):
        _refuse_taken(session, party, key, f"“{safe_mrkdwn(name)}”", "name", raced=True)
    _audit(session, party, actor_id, "renamed", name=name, was=was)
    return PartyChange(
        party,
        True,
        f"*{safe_mrkdwn(was)}* is now called {_bold(party)}.{notes} "
        f"To keep “{safe_mrkdwn(was)}” working in `/brm log`, add it as an alias.",
    )


def _refuse_taken(
    session: Session, party: Party, key: str, shown: str, what: str, *, raced: bool = False
) -> None:
    other = parties.party_named(session, key, besides=party.id)
    if other is None and not raced:
        return
    owner = f"*{safe_mrkdwn(other.name)}*" if other is not None else "another party"
    raise InputError(
        f"{shown} already names {owner}, so it can't be {_bold(party)}'s {what} too. "
        "Pick a name no other party uses, or change the other party first.",
        example=EXAMPLES["alias" if what == "alias" else "rename"],
    )


def _audit(session: Session, party: Party, actor_id: str, action: str, **detail: Any) -> None:
    record_change(
        session,
        actor_id=actor_id,
        surface=Surface.COMMAND,
        action=action,
        entity="party",
        entity_id=party.id,  # type: ignore[arg-type]
        party=party.name,
        **detail,
    )


def _bold(party: Party) -> str:
    return f"*{safe_mrkdwn(party.name)}*"


_CHANGES = {
    "kind": _set_kind,
    "alias": _add_alias,
    "unalias": _remove_alias,
    "owner": _set_owner,
    "channel": _set_channel,
    "rename": _rename,
}
