"""The rest of `brm-bot`: --help everywhere, `backup` while the app writes, `digest preview`, and the
commands that wrap `python app.py` (serve, migrate, jobs)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import threading
import time
import zipfile
from pathlib import Path

import click
from sqlmodel import select

from bot.clock import FrozenClock
from bot.text import normalise_name
from storage.db import Database
from storage.models import Party
from tests.conftest import RunningApp
from tests.support.cli import BRM_BOT, installed_command, operator_env, run_cli
from tests.support.fake_slack import FakeSlack
from tests.test_startup import base_env


def every_command(group: click.Command, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    if isinstance(group, click.Group):
        for name, command in group.commands.items():
            found += every_command(command, (*path, name))
    return found


def test_every_command_has_help(tmp_path: Path) -> None:
    commands = every_command(installed_command())
    names = {" ".join(path) for path in commands}
    assert {
        "serve",
        "migrate",
        "jobs failed",
        "jobs retry",
        "check",
        "import parties",
        "backup",
        "export",
    } <= names
    assert "digest preview" in names
    for path in commands:
        result = run_cli([*path, "--help"], {}, tmp_path)
        # `export` shows the app's own export options (argparse's "usage:"), click the rest ("Usage:").
        assert result.exit_code == 0 and result.stdout.lower().startswith("usage: "), (path, result.output)
        # Each says what it does, past the usage line.
        assert len(result.stdout.splitlines()) > 3, path


def test_the_console_script_is_installed_and_answers(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(BRM_BOT), "--help"], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert result.returncode == 0 and "check" in result.stdout and "import" in result.stdout


def test_backup_copies_sqlite_consistently_while_it_is_written(
    sqlite_template: Path, clock: FrozenClock, slack: FakeSlack, tmp_path: Path
) -> None:
    source = tmp_path / "brm.db"
    shutil.copy(sqlite_template, source)
    db = Database.from_url(f"sqlite:///{source}", clock=clock)
    stop = threading.Event()
    written: list[int] = []

    def keep_writing() -> None:
        while not stop.is_set():
            with db.workspace("T1") as session:
                name = f"Agency {len(written)}"
                session.add(Party(team_id="T1", name=name, name_key=normalise_name(name)))
            written.append(1)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while len(written) < 20:
            time.sleep(0.01)
        result = run_cli(
            ["backup", "--to", str(tmp_path / "copy.db")],
            operator_env(slack, f"sqlite:///{source}"),
            tmp_path,
        )
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert (
        result.stdout.startswith(f"copied {source} to {tmp_path / 'copy.db'} (")
        and "integrity ok" in result.stdout
    )
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        copied = copy.execute("SELECT count(*) FROM party").fetchone()[0]
    # A snapshot: the rows written before it, and none half-written.
    assert 20 <= copied <= len(written)
    with db.workspace("T1") as session:
        assert len(session.exec(select(Party)).all()) == len(written)

    db.dispose()
    again = run_cli(
        ["backup", "--to", str(tmp_path / "copy.db")], operator_env(slack, f"sqlite:///{source}"), tmp_path
    )
    assert again.exit_code == 2 and "exists already" in again.stderr


def test_backup_on_postgresql_gives_the_pg_dump_line_and_does_not_pretend(
    slack: FakeSlack, tmp_path: Path
) -> None:
    env = operator_env(slack, "postgresql+psycopg://brm:pw@db.example.gov:5433/brm")
    result = run_cli(["backup"], env, tmp_path)
    assert result.exit_code == 2
    assert result.stdout.startswith("pg_dump --format=custom --no-owner --file=brm-bot-")
    assert (
        "--host=db.example.gov --port=5433 --username=brm brm" in result.stdout and "pw" not in result.stdout
    )
    assert "PostgreSQL is backed up with pg_dump" in result.stderr


def test_digest_preview_prints_the_channels_digest(app: RunningApp, tmp_path: Path) -> None:
    app.command("log DMV call. not working: portal login fails for field offices")
    app.command("digest on", channel_id="C1")
    env = operator_env(app.slack, app.db.engine.url.render_as_string(hide_password=False))
    posted_before = len(app.slack.calls_to("chat.postMessage"))
    result = run_cli(["digest", "preview", "--channel", "C1"], env, tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("What is not working · week to ")
    assert "DMV" in result.stdout and "portal login fails for field offices" in result.stdout
    assert len(app.slack.calls_to("chat.postMessage")) == posted_before  # nothing posted

    other = run_cli(["digest", "preview", "--channel", "C2"], env, tmp_path)
    assert other.exit_code == 0 and "C2 has no weekly digest" in other.stderr


def test_migrate_and_jobs_run_the_apps_own_commands(slack: FakeSlack, tmp_path: Path) -> None:
    env = {
        **base_env(tmp_path),
        "SLACK_BOT_TOKEN": "xoxb-admin",
        "SLACK_SIGNING_SECRET": "s",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}",
    }
    migrated = subprocess.run(
        [str(BRM_BOT), "migrate"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert migrated.returncode == 0, migrated.stderr
    assert "the schema is current" in migrated.stderr
    failed = subprocess.run(
        [str(BRM_BOT), "jobs", "failed"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert failed.returncode == 0 and "0 failed, 0 waiting, 0 running" in failed.stderr
    retried = subprocess.run(
        [str(BRM_BOT), "jobs", "retry"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert retried.returncode == 0 and retried.stdout.strip() == "0 failed jobs queued again"
    bad = subprocess.run(
        [str(BRM_BOT), "serve", "--role", "everything"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "'everything' is not one of 'all', 'web', 'worker'" in bad.stderr


def test_a_command_on_an_unmigrated_database_says_to_migrate(slack: FakeSlack, tmp_path: Path) -> None:
    env = operator_env(slack, f"sqlite:///{tmp_path / 'empty.db'}")
    (tmp_path / "parties.csv").write_text("name\nDMV\n")
    result = run_cli(["import", "parties", "parties.csv"], env, tmp_path)
    assert result.exit_code == 2
    assert result.stderr.strip().startswith(
        "brm-bot: the database's schema is at nothing (an empty database)"
    )
    assert result.stderr.strip().endswith("run `brm-bot migrate` first")


def test_a_command_with_a_bad_setting_says_which_in_one_line(slack: FakeSlack, tmp_path: Path) -> None:
    env = operator_env(slack, "sqlite://", LOG_FORMAT="yaml")
    result = run_cli(["digest", "preview", "--channel", "C1"], env, tmp_path)
    assert result.exit_code == 2
    assert result.stderr.strip() == "brm-bot: LOG_FORMAT must be text or json, not 'yaml'"


def test_export_runs_the_apps_records_export(app: RunningApp, tmp_path: Path) -> None:
    app.command("log DMV call about renewals, tense")
    out = tmp_path / "request-114.zip"
    env = operator_env(app.slack, app.db.engine.url.render_as_string(hide_password=False))
    done = run_cli(["export", "--workspace", "T1", "--out", str(out), "--requester", "J. Doe"], env, tmp_path)
    assert done.exit_code == 0, done.output
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["requested_by"] == "J. Doe" and manifest["record_counts"]["interactions"] == 1

    shown = run_cli(["export", "--help"], {}, tmp_path)
    assert shown.exit_code == 0 and shown.stdout.startswith("usage: brm-bot export [-h] --workspace")
