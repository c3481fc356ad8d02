"""`/brm export` end to end: a records administrator's zip arrives in their DM through Slack's
external upload, with a progress message updated in place; the zip round-trips (its CSVs and JSON
parse, the counts match the database, the checksums match the files) and holds nothing of another
workspace."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import time
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from storage.models import AuditEvent, Interaction, Issue, Job, Nudge, Party
from tests.conftest import RunningApp
from tests.test_log_command import add_party, reply_text, rows
from tests.test_nudges import sweep

TRICKY = 'DMV call about "renewals", <!channel> and =SUM(A1), café ✓\nsecond line'


@pytest.fixture
def records(app: RunningApp) -> RunningApp:
    app.slack.add_user("U9", name="ada", is_admin=True, tz="America/New_York")
    return app


def exported(app: RunningApp, text: str = "", **kwargs: object) -> tuple[zipfile.ZipFile, dict]:
    """Ask for an export as U9; the zip as it reached Slack, and its manifest."""
    shown = reply_text(app.command(f"export {text}", user_id="U9", **kwargs))
    assert "Exporting" in shown, shown
    [complete] = app.slack.wait_for("files.completeUploadExternal", timeout=30)
    assert complete.ok, complete.response
    [shared] = app.slack.uploads.shared
    archive = zipfile.ZipFile(io.BytesIO(shared.content))
    return archive, json.loads(archive.read("manifest.json"))


def wait_for_the_export_audit(app: RunningApp) -> AuditEvent:
    """The export's own audit event, written once the zip was shared."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = [e for e in rows(app, AuditEvent) if e.action == "exported"]
        if found:
            return found[0]
        time.sleep(0.02)
    raise AssertionError("the export was never audited")


def csv_rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"), newline="")))


def count(app: RunningApp, model: type, team_id: str = "T1") -> int:
    with app.db.workspace(team_id) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_an_export_round_trips_counts_and_checksums_and_arrives_in_the_dm(records: RunningApp) -> None:
    app = records
    add_party(app, "DMV")
    app.command(f"log {TRICKY}")
    app.command(
        "log Water Board call about the meters, tense. not working: meter reads fail. follow up tomorrow 9am"
    )
    app.command("issue DMV printers jammed high")
    app.clock.set(datetime(2026, 11, 27, 14, 0, tzinfo=UTC))
    assert sweep(app) == 1  # one nudge sent, for the Water Board issue
    app.command("close #2 vendor fixed it")

    archive, manifest = exported(app)
    wait_for_the_export_audit(app)

    names = set(archive.namelist())
    for record_type in ("parties", "contacts", "interactions", "issues", "audit_trail", "nudges_sent"):
        assert {f"{record_type}.csv", f"{record_type}.json"} <= names
    expected = {
        "parties": count(app, Party),
        "interactions": count(app, Interaction),
        "issues": count(app, Issue),
        "audit_trail": count(app, AuditEvent) - 1,  # all of them, but the export's own, written after
        "nudges_sent": len([n for n in rows(app, Nudge) if n.status == "sent"]),
    }
    assert expected["nudges_sent"] == 1
    for record_type, number in expected.items():
        assert manifest["record_counts"][record_type] == number, record_type
        assert len(csv_rows(archive, f"{record_type}.csv")) == number
        assert len(json.loads(archive.read(f"{record_type}.json"))) == number
    for entry in manifest["files"]:
        assert hashlib.sha256(archive.read(entry["name"])).hexdigest() == entry["sha256"]
        assert len(archive.read(entry["name"])) == entry["bytes"]
    assert manifest["requested_by"] == "U9" and manifest["workspace"] == "T1"
    assert manifest["requested_at"] == "2026-11-27T14:00:00+00:00"
    assert manifest["filters"]["party"] is None and manifest["filters"]["timezone"] == "America/New_York"

    # Text exactly as written, dates in ISO 8601 with their offset, in the CSV and the JSON alike.
    [tricky] = [r for r in csv_rows(archive, "interactions.csv") if "renewals" in r["summary"]]
    [stored] = [i for i in rows(app, Interaction) if "renewals" in i.summary]
    assert tricky["summary"] == stored.summary
    assert tricky["occurred_at"] == stored.occurred_at.isoformat() and tricky["occurred_at"].endswith(
        "+00:00"
    )
    [as_json] = [r for r in json.loads(archive.read("interactions.json")) if r["id"] == stored.id]
    assert as_json["summary"] == stored.summary and as_json["people"] == stored.people

    # The progress message went to the requester's DM and was updated in place, ending "ready".
    [progress] = [c for c in app.slack.calls_to("chat.postMessage") if c.params["channel"] == "DU9"]

    def updates() -> list[str]:
        return [
            c.params["text"]
            for c in app.slack.calls_to("chat.update")
            if c.params["ts"] == progress.response["ts"]
        ]

    deadline = time.monotonic() + 5
    while not any("is ready" in text for text in updates()) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(updates()) > 1 and "is ready" in updates()[-1]
    [complete] = app.slack.calls_to("files.completeUploadExternal")
    assert complete.params["channel_id"] == "DU9"
    assert "SHA-256" in complete.params["initial_comment"]
    audit = wait_for_the_export_audit(app)
    assert audit.actor_id == "U9" and audit.detail["rows"]["interactions"] == expected["interactions"]
    assert audit.detail["zip_sha256"] == hashlib.sha256(app.slack.uploads.shared[0].content).hexdigest()


def test_an_export_holds_nothing_of_another_workspace(records: RunningApp) -> None:
    app = records
    add_party(app, "DMV")
    add_party(app, "DMV", team_id="T2")
    app.command("log DMV call about renewals")
    app.command("log DMV secret call of the other workspace", team_id="T2", user_id="U2")
    app.command("issue DMV other workspace's issue", team_id="T2", user_id="U2")

    archive, manifest = exported(app)

    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"other workspace" not in everything
    assert manifest["record_counts"]["interactions"] == 1 and manifest["record_counts"]["issues"] == 0
    other_ids = {str(i.id) for i in rows(app, Interaction, team_id="T2")}
    assert not other_ids & {r["id"] for r in csv_rows(archive, "interactions.csv")}


def test_filters_pick_the_party_the_days_and_the_person(records: RunningApp) -> None:
    app = records
    add_party(app, "DMV")
    add_party(app, "DOT")
    app.command("log DMV call about renewals yesterday")  # 25 November
    app.command("log DMV visit about the portal", user_id="U2")  # 26 November
    app.command("log DOT call about roads")

    archive, manifest = exported(app, "DMV from 2026-11-26 to 2026-11-26 by <@U2|sam> format csv")

    assert [r["summary"] for r in csv_rows(archive, "interactions.csv")] == ["visit about the portal"]
    assert [r["name"] for r in csv_rows(archive, "parties.csv")] == ["DMV"]
    assert not any(name.endswith(".json") and name != "manifest.json" for name in archive.namelist())
    filters = manifest["filters"]
    assert filters["party"]["name"] == "DMV" and filters["person"] == "U2"
    assert filters["first_day"] == filters["last_day"] == "2026-11-26"
    assert filters["starts_at"] == "2026-11-26T00:00:00-05:00"
    assert filters["ends_before"] == "2026-11-27T00:00:00-05:00"


def test_the_audit_trail_has_every_exported_records_events_and_no_others(records: RunningApp) -> None:
    app = records
    add_party(app, "DMV")
    add_party(app, "DOT")
    app.command("issue DMV printers jammed")
    app.command("issue DOT roads closed")
    app.command("close #1 fixed")

    archive, _ = exported(app, "DMV")

    trail = csv_rows(archive, "audit_trail.csv")
    [dmv_issue] = [i for i in rows(app, Issue) if i.number == 1]
    assert {(e["entity"], e["entity_id"]) for e in trail} == {("issue", str(dmv_issue.id))}
    assert {e["action"] for e in trail} >= {"opened", "closed"}
    assert all(json.loads(e["detail"]) is not None for e in trail)


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("Nowhere Agency", "I don't know a party called"),
        ("DMV from yesterday", "After `from` I need a date written like 2025-01-01"),
        ("DMV format pdf", "The format is `csv` or `json`"),
    ],
)
def test_a_bad_export_request_is_answered_and_starts_nothing(
    records: RunningApp, text: str, answer: str
) -> None:
    add_party(records, "DMV")
    assert answer in reply_text(records.command(f"export {text}", user_id="U9"))
    assert records.slack.calls_to("files.getUploadURLExternal") == []
    assert [e for e in rows(records, AuditEvent) if e.action == "exported"] == []


def test_times_are_written_as_isoformat_writes_them_microseconds_and_all(records: RunningApp) -> None:
    party_id = add_party(records, "DMV")
    moments = [
        records.clock.now() + timedelta(microseconds=123_456),
        records.clock.now() - timedelta(days=40),
    ]
    with records.db.workspace("T1") as session:
        for at in moments:
            session.add(Interaction(party_id=party_id, occurred_at=at, summary="call", logged_by="U1"))

    archive, _ = exported(records, "format json")

    written = [row["occurred_at"] for row in json.loads(archive.read("interactions.json"))]
    assert written == [at.isoformat() for at in moments]
    assert written[0].endswith(".123456+00:00")


def test_a_command_whose_work_runs_again_queues_its_export_once(records: RunningApp) -> None:
    add_party(records, "DMV")
    records.command("log DMV call about renewals")
    # The same command's work twice, as when a worker died after queueing the export: same trigger.
    records.command("export", user_id="U9", trigger_id="1234.5678.again")
    records.command("export", user_id="U9", trigger_id="1234.5678.again")
    wait_for_the_export_audit(records)
    with records.db.system() as session:
        kinds = [job.kind for job in session.exec(select(Job))]
    assert kinds.count("records_export") == 1
    assert len(records.slack.calls_to("files.completeUploadExternal")) == 1
