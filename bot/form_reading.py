"""Reading a submitted capture form back: plain values (`InteractionForm`, `IssueForm`), or the field
errors to show next to the fields (`FormErrors`). Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.dates import ParsedDate, format_local, parse_follow_up
from bot.form_fields import FUTURE_SLACK, SUMMARY_LIMIT, Field, PartyChoice, Source
from bot.limits import NAME_LIMIT, TITLE_LIMIT
from bot.party_select import read_party
from bot.text import without_unshown
from storage.models import InteractionKind, Sentiment, Severity


class FormErrors(Exception):
    """What is wrong with a submitted form, by block id: shown next to each field, nothing saved."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {text}" for key, text in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class InteractionForm:
    party: PartyChoice
    kind: str
    occurred_at: datetime
    summary: str
    people: tuple[str, ...] = ()
    sentiment: str | None = None
    follow_up: ParsedDate | None = None


@dataclass(frozen=True)
class IssueForm:
    party: PartyChoice
    title: str
    severity: str
    owner_id: str
    details: str | None = None
    follow_up: ParsedDate | None = None


@dataclass
class _Reader:
    """Reads fields from `view.state.values`, collecting an error per field instead of stopping."""

    values: Mapping[str, Mapping[str, Any]]
    errors: dict[str, str] = field(default_factory=dict)

    def state(self, block: Field) -> Mapping[str, Any]:
        return (self.values.get(block) or {}).get(block) or {}

    def text(self, block: Field, *, required: str | None = None, limit: int = SUMMARY_LIMIT) -> str:
        # A form's text is not escaped by Slack, but may hold characters it would not show (NUL).
        value = without_unshown(str(self.state(block).get("value") or "")).strip()
        if not value and required:
            self.errors[block] = required
        elif len(value) > limit:
            self.errors[block] = f"That is {len(value)} characters; keep it to {limit}."
        return value

    def choice(self, block: Field, allowed: type[StrEnum], *, required: str | None = None) -> str | None:
        value = (self.state(block).get("selected_option") or {}).get("value")
        if value in {item.value for item in allowed}:
            return value
        if required:
            self.errors[block] = required
        return None

    def party(self) -> PartyChoice | None:
        selected = self.state(Field.PARTY).get("selected_option") or {}
        choice = read_party(selected.get("value"), (selected.get("text") or {}).get("text", ""))
        if choice is None:
            self.errors[Field.PARTY] = "Pick a party, or type a new one's name and pick ➕ New party."
        elif choice.party_id is None and len(choice.name) > NAME_LIMIT:
            self.errors[Field.PARTY] = f"That name is too long: keep it under {NAME_LIMIT} characters."
            return None
        return choice

    def user(self, block: Field, *, required: str) -> str:
        user = str(self.state(block).get("selected_user") or "")
        if not user:
            self.errors[block] = required
        return user

    def users(self, block: Field) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.state(block).get("selected_users") or []))

    def when(self, now: datetime, tz: ZoneInfo) -> datetime:
        raw = self.state(Field.WHEN).get("selected_date_time")
        if raw in (None, ""):
            self.errors[Field.WHEN] = "Pick the day and time it happened."
            return now
        at = datetime.fromtimestamp(int(raw), UTC)
        if at > now + FUTURE_SLACK:
            self.errors[Field.WHEN] = (
                f"{format_local(at, tz)} is still to come; log what has happened, "
                "and put what comes next in Follow up on."
            )
        return at

    def follow_up(self, source: Source, now: datetime) -> ParsedDate | None:
        raw = self.state(Field.FOLLOW_UP).get("selected_date")
        if not raw:
            return None
        tz = source.zone
        try:
            day = date.fromisoformat(str(raw))
        except ValueError:
            self.errors[Field.FOLLOW_UP] = "Pick a day from the calendar."
            return None
        parsed = follow_up_on(day, source, now)
        if parsed is None:
            gone = "has passed" if day < now.astimezone(tz).date() else "is over for today"
            self.errors[Field.FOLLOW_UP] = f"{day:%a} {day.day} {day:%b} {gone}; pick a day still to come."
        return parsed


def follow_up_on(day: date, source: Source, now: datetime) -> ParsedDate | None:
    """The follow-up moment for a day picked in the form, or None when it is already behind us.

    A day picked without a time follows the bot's rule for dates (09:00 local, or 17:00 when that is
    today and 09:00 has passed); the day read from the message keeps the time the message gave.
    """
    tz = source.zone
    if source.follow_up:
        prefilled = datetime.fromisoformat(source.follow_up)
        if prefilled.astimezone(tz).date() == day and prefilled > now:
            return ParsedDate(prefilled.astimezone(UTC), True, day, day.isoformat())
    parsed = parse_follow_up(day.isoformat(), tz=tz, now=now)
    if parsed is None or parsed.at <= now:
        return None
    return parsed


def read_interaction_form(
    values: Mapping[str, Mapping[str, Any]], source: Source, now: datetime
) -> InteractionForm:
    """The interaction a submitted form describes; raises FormErrors (by block id) when it can't be saved."""
    read = _Reader(values)
    party = read.party()
    kind = read.choice(Field.KIND, InteractionKind, required="Pick what kind of touchpoint it was.")
    occurred_at = read.when(now, source.zone)
    summary = read.text(Field.SUMMARY, required="Say in a few words what it was about.")
    people = read.users(Field.PEOPLE)
    sentiment = read.choice(Field.SENTIMENT, Sentiment)
    follow_up = read.follow_up(source, now)
    if read.errors or party is None or kind is None:
        raise FormErrors(read.errors)
    return InteractionForm(party, kind, occurred_at, summary, people, sentiment, follow_up)


def read_issue_form(values: Mapping[str, Mapping[str, Any]], source: Source, now: datetime) -> IssueForm:
    """The issue a submitted form describes; raises FormErrors (by block id) when it can't be saved."""
    read = _Reader(values)
    party = read.party()
    title = read.text(Field.TITLE, required="Say in a few words what is not working.", limit=TITLE_LIMIT)
    details = read.text(Field.DETAILS) or None
    severity = read.choice(Field.SEVERITY, Severity, required="Pick how bad it is.")
    owner_id = read.user(Field.OWNER, required="Pick who owns getting it fixed.")
    follow_up = read.follow_up(source, now)
    if read.errors or party is None or severity is None:
        raise FormErrors(read.errors)
    return IssueForm(party, title, severity, owner_id, details, follow_up)
