"""Retention under a controlled clock, through signed slash commands and the daily run as the
scheduler starts it: exactly the records past their period go (or are redacted), held records stay,
each run leaves a disposition record without content, and the preview changes nothing."""

from __future__ import annotations

import json
import time

import pytest

from runtime.retention_daily import start_due_retention
from storage.models import AuditEvent, Interaction, Issue, Nudge
from storage.records_models import RetentionRule
from storage.records_retention import REDACTED
from tests.conftest import RunningApp
from tests.test_log_command import add_party, reply_text, rows


@pytest.fixture
def records(app: RunningApp) -> RunningApp:
    app.slack.add_user("U9", name="ada", is_admin=True)
    return app


def wait_for_dispositions(app: RunningApp, count: int) -> list[AuditEvent]:
    """The disposition records once `count` exist (the daily job runs on the app's worker)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = [
            e
            for e in rows(app, AuditEvent)
            if e.entity == "retention" and e.action in ("disposed", "redacted")
        ]
        if len(found) >= count:
            return found
        time.sleep(0.02)
    raise AssertionError(f"expected {count} disposition records")


def snapshot(app: RunningApp) -> list:
    return [
        [(i.id, i.summary) for i in rows(app, Interaction)],
        [(i.id, i.title, i.details) for i in rows(app, Issue)],
        [(e.id, json.dumps(e.detail)) for e in rows(app, AuditEvent)],
        [n.id for n in rows(app, Nudge)],
    ]


def test_nothing_is_disposed_of_until_an_admin_sets_a_period(records: RunningApp) -> None:
    add_party(records, "DMV")
    records.command("log DMV call about renewals")
    records.clock.advance(days=3650)
    assert start_due_retention(records.brm.services) == 0
    assert len(rows(records, Interaction)) == 1
    assert "kept forever" in reply_text(records.command("retention", user_id="U9"))


def test_retention_disposes_of_exactly_what_is_past_its_period_and_not_held(records: RunningApp) -> None:
    app = records
    add_party(app, "DMV")
    add_party(app, "DOT")
    app.command("log DMV call about the old renewals")  # past its period by the run
    app.command("log DOT call about the old roads")  # as old, but under hold
    app.command("issue DMV old printers jammed, details: toner everywhere")
    app.command("close #1 replaced the printer")
    app.command('hold add "PRR-1" DOT', user_id="U9")
    app.command("retention interactions 1 year", user_id="U9")
    shown = reply_text(app.command("retention closed-issues 1 year redact", user_id="U9"))
    assert "closed issues: 1 year from when they were closed, then redact the free text" in shown
    app.clock.advance(days=200)
    app.command("log DMV call about the new renewals")  # within its period
    app.clock.advance(days=200)  # the old records are 400 days old, the new one 200

    before = snapshot(app)
    previewed = reply_text(app.command("retention preview", user_id="U9"))
    assert "*interactions* (1 year from when they happened, then delete): 1 would go" in previewed
    assert "1 past it are kept by legal hold (*PRR-1*)" in previewed
    assert (
        "*closed issues* (1 year from when they were closed, then redact the free text): 1 would go"
        in previewed
    )
    assert snapshot(app) == before  # the preview changed nothing

    assert start_due_retention(app.brm.services) == 1
    dispositions = wait_for_dispositions(app, 2)

    assert sorted(i.summary for i in rows(app, Interaction)) == [
        "call about the new renewals",
        "call about the old roads",
    ]
    [issue] = rows(app, Issue)
    assert issue.title == REDACTED and issue.details is None and issue.resolution is None
    assert issue.status == "closed" and issue.number == 1  # the skeleton stays
    by_type = {e.detail["record_type"]: e for e in dispositions}
    deleted = by_type["interactions"]
    assert deleted.action == "disposed" and deleted.actor_id is None and deleted.surface == "scheduler"
    assert deleted.detail["count"] == 1 and deleted.detail["kept_under_hold"] == 1
    assert deleted.detail["holds"] == ["PRR-1"] and deleted.detail["rule"].startswith("1 year")
    assert deleted.detail["oldest"] == deleted.detail["newest"]  # one record: its date is the range
    assert by_type["closed-issues"].action == "redacted" and by_type["closed-issues"].detail["count"] == 1
    every_detail = json.dumps([e.detail for e in dispositions])
    assert "renewals" not in every_detail and "printer" not in every_detail  # never the content

    # Once a day: another sweep that day starts nothing; the next day's run finds nothing new.
    assert start_due_retention(app.brm.services) == 0
    app.clock.advance(days=1)
    assert start_due_retention(app.brm.services) == 1
    later = wait_for_dispositions(app, 4)
    assert [e.detail["count"] for e in later[2:]] == [0, 0]


def test_audit_and_nudge_history_retention_keeps_the_records_management_trail(records: RunningApp) -> None:
    app = records
    add_party(app, "DMV")
    app.command("log DMV call about renewals")
    app.command('hold add "PRR-2" DMV', user_id="U9")
    app.command('hold release "PRR-2"', user_id="U9")
    app.command("retention audit 2 years", user_id="U9")
    app.clock.advance(days=800)
    assert start_due_retention(app.brm.services) == 1
    [done] = wait_for_dispositions(app, 1)
    assert done.detail["count"] == 1  # the interaction's "logged" event
    kept = {e.entity for e in rows(app, AuditEvent)}
    assert {"legal_hold", "retention"} <= kept and "interaction" not in kept
    assert len(rows(app, Interaction)) == 1  # only the audit log had a period


def test_a_period_can_be_removed_and_the_changes_are_audited(records: RunningApp) -> None:
    records.command("retention interactions 6 years", user_id="U9")
    shown = reply_text(records.command("retention interactions keep", user_id="U9"))
    assert "interactions are kept forever" in shown
    assert rows(records, RetentionRule) == []
    assert [e.action for e in rows(records, AuditEvent) if e.entity == "retention"] == [
        "retention_set",
        "retention_removed",
    ]


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("retention parties 6 years", "Retention is set for"),
        ("retention interactions 6 parsecs", "Give the period as a number and days, weeks, months or years"),
        ("retention interactions 6 days", "30 days at least"),
    ],
)
def test_bad_retention_commands_get_a_clear_answer_and_write_nothing(
    records: RunningApp, command: str, answer: str
) -> None:
    assert answer in reply_text(records.command(command, user_id="U9"))
    assert rows(records, RetentionRule) == [] and rows(records, AuditEvent) == []
