"""The shortcuts: *Log BRM interaction* and *Raise BRM issue* on any message, *New BRM interaction*
from the shortcuts menu, and the type-ahead of the party select in their forms.

A shortcut is acknowledged at once; its job opens the form straight away (a worker wakes at once),
because the trigger_id works once and only for 3 seconds. The prefill needs one database read, the person's
timezone (cached) and the message parser: a few milliseconds, so the form opens complete rather than
empty-then-updated. A message that was already captured opens a note about that record instead of a
form, so nothing is captured twice. When the form cannot be opened the person is told why.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlmodel import Session

from bot.capture import message_text, message_time, prefill_from_message
from bot.dates import reading_calendar
from bot.form_fields import Field, PartyChoice, Source, blank_prefill
from bot.forms import already_captured_modal, describe_record, interaction_modal, issue_modal
from bot.party_select import party_options
from bot.recording import known_parties
from bot.text import mentioned_users
from bot.workspace_settings import workspace_calendar
from handlers.after_ack import after_ack
from handlers.context import services_of, team_of
from handlers.errors import error_boundary, new_reference
from runtime.services import Services
from slack_api.direct import tell_directly
from slack_api.directory import Person
from slack_api.failures import SLACK_FAILURES, SlackError, failure_code
from slack_api.ids import Shortcut, View
from storage.models import Interaction, Issue
from storage.parties import get_party
from storage.records import records_for_message, usual_party_for_channel

log = logging.getLogger(__name__)

# Which form each shortcut opens.
FORMS = {
    Shortcut.LOG_INTERACTION: View.INTERACTION,
    Shortcut.RAISE_ISSUE: View.ISSUE,
    Shortcut.NEW_INTERACTION: View.INTERACTION,
}


def register(app: App) -> None:
    for shortcut in FORMS:
        app.shortcut(shortcut)(after_ack(acknowledge, open_form))
    app.options(Field.PARTY)(suggest_parties)


def acknowledge(ack: Ack) -> None:
    ack()


@dataclass(frozen=True)
class ShortcutRequest:
    """What a shortcut payload says, for both kinds (a global shortcut has no channel or message)."""

    form: View
    team_id: str
    enterprise_id: str | None
    user_id: str
    trigger_id: str
    channel_id: str | None
    message: dict[str, Any] | None
    response_url: str | None

    @classmethod
    def from_body(cls, body: dict[str, Any], context: BoltContext) -> ShortcutRequest:
        return cls(
            form=FORMS[Shortcut(body["callback_id"])],
            team_id=team_of(context),
            enterprise_id=context.enterprise_id,
            user_id=body["user"]["id"],
            trigger_id=body["trigger_id"],
            channel_id=(body.get("channel") or {}).get("id"),
            message=body.get("message"),
            response_url=body.get("response_url"),
        )


def open_form(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services = services_of(context)
    request = ShortcutRequest.from_body(body, context)
    started = time.perf_counter()
    with error_boundary(
        log,
        f"could not prepare the {request.form} form",
        tell_failure=lambda reference: _tell(
            client, request, f":warning: Sorry, I couldn't open the form. Tell your admin `{reference}`."
        ),
    ) as caught:
        view = build_form(request, services, client, bot_user_id=context.bot_user_id)
    if caught.failed:
        return
    prepared_ms = (time.perf_counter() - started) * 1000
    try:
        opened = client.views_open(trigger_id=request.trigger_id, view=view)
    except SLACK_FAILURES as problem:
        _report_not_opened(client, request, problem, prepared_ms)
        return
    if opened is not None:  # None: an earlier run of this job opened it (slack_api/job_client.py)
        log.info("opened the %s form for %s (prepared in %.0f ms)", request.form, request.user_id,
                 prepared_ms)  # fmt: skip


def build_form(
    request: ShortcutRequest, services: Services, client: WebClient, *, bot_user_id: str | None = None
) -> dict[str, Any]:
    """The form to open: prefilled from the message, or a note when it was already captured."""
    tz = services.directory.timezone(request.team_id, request.user_id, client)
    now = services.clock.now()
    message, channel_id = request.message, request.channel_id
    text = message_text(message) if message is not None else ""
    # Asked before the session opens, so no transaction waits on Slack.
    people = _people_in(services, client, request, message, text) if message is not None else []
    bots = [person.user_id for person in people if person.is_bot] + ([bot_user_id] if bot_user_id else [])
    with services.db.workspace(request.team_id, request.enterprise_id) as session:
        if message is None or channel_id is None:
            prefill, source = blank_prefill(user_id=request.user_id, now=now), Source(tz=tz.key)
        else:
            already = _already_captured(session, request.form, channel_id, message["ts"], tz)
            if already is not None:
                return already
            # The message's dates ("after Thanksgiving", "end of FY") are read with the workspace's calendar.
            with reading_calendar(workspace_calendar(session, services.settings.holiday_state)):
                prefill = prefill_from_message(
                    text,
                    user_id=request.user_id,
                    sent_at=message_time(message["ts"]),
                    now=now,
                    tz=tz,
                    parties=known_parties(session),
                    usual_party=_usual_party(session, channel_id),
                    author=None if _from_an_app(message) else message.get("user"),
                    ignore_people=bots,
                    names={person.user_id: person.name for person in people},
                )
            source = Source(
                tz=tz.key,
                channel_id=channel_id,
                message_ts=message["ts"],
                thread_ts=message.get("thread_ts"),
                message_user=message.get("user"),
                response_url=request.response_url,
                follow_up=prefill.follow_up.at.isoformat() if prefill.follow_up else None,
            )
    build = interaction_modal if request.form == View.INTERACTION else issue_modal
    return build(prefill, source, callback_id=request.form)


def _from_an_app(message: dict[str, Any]) -> bool:
    """A message an app posted (another bot's alert, an integration's notice): its author is no person."""
    return bool(message.get("bot_id")) or message.get("subtype") == "bot_message"


def _people_in(
    services: Services, client: WebClient, request: ShortcutRequest, message: dict[str, Any], text: str
) -> list[Person]:
    """The author and everyone mentioned, from the user directory (cached): their names, and which
    are bots, since people involved are people."""
    author = message.get("user")
    ids = [*([author] if author and not _from_an_app(message) else []), *mentioned_users(text)]
    return services.directory.people(request.team_id, ids, client)


def _already_captured(
    session: Session, form: View, channel_id: str, message_ts: str, tz: ZoneInfo
) -> dict[str, Any] | None:
    interactions, issues = records_for_message(session, channel_id, message_ts)
    kind = "interaction" if form == View.INTERACTION else "issue"
    same: list[Interaction] | list[Issue] = interactions if kind == "interaction" else issues
    if not same:
        return None
    log.info("a second capture of %s %s as %s was stopped", channel_id, message_ts, kind)
    return already_captured_modal(
        kind=kind,
        existing=[describe_record(record, get_party(session, record.party_id), tz) for record in same],
        callback_id=View.ALREADY_CAPTURED,
    )


def _usual_party(session: Session, channel_id: str) -> PartyChoice | None:
    party = usual_party_for_channel(session, channel_id)
    return PartyChoice(party.id, party.name) if party is not None and party.id is not None else None


def _report_not_opened(
    client: WebClient, request: ShortcutRequest, problem: Exception, prepared_ms: float
) -> None:
    error = failure_code(problem)
    if error == SlackError.EXPIRED_TRIGGER_ID:
        log.warning(
            "views.open: the trigger expired for %s (form prepared in %.0f ms)", request.user_id, prepared_ms
        )
        _tell(
            client,
            request,
            ":hourglass: Slack gave up waiting before the form could open, so nothing was saved. "
            "Please use the shortcut again.",
        )
        return
    reference = new_reference()
    log.error("views.open failed for %s: %s (reference %s)", request.user_id, error, reference)
    _tell(
        client,
        request,
        f":warning: Slack wouldn't open the form (`{error}`), so nothing was saved. "
        f"Please try the shortcut again; if it keeps failing, tell your admin `{reference}`.",
    )


def _tell(client: WebClient, request: ShortcutRequest, text: str) -> None:
    tell_directly(client, user_id=request.user_id, text=text, response_url=request.response_url)


def suggest_parties(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """The party select's options for what has been typed so far (answered in the ack itself)."""
    services = services_of(context)
    try:
        with services.db.workspace(team_of(context), context.enterprise_id) as session:
            parties = known_parties(session)
    except Exception:
        # Slack shows "no results"; the person can still type a new party's name once we're back.
        log.exception("could not list parties for the party select (team %s)", team_of(context))
        ack(options=[])
        return
    ack(options=party_options(str(body.get("value") or ""), parties))
