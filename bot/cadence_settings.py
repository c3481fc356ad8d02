"""`/brm settings cadence <kind> <how often>`: the default touchpoint cadence for every party of a kind
that has none of its own, and how `/brm settings` shows the defaults."""

from __future__ import annotations

from sqlmodel import Session, select

from bot import touchpoints
from bot.cadence import describe_cadence, read_cadence
from bot.errors import InputError
from bot.party_args import read_kind
from storage.audit import record_change
from storage.models import Party, PartyKind, Surface, Workspace

CADENCE_SETTING_EXAMPLE = "/brm settings cadence agency every month"


def set_default_cadence(session: Session, workspace: Workspace, text: str, *, actor_id: str) -> str:
    """Read "agency every month" (or "vendor none"), save it, replan the parties it covers; the reply."""
    kind_word, _, how_often = text.strip().partition(" ")
    if not kind_word:
        raise InputError("Which kind of party, and how often?", example=CADENCE_SETTING_EXAMPLE)
    kind = read_kind(kind_word)
    days = read_cadence(how_often, example=CADENCE_SETTING_EXAMPLE)
    defaults = dict(workspace.cadence_by_kind or {})
    was = defaults.get(kind)
    if days is None:
        defaults.pop(kind, None)
    else:
        defaults[kind] = days
    workspace.cadence_by_kind = defaults  # a new dict, so the JSON column is written
    session.add(workspace)
    record_change(
        session,
        actor_id=actor_id,
        surface=Surface.COMMAND,
        action="settings_changed",
        entity="workspace",
        entity_id=workspace.id,  # type: ignore[arg-type]
        setting=f"cadence_{kind}",
        value=days,
        was=was,
    )
    session.flush()
    for party in session.exec(select(Party).where(Party.kind == kind, Party.cadence_days.is_(None))):  # type: ignore[union-attr]
        touchpoints.replan(session, party, workspace)
    if days is None:
        return f"{kind} parties have no default cadence"
    return f"{kind} parties without a cadence of their own are due a touchpoint {describe_cadence(days)}"


def cadence_lines(workspace: Workspace) -> str:
    """ "• *cadence*: agency every 2 weeks · vendor every month" for the settings list."""
    defaults = workspace.cadence_by_kind or {}
    said = [
        f"{kind.value} {describe_cadence(defaults[kind.value])}"
        for kind in PartyKind
        if defaults.get(kind.value)
    ]
    return "• *cadence*: " + (" · ".join(said) if said else "none by default (set one per party kind)")
