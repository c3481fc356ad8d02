"""The export for a records request from the server's command line:

    python app.py export --workspace T0123 --out request-114.zip [--party DMV] [--from 2025-01-01]
        [--to 2025-12-31] [--by U0456] [--format csv|json] [--timezone America/New_York]
        [--requester "J. Doe, records officer"]

The same zip as `/brm export` (bot/records/export.py), written to a file; the export is in the
workspace's audit log with who ran it. Dates are whole days in `--timezone` (default UTC).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import col, select

from bot.errors import BrmError
from bot.records.export import plan_export, record_export, run_export
from bot.records.export_zip import file_sha256
from bot.text import plain_text
from runtime.services import Services
from storage.models import Party, Workspace

SURFACE = "command_line"


def export_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="app.py export", description="Export a workspace's records as a zip"
    )
    parser.add_argument("--workspace", required=True, help="the Slack team id (T...), or the org id (E...)")
    parser.add_argument("--enterprise", help="the Enterprise Grid org id, for a workspace in one")
    parser.add_argument("--out", required=True, type=Path, help="where to write the zip (must not exist)")
    parser.add_argument("--party", nargs="+", help="one party, by name or alias")
    parser.add_argument("--from", dest="first_day", help="first day, as 2025-01-01")
    parser.add_argument("--to", dest="last_day", help="last day, as 2025-12-31")
    parser.add_argument("--by", help="one person's records: their Slack user id (U...)")
    parser.add_argument("--format", choices=("csv", "json"), help="one format only (default: both)")
    parser.add_argument("--timezone", default="UTC", help="the timezone the days are in (default UTC)")
    parser.add_argument("--requester", help="who asked, for the manifest (default: this login)")
    return parser


def run_export_command(words: list[str], services: Services) -> int:
    arguments = export_parser().parse_args(words)
    try:
        tz = ZoneInfo(arguments.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        print(f"export: unknown timezone {arguments.timezone!r} (try America/New_York)", file=sys.stderr)
        return 2
    out: Path = arguments.out
    if out.exists():
        print(f"export: {out} already exists; nothing was written (choose another --out)", file=sys.stderr)
        return 2
    team_id, enterprise_id = arguments.workspace, arguments.enterprise
    db = services.db
    if not _workspace_known(services, team_id, enterprise_id):
        return 2
    requester = arguments.requester or f"{getpass.getuser()} at the server's command line"
    try:
        with db.workspace(team_id, enterprise_id) as session:
            plan = plan_export(session, _as_command_text(arguments), tz)
    except BrmError as problem:
        print(f"export: {plain_text(problem.text).replace('*', '')}", file=sys.stderr)
        return 2
    partial = out.with_name(out.name + ".partial")
    with partial.open("wb") as stream:
        manifest = run_export(
            db,
            plan,
            team_id=team_id,
            enterprise_id=enterprise_id,
            requested_by=requester,
            requested_at=services.clock.now(),
            out=stream,
        )
    zip_sha256 = file_sha256(partial)
    os.replace(partial, out)  # a zip is at `out` only once it is whole
    record_export(
        db,
        manifest,
        team_id=team_id,
        enterprise_id=enterprise_id,
        actor_id=None,
        surface=SURFACE,
        export_id=0,
        zip_sha256=zip_sha256,
    )
    for entry in manifest.files:
        print(f"{entry.name}\t{entry.rows} rows\t{entry.bytes} bytes\tsha256 {entry.sha256}")
    print(f"wrote {out} (sha256 {zip_sha256})")
    return 0


def _as_command_text(arguments: argparse.Namespace) -> str:
    """The request as `/brm export` would read it, so both doors mean the same thing."""
    words = list(arguments.party or [])
    if arguments.first_day:
        words += ["from", arguments.first_day]
    if arguments.last_day:
        words += ["to", arguments.last_day]
    if arguments.by:
        words += ["by", f"<@{arguments.by}>"]
    if arguments.format:
        words += ["format", arguments.format]
    return " ".join(words)


def _workspace_known(services: Services, team_id: str, enterprise_id: str | None) -> bool:
    with services.db.workspace(team_id, enterprise_id) as session:
        if session.exec(select(Workspace.id)).first() or session.exec(select(Party.id)).first():
            return True
    with services.db.system() as session:
        known = sorted(session.exec(select(Workspace.team_id).order_by(col(Workspace.team_id))))
    print(
        f"export: this database has no records of workspace {team_id}; "
        f"workspaces here: {', '.join(known) or 'none'}",
        file=sys.stderr,
    )
    return False
