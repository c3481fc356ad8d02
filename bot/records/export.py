"""An export for a records request: what `/brm export …` (or the command line) asks for, run.

`plan_export` reads the request against the workspace (which party, which days in whose timezone);
the plan travels as JSON to the job that writes the zip (bot/records/export_zip.py). Every export
is in the audit log: who asked, what for, and the counts and checksums it produced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.records.export_zip import ExportRequest, Manifest, Progress, write_export
from bot.records.holds import party_for
from bot.records.scope import describe_scope, read_scope
from storage.audit import record_change
from storage.db import Database
from storage.parties import get_party
from storage.records_export_queries import ExportFilter

EXPORT_EXAMPLE = "/brm export DMV from 2025-01-01 to 2025-12-31"


@dataclass(frozen=True)
class ExportPlan:
    wanted: ExportFilter
    filters: dict[str, Any]  # for the manifest: as written, and as understood
    formats: tuple[str, ...]
    said: str  # mrkdwn: "*DMV*, from 2025-01-01 to 2025-12-31"

    def as_payload(self) -> dict[str, Any]:
        wanted = self.wanted
        return {
            "party_id": wanted.party_id,
            "starts_at": wanted.starts_at.isoformat() if wanted.starts_at else None,
            "ends_at": wanted.ends_at.isoformat() if wanted.ends_at else None,
            "user_id": wanted.user_id,
            "filters": self.filters,
            "formats": list(self.formats),
            "said": self.said,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> ExportPlan:
        def when(key: str) -> datetime | None:
            return datetime.fromisoformat(payload[key]) if payload.get(key) else None

        wanted = ExportFilter(
            payload.get("party_id"), when("starts_at"), when("ends_at"), payload.get("user_id")
        )
        return cls(wanted, payload["filters"], tuple(payload["formats"]), payload["said"])


def plan_export(session: Session, text: str, tz: ZoneInfo) -> ExportPlan:
    """What `text` ("DMV from 2025-01-01 by @sam format csv") asks for; InputError or NotFound when
    it names a date or a party that cannot be read."""
    scope = read_scope(text, example=EXPORT_EXAMPLE, allow_format=True)
    party_id = party_for(session, scope, EXPORT_EXAMPLE)
    party = get_party(session, party_id) if party_id is not None else None
    starts, ends = scope.bounds(tz)
    filters = {
        "as_written": text.strip(),
        "party": {"id": party.id, "name": party.name} if party else None,
        "first_day": scope.first_day.isoformat() if scope.first_day else None,
        "last_day": scope.last_day.isoformat() if scope.last_day else None,
        "timezone": tz.key,
        "starts_at": starts.isoformat() if starts else None,
        "ends_before": ends.isoformat() if ends else None,
        "person": scope.user_id,
    }
    said = describe_scope(scope, party.name if party else None)
    return ExportPlan(ExportFilter(party_id, starts, ends, scope.user_id), filters, scope.formats, said)


def run_export(
    db: Database,
    plan: ExportPlan,
    *,
    team_id: str,
    enterprise_id: str | None,
    requested_by: str,
    requested_at: datetime,
    out: IO[bytes],
    progress: Progress | None = None,
) -> Manifest:
    """Write the export to `out`, reading through one workspace session (only that workspace's rows)."""
    request = ExportRequest(team_id, requested_by, requested_at, plan.filters, plan.formats)
    with db.workspace(team_id, enterprise_id) as session:
        return write_export(session, plan.wanted, request, out, progress)


def record_export(
    db: Database,
    manifest: Manifest,
    *,
    team_id: str,
    enterprise_id: str | None,
    actor_id: str | None,
    surface: str,
    export_id: int,
    zip_sha256: str,
) -> None:
    """The export's own audit event: what was asked, how many rows, and the zip's checksum."""
    with db.workspace(team_id, enterprise_id) as session:
        record_change(
            session,
            actor_id=actor_id,
            surface=surface,
            action="exported",
            entity="export",
            entity_id=export_id,
            requested_by=manifest.request.requested_by,
            filters=manifest.request.filters,
            rows={f.record_type: f.rows for f in manifest.files},
            zip_sha256=zip_sha256,
        )
