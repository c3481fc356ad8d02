"""The `/brm` slash command: acknowledged at once, then routed to the subcommand's module.

Each subcommand is a function taking a `CommandRequest`, registered where it is written
(`@subcommand`, handlers/commands/registry.py); a `BrmError` it raises becomes a friendly ephemeral
answer with an example, anything else an apology with a reference to quote to an admin.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.commands import split_subcommand
from bot.dates import DateCalendar, reading_calendar
from bot.errors import InputError
from bot.replies import error_blocks, problem_blocks
from bot.text import as_written, safe_mrkdwn, truncate
from bot.workspace_settings import workspace_calendar
from handlers.commands.registry import SUBCOMMANDS, find_subcommand
from handlers.commands.request import CommandRequest
from handlers.context import services_of, team_of
from handlers.errors import error_boundary
from runtime.kinds import JobRun, job_kind
from runtime.services import Services
from slack_api.job_client import job_client

# isort: off
# Importing a subcommand's module registers it; the order here is the order of `/brm help`.
import handlers.commands.help
import handlers.commands.log
import handlers.commands.issues
import handlers.commands.digest
import handlers.commands.follow_ups
import handlers.commands.health
import handlers.commands.party
import handlers.commands.contact
import handlers.commands.search
import handlers.commands.undo
import handlers.commands.settings
import handlers.commands.admin
import handlers.commands.hold
import handlers.commands.export
import handlers.commands.retention  # noqa: F401

# isort: on

log = logging.getLogger(__name__)


class _PostedOnce:
    """A `Respond` whose every call goes through the job's `post_once`."""

    def __init__(self, respond: Respond, post_once: Callable[[Callable[[], Any]], Any]) -> None:
        self._respond = respond
        self._post_once = post_once

    def __call__(self, **kwargs: Any) -> Any:
        return self._post_once(lambda: self._respond(**kwargs))


COMMAND = "/brm"


def register(app: App) -> None:
    app.command(COMMAND)(acknowledge)


def acknowledge(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    # Slack waits at most 3 seconds: the work becomes a job, committed before Slack hears "ok", so
    # what Slack told the person worked is on disk whatever happens next (runtime/).
    fields = _command_fields(body, context)

    def not_queued(reference: str) -> None:
        ack(
            text="Sorry, I couldn't take that command just now and nothing was saved. "
            f"Please try again in a moment (reference {reference})."
        )

    with error_boundary(log, "could not queue a /brm command", tell_failure=not_queued) as caught:
        # One person's commands run in the order they were sent (`/brm show #3` after the log raising #3).
        services_of(context).jobs.enqueue(
            COMMAND_JOB,
            fields,
            team_id=fields["team_id"],
            enterprise_id=fields.get("enterprise_id") or None,
            key=f"{fields['team_id']}:{fields['user_id']}",
        )
    if not caught.failed:
        ack()


COMMAND_JOB = "command"


def _tell_it_failed(services: Services, job: JobRun, reference: str) -> None:
    respond = Respond(response_url=job.payload["response_url"])
    text, blocks = error_blocks("Sorry, that didn't work and nothing was saved.", reference)
    job.post_once(
        lambda: respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
    )


@job_kind(COMMAND_JOB, on_failure=_tell_it_failed)
def command_job(services: Services, job: JobRun) -> None:
    run_subcommand(services, job.payload, job=job)


def _command_fields(body: dict[str, Any], context: BoltContext) -> dict[str, Any]:
    """The fields of Slack's slash command payload that the work needs (it travels to another process);
    the workspace is the install's (`team_of`), not always the payload's team."""
    keys = ("enterprise_id", "user_id", "channel_id", "text", "response_url", "trigger_id")
    return {"team_id": team_of(context), **{key: body.get(key) for key in keys}}


def run_subcommand(services: Services, body: dict[str, Any], job: JobRun | None = None) -> None:
    """The work behind every `/brm` command: route it to its subcommand and answer the person.

    Through `job` (the command's) each reply and each post is made once, however often it runs."""
    # Slack escapes `&`, `<` and `>` in the text; from here on it is the text as the person wrote it.
    name, rest = split_subcommand(as_written(body.get("text") or ""))
    respond: Any = Respond(response_url=body["response_url"])
    client = services.client
    if job is not None:
        respond = _PostedOnce(respond, job.post_once)
        client = job_client(client, job)
    request = CommandRequest(
        services=services,
        team_id=body["team_id"],
        enterprise_id=body.get("enterprise_id") or None,
        user_id=body["user_id"],
        channel_id=body["channel_id"],
        text=rest,
        respond=respond,
        client=client,
        trigger_id=body.get("trigger_id"),
        body=body,
    )
    found = find_subcommand(name)
    # An unknown first word is the person's own text ("/brm DMV met Jane"): the log names no such word.
    logged = found.name if found else "(unknown)"
    with error_boundary(
        log,
        f"/brm {logged} failed",
        about=f"team {request.team_id}, user {request.user_id}",
        refused=f"/brm {logged} refused for {request.user_id}",
        tell_refusal=lambda problem: request.reply(*problem_blocks(problem, request.example_number())),
        tell_failure=lambda reference: request.reply(
            *error_blocks("Sorry, that didn't work and nothing was saved.", reference)
        ),
    ):
        if found is None:
            known = ", ".join(f"`{known}`" for known in SUBCOMMANDS)
            raise InputError(
                f"I don't know `/brm {safe_mrkdwn(truncate(name, 40))}`. I know {known}.",
                example="/brm log DMV call with Jane about renewals. follow up Friday",
            )
        # Dates in any subcommand ("after Thanksgiving", "end of FY") are read with this workspace's calendar.
        with reading_calendar(_calendar(request)):
            found.run(request)


def _calendar(request: CommandRequest) -> DateCalendar:
    with request.services.db.workspace(request.team_id, request.enterprise_id) as session:
        return workspace_calendar(session, request.services.settings.holiday_state)
