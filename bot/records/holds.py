"""Legal holds: `/brm hold add "PRR-2026-114" DMV from 2025-01-01 to 2025-12-31 @person`, `list`, `release`.

A hold keeps what it covers (storage/records_holds.py says exactly what) from every deletion:
retention skips it, `/brm undo` refuses it. Placing and releasing a hold are in the audit log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, func, select

from bot.errors import InputError, NotFound
from bot.party_names import find_party
from bot.recording import known_parties
from bot.records.scope import Scope, days_text, read_scope
from bot.text import safe_mrkdwn, truncate
from storage.audit import record_change
from storage.models import Interaction, Issue, Surface
from storage.parties import get_party
from storage.records_holds import active_hold_named, active_holds, add_hold, interactions_held, issues_held
from storage.records_models import LegalHold

HOLD_EXAMPLE = '/brm hold add "PRR-2026-114" DMV from 2025-01-01 to 2025-12-31'
RELEASE_EXAMPLE = '/brm hold release "PRR-2026-114"'
ENTITY = "legal_hold"
NAME_LIMIT = 120
_QUOTED = re.compile(r'\s*["“”](?P<name>[^"“”]+)["“”]\s*(?P<rest>.*)', re.S)


@dataclass(frozen=True)
class HoldView:
    """A hold as replies show it."""

    name: str
    covers: str  # mrkdwn: "*DMV*, from 2025-01-01 to 2025-12-31"
    placed_by: str
    placed_at: datetime
    interactions: int
    issues: int


def read_hold_name(text: str, example: str) -> tuple[str, str]:
    """The hold's name ("PRR-2026-114", quoted or one word) and the words after it."""
    quoted = _QUOTED.fullmatch(text)
    if quoted:
        name, rest = quoted["name"].strip(), quoted["rest"]
    else:
        name, _, rest = text.strip().partition(" ")
    if not name:
        raise InputError("Give the hold a name, such as the request's number.", example=example)
    if len(name) > NAME_LIMIT:
        raise InputError(f"A hold's name may be {NAME_LIMIT} characters at most.", example=example)
    return name, rest.strip()


def place_hold(session: Session, text: str, *, actor_id: str, tz: ZoneInfo) -> HoldView:
    """Place the hold `text` describes; InputError when it names nothing to hold or clashes."""
    name, rest = read_hold_name(text, HOLD_EXAMPLE)
    scope = read_scope(rest, example=HOLD_EXAMPLE)
    if scope.empty:
        raise InputError(
            "Say what the hold covers: a party, a date range, a person (`@jane`), or any mix.",
            example=HOLD_EXAMPLE,
        )
    if active_hold_named(session, name) is not None:
        raise InputError(
            f"A hold called *{safe_mrkdwn(name)}* is already in place. Give this one another name, "
            "or release that one first.",
            example=RELEASE_EXAMPLE,
        )
    party_id = party_for(session, scope, HOLD_EXAMPLE)
    starts, ends = scope.bounds(tz)
    hold = add_hold(
        session,
        LegalHold(
            name=name,
            party_id=party_id,
            starts_at=starts,
            ends_at=ends,
            user_id=scope.user_id,
            placed_by=actor_id,
        ),
    )
    view = hold_view(session, hold, tz)
    record_change(
        session,
        actor_id=actor_id,
        surface=Surface.COMMAND,
        action="hold_placed",
        entity=ENTITY,
        entity_id=hold.id,  # type: ignore[arg-type]
        name=name,
        party_id=party_id,
        starts_at=starts,
        ends_at=ends,
        user=scope.user_id,
        interactions=view.interactions,
        issues=view.issues,
    )
    return view


def party_for(session: Session, scope: Scope, example: str) -> int | None:
    """The id of the party `scope` names (None: every party); NotFound for one this workspace lacks."""
    if not scope.party_words:
        return None
    parties = known_parties(session)
    match = find_party(scope.party_words, parties)
    if match is None or match.party_id is None:
        known = ", ".join(safe_mrkdwn(p.name) for p in parties[:8]) or "none yet"
        raise NotFound(
            f"I don't know a party called “{safe_mrkdwn(truncate(scope.party_words, 80))}”. "
            f"Parties I know: {known}.",
            example=example,
        )
    return match.party_id


def release_hold(session: Session, text: str, *, actor_id: str, now: datetime) -> str:
    """Release the active hold named in `text`; returns its name."""
    name, _ = read_hold_name(text, RELEASE_EXAMPLE)
    hold = active_hold_named(session, name)
    if hold is None:
        names = ", ".join(f"*{safe_mrkdwn(h.name)}*" for h in active_holds(session)) or "none"
        raise NotFound(
            f"No hold called *{safe_mrkdwn(name)}* is in place. Holds in place: {names}.",
            example=RELEASE_EXAMPLE,
        )
    hold.released_at, hold.released_by = now, actor_id
    session.add(hold)
    record_change(
        session,
        actor_id=actor_id,
        surface=Surface.COMMAND,
        action="hold_released",
        entity=ENTITY,
        entity_id=hold.id,  # type: ignore[arg-type]
        name=hold.name,
    )
    return hold.name


def list_holds(session: Session, tz: ZoneInfo) -> list[HoldView]:
    return [hold_view(session, hold, tz) for hold in active_holds(session)]


def hold_view(session: Session, hold: LegalHold, tz: ZoneInfo) -> HoldView:
    """The hold, its dates read in `tz`, with how many interactions and issues it covers now."""
    return HoldView(
        name=hold.name,
        covers=describe_hold(session, hold, tz),
        placed_by=hold.placed_by,
        placed_at=hold.created_at,
        interactions=session.exec(
            select(func.count()).select_from(Interaction).where(interactions_held(hold))
        ).one(),
        issues=session.exec(select(func.count()).select_from(Issue).where(issues_held(hold))).one(),
    )


def describe_hold(session: Session, hold: LegalHold, tz: ZoneInfo) -> str:
    parts = []
    if hold.party_id is not None:
        party = get_party(session, hold.party_id)
        parts.append(f"*{safe_mrkdwn(party.name if party else str(hold.party_id))}*")
    first = hold.starts_at.astimezone(tz).date() if hold.starts_at else None
    # The end is stored as the first moment after the last day held.
    last = (hold.ends_at.astimezone(tz) - timedelta(days=1)).date() if hold.ends_at else None
    if first or last:
        parts.append(days_text(first, last))
    if hold.user_id is not None:
        parts.append(f"of <@{hold.user_id}>")
    return ", ".join(parts) or "every record"


def held_refusal(hold: LegalHold, what: str) -> str:
    """What a refusal says: which hold keeps `what`, and who to ask."""
    return (
        f"{what} is under legal hold *{safe_mrkdwn(hold.name)}*, placed by <@{hold.placed_by}>, so it stays. "
        f"Ask <@{hold.placed_by}> or another records administrator (`/brm admin list`) about the hold."
    )
