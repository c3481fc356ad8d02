"""The capture forms coming back from Slack.

A submitted form is checked in the ack itself, without Slack calls or database: what is wrong is shown
next to the fields (`response_action: errors`) and nothing is saved. A form that passes closes at once
and is saved by a job (handlers/after_ack.py), in one workspace session, so a failure saves
nothing. Then the bot answers in the source message's thread (or, where it cannot post, to the
person alone) and marks the message with a 📝. A form closed without saving gets a short note to the person.

A submission is saved once, however often it arrives (Slack re-sending it, a double click): the
record carries the submission's key, its view id and hash, which stay the same across re-sends, and
a submission whose key is already on a record is answered without writing anything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot import replies
from bot.capture import interaction_receipt, issue_receipt
from bot.contact_links import PeopleLinked, linked_note
from bot.errors import InputError
from bot.form_fields import Field, PartyChoice, Source
from bot.form_reading import FormErrors, InteractionForm, IssueForm, read_interaction_form, read_issue_form
from bot.forms import describe_record
from bot.numbers import read_number
from bot.party_names import PartyMatch
from bot.recording import NewInteraction, Origin, raise_issue, resolve_party, save_interaction_linking
from bot.text import safe_mrkdwn, truncate
from handlers.after_ack import after_ack
from handlers.context import services_of, team_of
from handlers.errors import error_boundary
from runtime.services import Services
from runtime.touchpoint_logged import answer_touchpoints
from slack_api.direct import tell_directly
from slack_api.failures import SLACK_FAILURES, SlackError, failure_code
from slack_api.ids import View
from slack_api.job_client import unwrapped
from storage.models import Interaction, Issue, Party, Surface
from storage.parties import get_party
from storage.records import records_for_message, written_for_request

log = logging.getLogger(__name__)

CAPTURED_REACTION = "memo"  # 📝
STALE_FORM = "This form is out of date. Close it and use the shortcut again."
# Why the bot could not answer in a message's thread, by Slack's error.
NOT_POSTABLE = {
    SlackError.NOT_IN_CHANNEL: "I'm not in that channel",
    SlackError.CHANNEL_NOT_FOUND: "I'm not in that conversation",
    SlackError.IS_ARCHIVED: "the channel is archived",
}

Form = InteractionForm | IssueForm
READERS: dict[str, Callable[[dict[str, Any], Source, datetime], Form]] = {
    View.INTERACTION: read_interaction_form,
    View.ISSUE: read_issue_form,
}


def register(app: App) -> None:
    for callback_id in READERS:
        app.view(callback_id)(after_ack(check_form, save_form, prepare=_check_again))
        app.view_closed(callback_id)(after_ack(acknowledge, note_closed))


def acknowledge(ack: Ack) -> None:
    ack()


def read_form(view: dict[str, Any], now: datetime) -> tuple[Source, Form]:
    """The form's source and values; FormErrors for bad input, ValueError for metadata not ours."""
    source = Source.from_metadata(view.get("private_metadata"))
    values = (view.get("state") or {}).get("values") or {}
    return source, READERS[view["callback_id"]](values, source, now)


def check_form(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    """Runs before Slack gets its answer: pure checks only, so the answer is quick.

    Only a form that passed becomes a job; the job reads it again as it was read here (at the same
    time, `_check_again`) into `context["checked_form"]`, so the saving reads exactly what was checked.
    """
    try:
        context["checked_form"] = read_form(view, services_of(context).clock.now())
    except FormErrors as problem:
        log.info("form %s refused: %s", view.get("callback_id"), sorted(problem.errors))  # fields, not words
        ack(response_action="errors", errors=problem.errors)
        return
    except ValueError:
        log.warning("form %s came back with metadata that is not ours", view.get("callback_id"))
        ack(response_action="errors", errors={Field.PARTY: STALE_FORM})
        return
    ack()


def _check_again(context: BoltContext, arguments: dict[str, Any], received_at: datetime) -> None:
    # The job saves the form as the ack checked it, read at the time it was checked.
    context["checked_form"] = read_form(arguments["view"], received_at)


@dataclass(frozen=True)
class Saved:
    """A record a form wrote, with its party."""

    record: Interaction | Issue
    party: Party
    people: PeopleLinked = field(default_factory=PeopleLinked)  # an interaction's people linked to contacts
    again: bool = False  # saved by an earlier run of this job, answered now (see `save_form`)

    def receipt(self, tz: ZoneInfo, *, in_thread: bool) -> tuple[str, replies.Blocks]:
        if isinstance(self.record, Interaction):
            text, blocks = interaction_receipt(self.record, self.party, tz, in_thread=in_thread)
            note = linked_note(self.people, public=in_thread)
            return text, blocks + ([replies.context(note)] if note else [])
        return issue_receipt(self.record, self.party, tz, in_thread=in_thread)


def save_form(view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    checked = context.get("checked_form")
    if checked is None:
        return  # the form was refused, and the person sees why next to its fields
    source, form = checked
    services = services_of(context)
    user_id = str(context.user_id)
    origin = Origin(
        actor_id=user_id,
        channel_id=source.channel_id,
        surface=Surface.SHORTCUT if source.has_message else Surface.MODAL,
        message_ts=source.message_ts,
        permalink=_permalink(client, source) if source.has_message else None,
        request_id=submission_key(view),
    )

    def tell(text: str) -> None:
        tell_directly(client, user_id=user_id, text=_not_saved(text, form), response_url=source.response_url)

    with error_boundary(
        log,
        f"saving form {view.get('callback_id')} failed",
        about=f"user {user_id}",
        refused=f"form {view.get('callback_id')} not saved for {user_id}",
        tell_refusal=lambda problem: tell(problem.text),
        tell_failure=lambda reference: tell(
            f"Something went wrong on my side (tell your admin `{reference}`)."
        ),
    ) as caught:
        # The owner's own 09:00 is when a follow-up without a time is due; asked before the session opens.
        owner_tz = (
            _owner_timezone(services, context, client, form.owner_id)
            if isinstance(form, IssueForm) and form.owner_id != user_id
            else source.zone
        )
        # A run after a crash between the save and the receipt answers with what was saved; the
        # receipt's post is counted on the job's row, so it is never made twice either.
        saved = _save_once(services, context, form, origin, source, owner_tz, again=_ran_before(client))
        if saved is None:
            log.info(
                "form %s for %s arrived again (%s); already saved",
                view["callback_id"],
                user_id,
                origin.request_id,
            )
            return
    if caught.failed:
        return
    announce(client, source, user_id, saved)


def _owner_timezone(services: Services, context: BoltContext, client: WebClient, owner_id: str) -> ZoneInfo:
    """The owner's timezone. The people picker also offers bots and deactivated accounts, which
    could never act on a nudge: those are refused (Slack is asked here, not while the form waits)."""
    return services.directory.owner(
        team_of(context), owner_id, client, owns="an issue", instead="Pick a person as the owner."
    ).tz


def submission_key(view: dict[str, Any]) -> str:
    """What is the same every time Slack sends one submission, and differs between submissions."""
    return f"view:{view['id']}:{view.get('hash') or ''}"


def _ran_before(client: WebClient) -> bool:
    _, job = unwrapped(client)
    return job is not None and job.attempt > 1


def _save_once(
    services: Services, context: BoltContext, form: Form, origin: Origin, source: Source, owner_tz: ZoneInfo,
    *, again: bool,
) -> Saved | None:  # fmt: skip
    """Save the form; when the same message was saved at the same instant elsewhere, say so instead.
    None when this very submission was saved before (by another delivery of it; with `again`, what
    was saved, to answer with)."""
    team_id, enterprise_id = team_of(context), context.enterprise_id
    save_it = partial(
        _save_answering, services, team_id, enterprise_id, form, origin, source, owner_tz, again
    )
    try:
        return save_it()
    except IntegrityError:
        # A unique index (on the source message, or on the submission's key) caught a save racing
        # ours: a second look finds that record, and refuses the duplicate or answers as saved.
        log.info(
            "form for %s/%s raced another save of the same message or submission",
            origin.channel_id,
            origin.message_ts,
        )
        return save_it()


def _save_answering(
    services: Services,
    team_id: str,
    enterprise_id: str | None,
    form: Form,
    origin: Origin,
    source: Source,
    owner_tz: ZoneInfo,
    again: bool,
) -> Saved | None:
    """Save the form and, in the same transaction, answer the touchpoint nudges it logs (the one that
    opened it among them)."""
    answered = 0
    with services.db.workspace(team_id, enterprise_id) as session:
        saved = save(session, form, origin, source.zone, owner_tz=owner_tz, again=again)
        # (Saved `again`: the nudges were answered with the save.)
        if saved is not None and not saved.again and isinstance(saved.record, Interaction):
            answered = answer_touchpoints(
                services, session, saved.record, actor_id=origin.actor_id, surface=origin.surface,
                from_nudge=read_number(source.touchpoint_nudge or ""),
            )  # fmt: skip
    if answered:
        services.jobs.wake.after_commit()
    return saved


def save(
    session: Session, form: Form, origin: Origin, tz: ZoneInfo, *, owner_tz: ZoneInfo | None = None,
    again: bool = False,
) -> Saved | None:  # fmt: skip
    """Write what the form says; InputError when that message was captured the same way meanwhile.
    When this submission (`origin.request_id`) was saved before, nothing is written: None, or with
    `again` what was saved."""
    if origin.request_id:
        interaction, raised = written_for_request(session, origin.request_id)
        record = interaction or next(iter(raised), None)
        if record is not None:
            party = get_party(session, record.party_id) if again else None
            return Saved(record, party, again=True) if party is not None else None
    interactions, issues = (
        records_for_message(session, origin.channel_id, origin.message_ts)
        if origin.channel_id and origin.message_ts
        else ([], [])
    )
    if isinstance(form, InteractionForm):
        if interactions:
            _refuse_duplicate(session, interactions, tz)
        party = _party(session, form.party, origin)
        interaction, people = save_interaction_linking(
            session,
            NewInteraction(
                party=party,
                occurred_at=form.occurred_at,
                kind=form.kind,
                summary=form.summary,
                people=form.people,
                sentiment=form.sentiment,
                follow_up_at=form.follow_up.at if form.follow_up else None,
                follow_up_has_time=form.follow_up.has_time if form.follow_up else False,
            ),
            origin,
        )
        return Saved(interaction, party, people)
    if issues:
        _refuse_duplicate(session, issues, tz)
    party = _party(session, form.party, origin)
    issue = raise_issue(
        session,
        party=party,
        title=form.title,
        details=form.details,
        origin=origin,
        # An issue raised on a message already logged as an interaction belongs to that interaction.
        interaction=next((i for i in interactions if i.party_id == party.id), None),
        follow_up=form.follow_up,
        owner_id=form.owner_id,
        severity=form.severity,
        owner_tz=owner_tz,
        request_id=origin.request_id,
    )
    return Saved(issue, party)


def _refuse_duplicate(session: Session, existing: list[Interaction] | list[Issue], tz: ZoneInfo) -> None:
    lines = [describe_record(record, get_party(session, record.party_id), tz) for record in existing]
    raise InputError("\n".join(["That message was already captured:", *lines]))


def _party(session: Session, choice: PartyChoice, origin: Origin) -> Party:
    if choice.party_id is None:
        return resolve_party(session, PartyMatch(choice.name, None, choice.name, "new", 0.0), origin)
    party = get_party(session, choice.party_id)
    if party is None:
        raise InputError(f"The party “{safe_mrkdwn(choice.name)}” no longer exists. Pick another one.")
    return party


def _permalink(client: WebClient, source: Source) -> str | None:
    try:
        return client.chat_getPermalink(channel=source.channel_id, message_ts=source.message_ts)["permalink"]
    except SLACK_FAILURES as problem:
        # The record keeps the channel and ts, so the link can be made again later.
        log.warning(
            "chat.getPermalink failed for %s %s (%s); saving without a link",
            source.channel_id,
            source.message_ts,
            failure_code(problem),
        )
        return None


def announce(client: WebClient, source: Source, user_id: str, saved: Saved) -> None:
    """Reply in the message's thread and mark it 📝; where that fails, tell the person alone."""
    if not source.has_message:
        text, blocks = saved.receipt(source.zone, in_thread=False)
        tell_directly(client, user_id=user_id, text=text, blocks=blocks)
        return
    text, blocks = saved.receipt(source.zone, in_thread=True)
    try:
        client.chat_postMessage(
            channel=source.channel_id,
            thread_ts=source.thread_ts or source.message_ts,
            text=text,
            blocks=blocks,
            unfurl_links=False,
        )
    except SLACK_FAILURES as problem:
        error = failure_code(problem)
        log.warning("could not reply in %s (%s); telling %s directly", source.channel_id, error, user_id)
        why = NOT_POSTABLE.get(error, f"Slack said `{error}`")
        text, blocks = saved.receipt(source.zone, in_thread=False)
        note = replies.context(f"I couldn't reply in the message's thread ({why}), so only you see this.")
        tell_directly(
            client, user_id=user_id, text=text, blocks=[*blocks, note], response_url=source.response_url
        )
    _mark_captured(client, source)


def _mark_captured(client: WebClient, source: Source) -> None:
    try:
        client.reactions_add(channel=source.channel_id, timestamp=source.message_ts, name=CAPTURED_REACTION)
    except SLACK_FAILURES as problem:
        error = failure_code(problem)
        if error != SlackError.ALREADY_REACTED:
            # The record is saved and the person was told; the mark is a courtesy.
            log.info("could not mark %s %s captured (%s)", source.channel_id, source.message_ts, error)


def _not_saved(why: str, form: Form) -> str:
    text = f":warning: Nothing was saved. {why}"
    wrote = _what_they_wrote(form)
    if wrote:
        text += "\nHere is what you wrote:\n>" + safe_mrkdwn(truncate(wrote, 2500)).replace("\n", "\n>")
    return text


def _what_they_wrote(form: Form) -> str:
    if isinstance(form, InteractionForm):
        return form.summary
    return "\n".join(part for part in (form.title, form.details) if part)


def note_closed(view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """The person closed a form without saving: say so quietly where they were."""
    log.info("%s closed the %s form without saving", context.user_id, view.get("callback_id"))
    try:
        source = Source.from_metadata(view.get("private_metadata"))
    except ValueError:
        return
    if source.response_url:
        tell_directly(
            client,
            user_id=str(context.user_id),
            text="Form closed: nothing was saved from that message.",
            response_url=source.response_url,
            dm_fallback=False,
        )
