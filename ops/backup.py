"""`brm-bot backup`: a consistent copy of the SQLite database, safe while the app is running.

SQLite's online backup API copies the database page by page under its own locking, so the copy is a
snapshot even while the app writes (in WAL mode its readers and writers are not blocked for long).
PostgreSQL is backed up with its own tool, pg_dump; the command prints the line to run and exits 2,
so a scheduled job that expected a copy cannot mistake that for one.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from sqlalchemy.engine import make_url

from bot.clock import SystemClock
from ops.setup import CannotRun, settings_or_stop

PAGES_PER_STEP = 1024  # pages copied between releases of the lock, so the app's writers get a turn


def pg_dump_line(database_url: str, to: str) -> str:
    """The README's pg_dump line for this database (password left out: give it in PGPASSWORD or ~/.pgpass)."""
    url = make_url(database_url)
    return (
        f"pg_dump --format=custom --no-owner --file={to} "
        f"--host={url.host or 'localhost'} --port={url.port or 5432} "
        f"--username={url.username or 'postgres'} {url.database}"
    )


def backup_sqlite(source: Path, target: Path) -> int:
    """Copy `source` into the new file `target`; the number of pages copied. The copy is checked."""
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as reader, sqlite3.connect(target) as writer:
        reader.backup(writer, pages=PAGES_PER_STEP)
        pages = int(writer.execute("PRAGMA page_count").fetchone()[0])
        verdict = writer.execute("PRAGMA integrity_check").fetchone()[0]
    if verdict != "ok":
        raise CannotRun(f"the copy in {target} failed its integrity check ({verdict}); keep the original")
    return pages


@click.command()
@click.option(
    "--to",
    "target",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the copy (default: brm-bot-backup-<UTC time>.db in this directory). "
    "It must not exist yet.",
)
def backup(target: Path | None) -> None:
    """Copy the SQLite database consistently, even while the app runs.

    For PostgreSQL, prints the pg_dump line to run instead (and exits 2).
    """
    settings = settings_or_stop()
    url = make_url(settings.database_url)
    stamp = SystemClock().now().strftime("%Y%m%dT%H%M%SZ")
    if url.get_backend_name() == "postgresql":
        click.echo(pg_dump_line(settings.database_url, f"brm-bot-{stamp}.dump"))
        raise CannotRun("PostgreSQL is backed up with pg_dump: run the line above (see the README, Backups)")
    if not url.database or url.database == ":memory:":
        raise CannotRun("DATABASE_URL names an in-memory SQLite database: there is nothing on disk to copy")
    source = Path(url.database)
    if not source.is_file():
        raise CannotRun(f"there is no database file at {source} (DATABASE_URL={settings.database_url})")
    target = target or Path(f"brm-bot-backup-{stamp}.db")
    if target.exists():
        raise CannotRun(f"{target} exists already; choose another --to, a backup never overwrites")
    pages = backup_sqlite(source, target)
    click.echo(f"copied {source} to {target} ({pages} pages, integrity ok)")
