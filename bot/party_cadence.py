"""A party's touchpoint cadence: setting it (`/brm party DMV cadence every 2 weeks`) and the line a
party's card shows about it (cadence, where it comes from, when the next touchpoint is due)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import touchpoints
from bot.cadence import describe_cadence
from bot.date_format import format_local
from bot.parties import PartyChange
from bot.text import safe_mrkdwn
from storage.audit import record_change
from storage.models import Party, Surface
from storage.workspaces import ensure_workspace


def set_party_cadence(session: Session, party: Party, days: int | None, *, actor_id: str) -> PartyChange:
    """Give the party its own cadence (None: back to its kind's default) and replan its nudge."""
    name = f"*{safe_mrkdwn(party.name)}*"
    if party.cadence_days == days:
        return PartyChange(party, False, f"{name} already has that cadence; nothing changed.")
    was, party.cadence_days = party.cadence_days, days
    session.add(party)
    record_change(
        session,
        actor_id=actor_id,
        surface=Surface.COMMAND,
        action="cadence_changed",
        entity="party",
        entity_id=party.id,  # type: ignore[arg-type]
        party=party.name,
        cadence_days=days,
        was=was,
    )
    touchpoints.replan(session, party)
    if days:
        return PartyChange(party, True, f"{name} should be touched {describe_cadence(days)}.")
    return PartyChange(party, True, f"{name} has no cadence of its own now; its kind's default applies.")


def cadence_line(session: Session, party: Party, *, tz: ZoneInfo) -> str:
    """ "Cadence: every 2 weeks (its own) · next touchpoint due Thu 10 Dec" for the party's card."""
    workspace = ensure_workspace(session)
    days = touchpoints.party_cadence(party, workspace)
    if not days:
        return (
            "*Cadence:* none. Set one: `/brm party "
            f"{safe_mrkdwn(party.name)} cadence every 2 weeks`, or a default for every {party.kind}: "
            f"`/brm settings cadence {party.kind} every month`"
        )
    source = "its own" if party.cadence_days else f"the default for {party.kind}"
    due = touchpoints.party_due(session, party, workspace)
    assert due is not None
    return (
        f"*Cadence:* {describe_cadence(days)} ({source}) · next touchpoint due "
        f"{format_local(due.due_at, tz, with_time=False)}"
    )
