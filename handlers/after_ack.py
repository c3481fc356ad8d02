"""Listeners whose work runs after the ack, as jobs: `app.shortcut(id)(after_ack(acknowledge, open_form))`.

The listener Bolt runs calls the ack function with a stand-in `ack`. When that function answered
plainly (no errors for a form), the work is committed as a job first and Slack gets its answer
after: what Slack told the person worked is on disk. When it answered with errors (a form's
fields), nothing is queued and the errors go back in the HTTP response.

The job calls the work function with the arguments Bolt would have given it (`body`, `event`,
`action`, `view`, `context`, `client`, `respond`), rebuilt from the request body and the few
context fields the listeners read. One person's jobs run in the order Slack sent them.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from handlers.context import services_of, team_of
from runtime.kinds import KINDS, JobRun, job_kind
from runtime.services import Services
from slack_api.direct import tell_directly
from slack_api.job_client import job_client

log = logging.getLogger(__name__)

# The context fields the listeners read (besides the services), kept with the job.
CONTEXT_FIELDS = ("team_id", "enterprise_id", "is_enterprise_install", "user_id", "channel_id", "bot_user_id")

Prepare = Callable[[BoltContext, dict[str, Any], datetime], None]

_registered: dict[str, Callable[..., None]] = {}  # job kind -> the work it runs


class _HeldAck:
    """Records what the ack function answered, so the job can be committed before Slack hears it."""

    def __init__(self) -> None:
        self.args: tuple[Any, ...] = ()
        self.kwargs: dict[str, Any] = {}
        self.called = False

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        self.args, self.kwargs, self.called = args, kwargs, True

    @property
    def refused(self) -> bool:
        return self.kwargs.get("response_action") == "errors"


def after_ack(
    acknowledge: Callable[..., None], work: Callable[..., None], *, prepare: Prepare | None = None
) -> Callable[..., None]:
    """A Bolt listener: `acknowledge` answers Slack, `work` runs afterwards as a job of its own kind.

    `prepare(context, arguments, received_at)` runs in the job before `work`, to put back into the
    context what `acknowledge` left there for it (a checked form)."""
    kind = work.__name__
    wanted = set(inspect.signature(acknowledge).parameters)

    def run_job(services: Services, job: JobRun) -> None:
        arguments = _arguments(services, job)
        if prepare is not None:
            prepare(arguments["context"], arguments, datetime.fromisoformat(job.payload["received_at"]))
        accepted = inspect.signature(work).parameters
        work(**{name: value for name, value in arguments.items() if name in accepted})

    if _registered.setdefault(kind, work) is not work:
        raise ValueError(f"two listeners' work is named {kind}")
    if kind not in KINDS:  # once, however many apps are built (every test builds one)
        job_kind(kind, on_failure=_tell_it_failed)(run_job)

    def listener(ack: Ack, body: dict[str, Any], context: BoltContext, **given: Any) -> None:
        held = _HeldAck()
        offered = {"ack": held, "body": body, "context": context, **given}
        acknowledge(**{name: value for name, value in offered.items() if name in wanted})
        if not held.refused:
            services = services_of(context)
            team_id = team_of(context)
            saved = {field: context.get(field) for field in CONTEXT_FIELDS}
            payload = {"body": body, "context": saved, "received_at": services.clock.now().isoformat()}
            services.jobs.enqueue(
                kind,
                payload,
                team_id=team_id or str(body.get("team_id") or ""),
                enterprise_id=context.enterprise_id,
                key=f"{team_id}:{context.user_id}" if context.user_id else None,
            )
        ack(*held.args, **held.kwargs)

    # Bolt hands a listener the arguments its signature names; these cover every listener here.
    listener.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD)
            for name in ("ack", "body", "context", *sorted(wanted - {"ack", "body", "context"}))
        ]
    )
    listener.__name__ = f"acknowledge_{kind}"
    return listener


def _arguments(services: Services, job: JobRun) -> dict[str, Any]:
    body = job.payload["body"]
    context = BoltContext({**job.payload["context"], "services": services})
    response_url = body.get("response_url") or next(
        (item.get("response_url") for item in body.get("response_urls") or []), None
    )
    arguments: dict[str, Any] = {
        "body": body,
        "payload": body,
        "context": context,
        "client": job_client(services.client, job),
        "event": body.get("event"),
        "view": body.get("view"),
        "shortcut": body if body.get("type") in ("shortcut", "message_action") else None,
        "action": (body.get("actions") or [None])[0],
    }
    if response_url:
        respond = Respond(response_url=response_url)
        arguments["respond"] = lambda **kwargs: job.post_once(lambda: respond(**kwargs))
    return arguments


def _tell_it_failed(services: Services, job: JobRun, reference: str) -> None:
    user_id = job.payload["context"].get("user_id")
    if not user_id:
        return  # an event nobody in particular is waiting for: the log has it
    body = job.payload["body"]
    job.post_once(
        lambda: tell_directly(
            services.client,
            user_id=user_id,
            text=f":warning: Sorry, that didn't work and nothing was saved. Tell your admin `{reference}`.",
            response_url=body.get("response_url"),
        )
    )
