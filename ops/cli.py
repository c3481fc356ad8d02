"""`brm-bot`: the admin command line, installed with the package (`pip install .`).

    brm-bot serve [--role all|web|worker]   what `python app.py` does
    brm-bot migrate                         create or upgrade the schema
    brm-bot jobs failed | jobs retry [ID…]  the jobs that failed for good
    brm-bot check                           is this setup ready? a checklist with fixes
    brm-bot import parties|contacts FILE.csv   bulk import (a dry run unless --apply)
    brm-bot backup [--to FILE]              a consistent copy of the SQLite database
    brm-bot digest preview --channel C…     a channel's digest, as text
    brm-bot export --workspace T… --out F   a public-records export (`python app.py export`)

Settings come from the environment (and .env) as for the app. `serve`, `migrate`, `jobs` and `export`
run the app's own entry point (app.py), so they behave exactly as `python app.py …` does.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import click

import app
from ops import contact_import, party_import
from ops.backup import backup
from ops.check import check
from ops.csv_import import BadFile, echo_plan, echo_problems, read_rows
from ops.digest_preview import digest
from ops.setup import services_or_stop, settings_or_stop, workspace_or_stop
from ops.slack_lookup import SlackLookup
from runtime.records_cli import export_parser
from settings import ROLES


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """brm-bot's admin command line: serve, migrate, check, import, back up."""


def _run_app(arguments: list[str]) -> None:
    raise SystemExit(app.main(arguments))


@main.command()
@click.option("--role", type=click.Choice(ROLES), help="What this process does (default: BRM_ROLE, or all).")
def serve(role: str | None) -> None:
    """Serve Slack: the web server, a worker, or both (what `python app.py` does)."""
    _run_app(["--role", role] if role else [])


@main.command()
def migrate() -> None:
    """Create or upgrade the database schema to this version's, then exit."""
    _run_app(["migrate"])


@main.group()
def jobs() -> None:
    """The work queue's jobs that failed for good."""


@jobs.command("failed")
def jobs_failed() -> None:
    """List the failed jobs: id, kind, workspace, when, attempts, last error."""
    _run_app(["jobs", "failed"])


@jobs.command("retry")
@click.argument("job_ids", nargs=-1, type=int)
def jobs_retry(job_ids: tuple[int, ...]) -> None:
    """Queue failed jobs again (the ids given, or every failed job)."""
    _run_app(["jobs", "retry", *map(str, job_ids)])


@main.command(context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("words", nargs=-1, type=click.UNPROCESSED)
def export(words: tuple[str, ...]) -> None:
    """A public-records export to a zip (`python app.py export`; --help lists its options)."""
    if not words or "--help" in words or "-h" in words:
        click.echo(export_parser().format_help().replace("app.py export", "brm-bot export"))
        raise SystemExit(0 if words else 2)
    _run_app(["export", *words])


@main.group("import")
def import_() -> None:
    """Bulk imports from CSV files: a dry run unless --apply."""


@import_.command("parties")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--apply", "apply", is_flag=True, help="Write the changes (without it: only show them).")
def import_parties_command(file: Path, apply: bool) -> None:
    """Import parties from FILE.csv.

    Columns: name (required), kind (agency, vendor, partner, internal), aliases (separated by ;),
    owner_email (a Slack user's e-mail), home_channel (#name or id). An empty cell leaves the party's
    value as it is. A file with any bad row writes nothing.
    """
    _import(file, apply, party_import, "parties")


@import_.command("contacts")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--apply", "apply", is_flag=True, help="Write the changes (without it: only show them).")
def import_contacts_command(file: Path, apply: bool) -> None:
    """Import contacts from FILE.csv.

    Columns: party (required: its name or an alias), name (required), role (sponsor, decision maker,
    technical lead, account manager, champion, other), title (such as CIO), email (their Slack user,
    when they have one). An empty cell leaves the contact's value as it is. A file with any bad row
    writes nothing.
    """
    _import(file, apply, contact_import, "contacts")


def _import(file: Path, apply: bool, kind: ModuleType, what: str) -> None:
    """Read and check the whole file, then plan (and with `apply`, write) in one transaction."""
    settings = settings_or_stop()
    try:
        rows = read_rows(file, required=kind.REQUIRED, optional=kind.OPTIONAL)
        services = services_or_stop(settings)
        workspace = workspace_or_stop(services)
        lines = kind.check_rows(rows, SlackLookup(services.client))
        with services.db.workspace(workspace.team_id, workspace.enterprise_id) as session:
            plan = kind.import_rows(session, lines, apply=apply, source=f"import {file.name}")
    except BadFile as bad:
        echo_problems(file, bad.problems)
        raise SystemExit(1) from None
    click.echo(f"Workspace {workspace.name} ({workspace.team_id}), {len(lines)} rows in {file}:")
    echo_plan(plan, applied=apply, what=what)


main.add_command(check)
main.add_command(backup)
main.add_command(digest)
