"""`/brm export [party …] [from DATE] [to DATE] [by @person] [format csv|json]`: a records request's zip,
put in the requester's DM (see bot/records/export.py). For records administrators only.

The command checks and plans the export, then queues it as a job of its own (an export of a large
workspace takes longer than a command should): the job posts a progress message in the DM, updates
it as each record type is written, uploads the zip with Slack's external upload and audits it.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from slack_sdk import WebClient
from sqlmodel import col, select

from bot.records.export import ExportPlan, plan_export, record_export, run_export
from bot.records.export_replies import export_filename, progress_blocks, zip_comment
from bot.records.export_zip import file_sha256
from bot.replies import context, section
from handlers.commands.registry import subcommand
from handlers.commands.request import CommandRequest
from handlers.records_access import require_for_command
from runtime.kinds import JobRun, job_kind
from runtime.services import Services
from slack_api.direct import tell_directly
from slack_api.failures import SLACK_FAILURES, failure_code
from slack_api.file_upload import share_file
from storage.models import Job, Surface

log = logging.getLogger(__name__)

EXPORT_JOB = "records_export"


@subcommand(
    "export",
    help="Export records for a records request (a zip in your DM)",
    example="/brm export DMV from 2025-01-01",
)
def run(request: CommandRequest) -> None:
    require_for_command(request, "export records")
    services = request.services
    tz = services.directory.timezone(request.team_id, request.user_id, request.client)
    with services.db.workspace(request.team_id, request.enterprise_id) as session:
        plan = plan_export(session, request.text, tz)
    # A command's job that runs again (its worker died after this) finds its export already queued.
    key = f"{EXPORT_JOB}:{request.team_id}:{request.trigger_id}" if request.trigger_id else None
    if key is None or not _queued(services, key):
        services.jobs.enqueue(
            EXPORT_JOB,
            {
                "user_id": request.user_id,
                "plan": plan.as_payload(),
                "requested_at": services.clock.now().isoformat(),
            },
            team_id=request.team_id,
            enterprise_id=request.enterprise_id,
            key=key,
        )
    request.reply(
        "Exporting records",
        [
            section(
                f":package: Exporting {plan.said}. I'll put the zip in our direct messages when it is ready."
            ),
            context(
                "CSV and JSON per record type, with a manifest of the filters, counts and SHA-256 checksums."
            ),
        ],
    )


def _queued(services: Services, key: str) -> bool:
    with services.db.system() as session:
        return session.exec(select(Job.id).where(col(Job.key) == key)).first() is not None


class _Progress:
    """The progress message in the DM, updated in place; a failed update never stops the export."""

    def __init__(self, client: WebClient, channel: str, ts: str | None, said: str) -> None:
        self.client, self.channel, self.ts, self.said = client, channel, ts, said
        self.done: dict[str, int] = {}

    def update(self, record_type: str, rows: int, *, finished: bool = False) -> None:
        self.done[record_type] = rows
        if self.ts is None:  # an earlier attempt posted it; this one works without
            return
        text, blocks = progress_blocks(self.said, self.done, finished=finished)
        try:
            self.client.chat_update(channel=self.channel, ts=self.ts, text=text, blocks=blocks)
        except SLACK_FAILURES as problem:
            log.warning("export progress not updated (%s)", failure_code(problem))


def _tell_it_failed(services: Services, job: JobRun, reference: str) -> None:
    job.post_once(
        lambda: tell_directly(
            services.client,
            user_id=job.payload["user_id"],
            text=":warning: Sorry, the records export failed and nothing was sent. "
            f"Tell your admin `{reference}`.",
        )
    )


@job_kind(EXPORT_JOB, max_attempts=2, time_limit=timedelta(hours=2), on_failure=_tell_it_failed)
def export_job(services: Services, job: JobRun) -> None:
    user_id = job.payload["user_id"]
    plan = ExportPlan.from_payload(job.payload["plan"])
    requested_at = datetime.fromisoformat(job.payload["requested_at"])
    client = services.client
    dm = client.conversations_open(users=user_id)["channel"]["id"]
    text, blocks = progress_blocks(plan.said, {})
    posted = job.post_once(lambda: client.chat_postMessage(channel=dm, text=text, blocks=blocks))
    progress = _Progress(client, dm, posted["ts"] if posted else None, plan.said)
    filename = export_filename(job.team_id, requested_at)
    with tempfile.TemporaryDirectory(prefix="brm-export-") as folder:
        path = Path(folder) / filename
        with path.open("wb") as out:
            manifest = run_export(
                services.db,
                plan,
                team_id=job.team_id,
                enterprise_id=job.enterprise_id,
                requested_by=user_id,
                requested_at=requested_at,
                out=out,
                progress=progress.update,
            )
        zip_sha256 = file_sha256(path)
        comment = zip_comment(plan.said, manifest, zip_sha256)
        job.post_once(
            lambda: share_file(
                client, path=path, filename=filename, title=filename, channel_id=dm, comment=comment
            )
        )
    record_export(
        services.db,
        manifest,
        team_id=job.team_id,
        enterprise_id=job.enterprise_id,
        actor_id=user_id,
        surface=Surface.COMMAND,
        export_id=job.id,
        zip_sha256=zip_sha256,
    )
    last = manifest.files[-1].record_type if manifest.files else "nudges_sent"
    progress.update(last, manifest.rows(last), finished=True)
