"""The capture forms: the modals that turn a Slack message (or nothing at all) into an interaction
or an issue, their party select's options, and reading a submitted form back.

Pure: no Slack calls and no database. The listeners in `handlers/shortcuts.py` and `handlers/views.py`
hand in what they looked up (known parties, the person's timezone, now) and get back Block Kit, plain
values, or field errors to show next to the fields. What a message prefills is `bot/capture.py`'s.

Each input block holds one element whose action id equals its block id (`Field`), so a submitted
value is always `state.values[field][field]`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.dates import ParsedDate, format_local, parse_follow_up, slack_date
from bot.limits import NAME_LIMIT, TITLE_LIMIT
from bot.numbers import read_number
from bot.party_names import KnownParty, find_party
from bot.replies import Blocks, context, section
from bot.text import a_kind, normalise_name, safe_mrkdwn, truncate, without_unshown
from storage.models import Interaction, InteractionKind, Issue, Party, Sentiment, Severity

Modal = dict[str, Any]


class Field(StrEnum):
    """Block ids of the form inputs; each block's element has the same action id."""

    PARTY = "brm_party"  # an external_select: its options come from the options listener
    KIND = "brm_kind"
    WHEN = "brm_when"
    SUMMARY = "brm_summary"
    PEOPLE = "brm_people"
    SENTIMENT = "brm_sentiment"
    TITLE = "brm_title"
    DETAILS = "brm_details"
    SEVERITY = "brm_severity"
    OWNER = "brm_owner"
    FOLLOW_UP = "brm_follow_up"


MAX_PARTY_OPTIONS = 100  # Slack shows at most 100 options in a select
SUMMARY_LIMIT = 3000  # plain_text_input's own maximum
FUTURE_SLACK = timedelta(minutes=5)  # clocks differ a little; "when it happened" may be a moment ahead

_FUZZY_RANK = 6  # after every name or alias that contains the words typed
_NEW_PARTY = "new:"
_KNOWN_PARTY = "party:"
_SENTIMENT_LABELS = {
    Sentiment.POSITIVE: "🙂 Positive",
    Sentiment.NEUTRAL: "😐 Neutral",
    Sentiment.NEGATIVE: "🙁 Negative",
}


# --- where a form came from ---------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where a form was opened from, carried in the modal's private_metadata (at most 3000 characters).

    `tz` is the person's timezone when the form opened, so that the submission can be checked at once
    without asking Slack again. `follow_up` is the moment read from the message (ISO), so that a time of
    day it named ("by 3pm Friday") survives when the person leaves the date picker as it was.
    """

    tz: str = "UTC"
    channel_id: str | None = None
    message_ts: str | None = None
    thread_ts: str | None = None  # the thread the message is in, when it is a reply
    message_user: str | None = None
    response_url: str | None = None  # the shortcut's: ephemeral answers in that channel for 30 minutes
    follow_up: str | None = None

    @property
    def has_message(self) -> bool:
        return bool(self.channel_id and self.message_ts)

    @property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    def to_metadata(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v is not None}, separators=(",", ":"))

    @classmethod
    def from_metadata(cls, raw: str | None) -> Source:
        """The source a modal carries; ValueError when the metadata is not ours."""
        try:
            data = json.loads(raw or "{}")
        except ValueError as problem:
            raise ValueError("the form's private_metadata is not JSON") from problem
        if not isinstance(data, dict):
            raise ValueError("the form's private_metadata is not an object")
        known = {k: str(v) for k, v in data.items() if k in cls.__dataclass_fields__ and v is not None}
        return cls(**known)


# --- what a form opens with ------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyChoice:
    """A party picked in the form: an existing one (`party_id`) or a new one to create by `name`."""

    party_id: int | None
    name: str


@dataclass(frozen=True)
class Prefill:
    """The values a form opens with; every one of them can be changed before saving."""

    owner_id: str
    occurred_at: datetime
    party: PartyChoice | None = None
    kind: str = InteractionKind.CHAT
    text: str = ""  # the message as a person reads it
    title: str = ""
    people: tuple[str, ...] = ()
    sentiment: str | None = None
    follow_up: ParsedDate | None = None


def blank_prefill(*, user_id: str, now: datetime) -> Prefill:
    """A form with nothing read from a message (the global shortcut)."""
    return Prefill(owner_id=user_id, occurred_at=now)


# --- the party select -----------------------------------------------------------------------------


def party_option(party_id: int, name: str, matched_alias: str | None = None) -> dict[str, Any]:
    label = f"{name} · {matched_alias}" if matched_alias else name
    return _option(label, f"{_KNOWN_PARTY}{party_id}")


def new_party_option(name: str) -> dict[str, Any]:
    # An option's value holds 150 characters; a party name longer than NAME_LIMIT is a typo anyway.
    name = truncate(" ".join(name.split()), NAME_LIMIT)
    return _option(f"➕ New party: {name}", f"{_NEW_PARTY}{name}")


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
            ranked.append((_FUZZY_RANK, "", next(p for p in parties if p.id == fuzzy.party_id), None))
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
    if value.startswith(_NEW_PARTY):
        name = " ".join(without_unshown(value[len(_NEW_PARTY) :]).split())
        return PartyChoice(None, name) if name else None
    party_id = read_number(value.removeprefix(_KNOWN_PARTY)) if value.startswith(_KNOWN_PARTY) else None
    return PartyChoice(party_id, label.split(" · ")[0]) if party_id is not None else None


# --- building the modals ---------------------------------------------------------------------------


def interaction_modal(prefill: Prefill, source: Source, *, callback_id: str) -> Modal:
    """The "Log BRM interaction" form."""
    blocks = [
        *_source_context(source),
        _party_input(prefill.party),
        _input(
            Field.KIND,
            "Kind",
            _static_select(Field.KIND, _enum_options(InteractionKind), prefill.kind),
        ),
        _input(
            Field.WHEN,
            "When it happened",
            {
                "type": "datetimepicker",
                "action_id": Field.WHEN,
                "initial_date_time": int(prefill.occurred_at.timestamp()),
            },
        ),
        _input(Field.SUMMARY, "Summary", _text_input(Field.SUMMARY, prefill.text, SUMMARY_LIMIT, True)),
        _input(
            Field.PEOPLE,
            "People involved",
            _drop_empty(
                {
                    "type": "multi_users_select",
                    "action_id": Field.PEOPLE,
                    "placeholder": _plain("Who took part"),
                    "initial_users": list(prefill.people),
                }
            ),
            optional=True,
        ),
        _input(
            Field.SENTIMENT,
            "How it went",
            _static_select(Field.SENTIMENT, _sentiment_options(), prefill.sentiment),
            optional=True,
        ),
        _follow_up_input(prefill.follow_up, source.zone),
    ]
    return _modal(callback_id, "Log interaction", "Save", blocks, source)


def issue_modal(prefill: Prefill, source: Source, *, callback_id: str) -> Modal:
    """The "Raise BRM issue" form."""
    details = prefill.text if prefill.text and prefill.text != prefill.title else ""
    blocks = [
        *_source_context(source),
        _party_input(prefill.party),
        _input(Field.TITLE, "What is not working", _text_input(Field.TITLE, prefill.title, TITLE_LIMIT)),
        _input(
            Field.DETAILS, "Details", _text_input(Field.DETAILS, details, SUMMARY_LIMIT, True), optional=True
        ),
        _input(
            Field.SEVERITY,
            "Severity",
            _static_select(Field.SEVERITY, _enum_options(Severity), Severity.MEDIUM),
        ),
        _input(
            Field.OWNER,
            "Owner",
            {"type": "users_select", "action_id": Field.OWNER, "initial_user": prefill.owner_id},
        ),
        _follow_up_input(prefill.follow_up, source.zone),
    ]
    return _modal(callback_id, "Raise issue", "Raise issue", blocks, source)


def already_captured_modal(*, kind: str, existing: Sequence[str], callback_id: str) -> Modal:
    """What a shortcut shows instead of a form when the message was already captured as `kind`
    ("interaction" or "issue"); `existing` describes those records (`describe_record`)."""
    what = "an interaction" if kind == "interaction" else "an issue"
    lines = [f":information_source: This message was already captured as {what}, so nothing new was saved:"]
    blocks: Blocks = [section("\n".join([*lines, *existing]))]
    hint = (
        "To add to it, reply in the message's thread, or log what happened next with `/brm log`."
        if kind == "interaction"
        else "See where it stands with `/brm list`, or close it with `/brm close #<number>`."
    )
    blocks.append(context(hint))
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": _plain("Already captured"),
        "close": _plain("OK"),
        "blocks": blocks,
    }


def describe_record(record: Interaction | Issue, party: Party | None, tz: ZoneInfo) -> str:
    """One line about a record captured from a message, for the person about to capture it again."""
    name = safe_mrkdwn(party.name) if party is not None else "a party no longer there"
    if isinstance(record, Interaction):
        when = slack_date(record.occurred_at, format_local(record.occurred_at, tz))
        return f"• {a_kind(record.kind)} with *{name}* on {when}, logged by <@{record.logged_by}>"
    return (
        f"• issue *#{record.number}* ({record.status}) with *{name}*: "
        f"{safe_mrkdwn(truncate(record.title, 300))}, owner <@{record.owner_id}>"
    )


def _modal(callback_id: str, title: str, submit: str, blocks: Blocks, source: Source) -> Modal:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": _plain(title),
        "submit": _plain(submit),
        "close": _plain("Cancel"),
        # Slack tells us when the form is closed without saving, so the person can be told nothing was.
        "notify_on_close": True,
        "private_metadata": source.to_metadata(),
        "blocks": blocks,
    }


def _source_context(source: Source) -> Blocks:
    if not source.has_message:
        return []
    author = f"<@{source.message_user}>'s message" if source.message_user else "a message"
    return [context(f"From {author} in <#{source.channel_id}>. Correct anything before saving.")]


def _party_input(party: PartyChoice | None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "external_select",
        "action_id": Field.PARTY,
        "placeholder": _plain("Type to search agencies, vendors, partners"),
        "min_query_length": 0,
    }
    if party is not None:
        element["initial_option"] = (
            party_option(party.party_id, party.name)
            if party.party_id is not None
            else new_party_option(party.name)
        )
    return _input(Field.PARTY, "Party", element, hint="Not listed? Type its name and pick ➕ New party.")


def _follow_up_input(follow_up: ParsedDate | None, tz: ZoneInfo) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "datepicker",
        "action_id": Field.FOLLOW_UP,
        "placeholder": _plain("No follow-up"),
    }
    if follow_up is not None:
        element["initial_date"] = follow_up.at.astimezone(tz).date().isoformat()
    return _input(
        Field.FOLLOW_UP, "Follow up on", element, optional=True, hint="You'll get a nudge that day."
    )


def _input(
    block: Field, label: str, element: dict[str, Any], *, optional: bool = False, hint: str | None = None
) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "type": "input",
        "block_id": block,
        "label": _plain(label),
        "element": element,
        "optional": optional,
    }
    if hint:
        answer["hint"] = _plain(hint)
    return answer


def _text_input(action_id: Field, initial: str, limit: int, multiline: bool = False) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": action_id,
        "multiline": multiline,
        "max_length": limit,
    }
    if initial:
        element["initial_value"] = truncate(initial, limit)
    return element


def _static_select(action_id: Field, options: list[dict[str, Any]], initial: str | None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": _plain("Choose"),
        "options": options,
    }
    chosen = next((option for option in options if option["value"] == initial), None)
    if chosen is not None:
        element["initial_option"] = chosen
    return element


def _enum_options(values: type[StrEnum]) -> list[dict[str, Any]]:
    return [_option(value.value.capitalize(), value.value) for value in values]


def _sentiment_options() -> list[dict[str, Any]]:
    return [_option(label, value.value) for value, label in _SENTIMENT_LABELS.items()]


def _option(label: str, value: str) -> dict[str, Any]:
    return {"text": _plain(truncate(label, 75)), "value": value}


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def _drop_empty(element: dict[str, Any]) -> dict[str, Any]:
    # Slack refuses an empty initial value rather than ignoring it.
    return {key: value for key, value in element.items() if value not in ([], "", None)}


# --- reading a submitted form ----------------------------------------------------------------------


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
