"""What the person who asked for an export sees: the progress message, updated in place, and the
comment on the zip when it arrives."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.records.export_zip import MANIFEST, Manifest
from bot.replies import Blocks, context, section
from storage.records_export_queries import RECORD_TYPES

LABELS = {
    "parties": "parties",
    "party_aliases": "party aliases",
    "contacts": "contacts",
    "interactions": "interactions",
    "issues": "issues",
    "audit_trail": "audit events",
    "nudges_sent": "nudges sent",
}


def export_filename(team_id: str, requested_at: datetime) -> str:
    return f"brm-records-{team_id}-{requested_at.astimezone(UTC):%Y%m%dT%H%M%SZ}.zip"


def progress_blocks(said: str, done: dict[str, int], *, finished: bool = False) -> tuple[str, Blocks]:
    """ "Exporting *DMV*: parties 3 ✓, interactions 200,000 so far…" (mrkdwn, `said` already safe)."""
    lines = []
    for record_type in RECORD_TYPES:
        if record_type.name in done:
            lines.append(f"• {LABELS[record_type.name]}: {done[record_type.name]:,}")
    if finished:
        head = f":white_check_mark: Export of {said} is ready: the zip is below."
    else:
        head = f":hourglass_flowing_sand: Exporting {said}…"
    blocks = [section("\n".join([head, *lines]))]
    if not finished:
        blocks.append(
            context("This message updates as the export runs; the zip follows here when it is done.")
        )
    return head, blocks


def zip_comment(said: str, manifest: Manifest, zip_sha256: str) -> str:
    counts = ", ".join(
        f"{manifest.rows(t.name):,} {LABELS[t.name]}" for t in RECORD_TYPES if t.name in LABELS
    )
    return (
        f"Records export of {said}: {counts}. Each file's SHA-256 is in {MANIFEST}; "
        f"the zip's own is {zip_sha256}."
    )
