"""`/brm issue`, `/brm close`, `/brm reopen`, `/brm snooze` and `/brm list`.

Each reads its arguments with `bot.issue_args`, changes issues only through `bot.issues` inside one
workspace session (a refusal rolls everything back), and answers ephemerally with what happened.
"""

from __future__ import annotations

import logging
import re
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.errors import InputError, NotFound
from bot.issue_args import (
    ASSIGN_EXAMPLE,
    CLOSE_EXAMPLE,
    ISSUE_EXAMPLE,
    REOPEN_EXAMPLE,
    SNOOZE_EXAMPLE,
    read_issue_number,
    read_new_owner,
    read_snooze_date,
)
from bot.issue_card import SHOW_EXAMPLE, issue_card
from bot.issue_replies import (
    LIST_LIMIT,
    already_closed_reply,
    already_open_reply,
    closed_reply,
    issue_list,
    issue_receipt,
    reassigned_reply,
    reopened_reply,
    snoozed_reply,
)
from bot.issues import (
    close_issue,
    issue_by_number,
    open_issue,
    reassign_issue,
    reopen_issue,
    snooze_issue,
)
from bot.list_filter import read_list_filter
from bot.nudges import first_nudge_at
from bot.recording import Origin, known_parties
from handlers.commands.registry import subcommand
from handlers.commands.request import CommandRequest
from runtime.nudge_messages import refresh_nudge_messages
from storage.audit import history
from storage.issues import IssueQuery, list_issues
from storage.models import Issue, IssueStatus, Surface
from storage.parties import get_party
from storage.workspaces import ensure_workspace

log = logging.getLogger(__name__)

_JUST_A_NUMBER = re.compile(r"^#?[0-9]+$")


@subcommand(
    "issue",
    help="Raise an issue for a colleague",
    example="/brm issue DMV renewal emails bounce @sam by Friday high",
    aliases=("new", "raise"),
)
def run_issue(request: CommandRequest) -> None:
    if _JUST_A_NUMBER.match(request.text.strip()):
        run_show(request)  # "/brm issue #12": show it, as people expect
        return
    services = request.services
    tz = _timezone(request, request.user_id)
    with services.db.workspace(request.team_id, request.enterprise_id) as session:
        receipt = open_issue(
            session,
            text=request.text,
            origin=Origin(
                actor_id=request.user_id, channel_id=request.channel_id, request_id=request.trigger_id
            ),
            tz=tz,
            now=services.clock.now(),
            timezone_of=lambda user_id: _owner_timezone(request, user_id),
        )
    request.reply(*issue_receipt(receipt, tz))


@subcommand("show", help="One issue whole, with its history", example="/brm show #12")
def run_show(request: CommandRequest) -> None:
    number, _ = read_issue_number(request.text, example=SHOW_EXAMPLE)
    tz = _timezone(request, request.user_id)
    with request.services.db.workspace(request.team_id, request.enterprise_id) as session:
        issue = _find(session, number, SHOW_EXAMPLE)
        party_name = _party_name(session, issue)
        changes = history(session, "issue", issue.id)  # type: ignore[arg-type]
    request.reply(*issue_card(issue, party_name, changes, tz=tz))


@subcommand(
    "assign",
    help="Hand an issue to someone",
    example="/brm assign #12 @sam",
    aliases=("reassign",),
    in_help=False,
)
def run_assign(request: CommandRequest) -> None:
    number, rest = read_issue_number(request.text, example=ASSIGN_EXAMPLE)
    owner_id = read_new_owner(rest, user_id=request.user_id)
    owner_tz = _owner_timezone(request, owner_id)  # refuses a bot or a deactivated account
    tz = _timezone(request, request.user_id)
    with request.services.db.workspace(request.team_id, request.enterprise_id) as session:
        issue = _find(session, number, ASSIGN_EXAMPLE)
        party_name = _party_name(session, issue)
        was = issue.owner_id
        changed = reassign_issue(
            session,
            issue,
            owner_id=owner_id,
            actor_id=request.user_id,
            surface=Surface.COMMAND,
            now=request.services.clock.now(),
            owner_tz=owner_tz,
        )
    request.reply(*reassigned_reply(issue, party_name, was=was, changed=changed, tz=tz))


@subcommand("close", help="Close an issue", example="/brm close #12 vendor patched the login page")
def run_close(request: CommandRequest) -> None:
    number, resolution = read_issue_number(request.text, example=CLOSE_EXAMPLE)
    tz = _timezone(request, request.user_id)
    with request.services.db.workspace(request.team_id, request.enterprise_id) as session:
        issue = _find(session, number, CLOSE_EXAMPLE)
        party_name = _party_name(session, issue)
        closed = close_issue(
            session,
            issue,
            actor_id=request.user_id,
            surface=Surface.COMMAND,
            now=request.services.clock.now(),
            resolution=resolution or None,
        )
    if closed:
        request.reply(*closed_reply(issue, party_name))
        _refresh_nudges(request, issue)
    else:
        request.reply(*already_closed_reply(issue, party_name, tz))


@subcommand("reopen", help="Reopen a closed issue", example="/brm reopen #12", in_help=False)
def run_reopen(request: CommandRequest) -> None:
    number, reason = read_issue_number(request.text, example=REOPEN_EXAMPLE)
    tz = _timezone(request, request.user_id)
    with request.services.db.workspace(request.team_id, request.enterprise_id) as session:
        issue = _find(session, number, REOPEN_EXAMPLE)
        party_name = _party_name(session, issue)
        reopened = reopen_issue(
            session,
            issue,
            actor_id=request.user_id,
            surface=Surface.COMMAND,
            now=request.services.clock.now(),
            owner_tz=_timezone(request, issue.owner_id),
            reason=reason or None,
        )
    if reopened:
        request.reply(*reopened_reply(issue, party_name, tz))
        _refresh_nudges(request, issue)
    else:
        request.reply(*already_open_reply(issue, party_name, tz))


@subcommand(
    "snooze",
    help="Snooze, reopen or hand over",
    example="/brm snooze #12 next Monday · /brm reopen #12 · /brm assign #12 @sam",
)
def run_snooze(request: CommandRequest) -> None:
    number, rest = read_issue_number(request.text, example=SNOOZE_EXAMPLE)
    tz = _timezone(request, request.user_id)
    now = request.services.clock.now()
    until = read_snooze_date(rest, tz=tz, now=now)
    with request.services.db.workspace(request.team_id, request.enterprise_id) as session:
        issue = _find(session, number, SNOOZE_EXAMPLE)
        if issue.status == IssueStatus.CLOSED:
            raise InputError(
                f"#{number} is closed, so there is nothing to snooze. If it needs more work, reopen it "
                f"first: `/brm reopen #{number}`."
            )
        party_name = _party_name(session, issue)
        owner_tz = _timezone(request, issue.owner_id)
        snooze_issue(
            session,
            issue,
            until=until.at,
            has_time=until.has_time,
            actor_id=request.user_id,
            surface=Surface.COMMAND,
            now=now,
            owner_tz=owner_tz,
        )
        nudge_at = first_nudge_at(
            until.at,
            has_time=until.has_time,
            owner_tz=owner_tz,
            region=ensure_workspace(session).holiday_region or request.services.settings.holiday_state,
        )
    request.reply(*snoozed_reply(issue, party_name, phrase=until.phrase, tz=tz, nudge_at=nudge_at))
    _refresh_nudges(request, issue)


@subcommand("list", help="List what is open", example="/brm list DMV open", aliases=("ls",))
def run_list(request: CommandRequest) -> None:
    tz = _timezone(request, request.user_id)
    now = request.services.clock.now()
    with request.services.db.workspace(request.team_id, request.enterprise_id) as session:
        wanted = read_list_filter(request.text, parties=known_parties(session), user_id=request.user_id)
        query = IssueQuery(
            status=None if wanted.status == "all" else wanted.status,
            party_id=wanted.party.party_id if wanted.party is not None else None,
            owner_id=wanted.owner_id,
            overdue_at=now if wanted.overdue else None,
        )
        page = list_issues(session, query, now=now, limit=LIST_LIMIT)
    request.reply(*issue_list(page.rows, total=page.total, wanted=wanted, tz=tz, now=now))


def _refresh_nudges(request: CommandRequest, issue: Issue) -> None:
    """Show the change on the issue's posted nudges too; the change itself is already saved and
    answered, so a failure here is logged rather than reported as if nothing had been saved."""
    try:
        refresh_nudge_messages(request.services, request.client, request.team_id, issue.id)
    except Exception:
        log.exception("could not refresh the nudges of issue %s (team %s)", issue.id, request.team_id)


def _find(session: Session, number: int, example: str) -> Issue:
    issue = issue_by_number(session, number)
    if issue is None:
        raise NotFound(
            f"There is no issue #{number} in this workspace. `/brm list all` shows every issue.",
            example=example,
        )
    return issue


def _party_name(session: Session, issue: Issue) -> str:
    party = get_party(session, issue.party_id)
    return party.name if party is not None else "?"


def _owner_timezone(request: CommandRequest, user_id: str) -> ZoneInfo:
    """The timezone of the person named as owner, who must be someone who can act on a nudge."""
    return request.services.directory.owner(
        request.team_id,
        user_id,
        request.client,
        owns="an issue",
        instead="Mention a person, or leave the owner out to own it yourself.",
        example=ISSUE_EXAMPLE,
    ).tz


def _timezone(request: CommandRequest, user_id: str) -> ZoneInfo:
    return request.services.directory.timezone(request.team_id, user_id, request.client)
