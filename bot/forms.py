"""The capture modals: the forms that turn a Slack message (or nothing at all) into an interaction or
an issue, and the one that says a message was captured already.

Pure: no Slack calls and no database. The listeners in `handlers/shortcuts.py` and `handlers/views.py`
hand in what they looked up (known parties, the person's timezone, now) and get back Block Kit. What a
form is made of is `bot/form_fields.py`, its party select `bot/party_select.py`, reading it back
`bot/form_reading.py`; what a message prefills is `bot/capture.py`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.dates import ParsedDate, format_local, slack_date
from bot.form_fields import (
    SENTIMENT_LABELS,
    SUMMARY_LIMIT,
    Field,
    PartyChoice,
    Prefill,
    Source,
    plain_text,
    select_option,
)
from bot.limits import TITLE_LIMIT
from bot.party_select import new_party_option, party_option
from bot.replies import Blocks, context, section
from bot.text import a_kind, safe_mrkdwn, truncate
from storage.models import Interaction, InteractionKind, Issue, Party, Severity

Modal = dict[str, Any]


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
                    "placeholder": plain_text("Who took part"),
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
        "title": plain_text("Already captured"),
        "close": plain_text("OK"),
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
        "title": plain_text(title),
        "submit": plain_text(submit),
        "close": plain_text("Cancel"),
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
        "placeholder": plain_text("Type to search agencies, vendors, partners"),
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
        "placeholder": plain_text("No follow-up"),
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
        "label": plain_text(label),
        "element": element,
        "optional": optional,
    }
    if hint:
        answer["hint"] = plain_text(hint)
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
        "placeholder": plain_text("Choose"),
        "options": options,
    }
    chosen = next((option for option in options if option["value"] == initial), None)
    if chosen is not None:
        element["initial_option"] = chosen
    return element


def _enum_options(values: type[StrEnum]) -> list[dict[str, Any]]:
    return [select_option(value.value.capitalize(), value.value) for value in values]


def _sentiment_options() -> list[dict[str, Any]]:
    return [select_option(label, value.value) for value, label in SENTIMENT_LABELS.items()]


def _drop_empty(element: dict[str, Any]) -> dict[str, Any]:
    # Slack refuses an empty initial value rather than ignoring it.
    return {key: value for key, value in element.items() if value not in ([], "", None)}
