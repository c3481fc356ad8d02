"""The records export from the server's command line: the real `python app.py export ...`, against
the test's database, producing the same checksummed zip as `/brm export`."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

from storage.models import AuditEvent, Interaction
from tests.conftest import RunningApp
from tests.test_job_admin import app_command
from tests.test_log_command import add_party, rows
from tests.test_records_export import csv_rows


def test_the_command_line_writes_the_zip_and_audits_it(app: RunningApp, tmp_path: Path) -> None:
    add_party(app, "DMV")
    add_party(app, "DMV", team_id="T2")
    app.command("log DMV call about renewals, tense")
    app.command("issue DMV printers jammed")
    app.command("log DMV the other workspace's call", team_id="T2", user_id="U2")
    out = tmp_path / "request-114.zip"

    done = app_command(
        tmp_path, app.db, "export", "--workspace", "T1", "--out", str(out), "--party", "DMV",
        "--from", "2026-11-01", "--requester", "J. Doe, records officer",
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    archive = zipfile.ZipFile(out)
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["requested_by"] == "J. Doe, records officer"
    assert manifest["filters"]["party"]["name"] == "DMV" and manifest["filters"]["first_day"] == "2026-11-01"
    assert [r["summary"] for r in csv_rows(archive, "interactions.csv")] == [
        i.summary for i in rows(app, Interaction)
    ]
    assert manifest["record_counts"]["issues"] == 1
    for entry in manifest["files"]:
        assert hashlib.sha256(archive.read(entry["name"])).hexdigest() == entry["sha256"]
        assert f"sha256 {entry['sha256']}" in done.stdout
    assert b"other workspace" not in b"".join(archive.read(name) for name in archive.namelist())
    [audit] = [e for e in rows(app, AuditEvent) if e.action == "exported"]
    assert audit.surface == "command_line" and audit.actor_id is None
    assert audit.detail["requested_by"] == "J. Doe, records officer"
    assert audit.detail["zip_sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()


def test_the_command_line_refuses_plainly_and_writes_nothing(app: RunningApp, tmp_path: Path) -> None:
    add_party(app, "DMV")
    taken = tmp_path / "taken.zip"
    taken.write_bytes(b"someone else's file")
    out = tmp_path / "new.zip"

    cases = [
        (["--workspace", "T1", "--out", str(taken)], "already exists"),
        (["--workspace", "T404", "--out", str(out)], "no records of workspace T404"),
        (["--workspace", "T1", "--out", str(out), "--from", "2025-02-30"], "is not a date in the calendar"),
        (["--workspace", "T1", "--out", str(out), "--party", "Nowhere"], "I don't know a party called"),
        (["--workspace", "T1", "--out", str(out), "--timezone", "Mars/Olympus"], "unknown timezone"),
    ]
    for words, said in cases:
        done = app_command(tmp_path, app.db, "export", *words)
        assert done.returncode == 2 and said in done.stderr, (words, done.stderr)
    assert taken.read_bytes() == b"someone else's file" and not out.exists()
    assert [e for e in rows(app, AuditEvent) if e.action == "exported"] == []


def test_other_commands_still_refuse_options_they_do_not_take(app: RunningApp, tmp_path: Path) -> None:
    done = app_command(tmp_path, app.db, "jobs", "failed", "--workspace", "T1")
    assert done.returncode == 2 and "unrecognized arguments" in done.stderr
