"""The nudge message: what it shows when posted, and after someone acted on it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.nudge_blocks import ButtonIds, NudgeFacts, Outcome, latest_outcome, nudge_message
from storage.models import AuditEvent, Interaction, Issue, Nudge, Party

NOW = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
TZ = ZoneInfo("America/New_York")
IDS = ButtonIds(close="close", snooze_day="day", snooze_week="week", reopen="reopen")


def facts(**overrides: Any) -> NudgeFacts:
    party = Party(id=1, team_id="T1", name="DMV <!here>", name_key="dmv")
    issue = Issue(
        id=7,
        team_id="T1",
        number=12,
        party_id=1,
        title="portal <!channel> login fails",
        owner_id="U1",
        raised_by="U1",
        created_at=NOW - timedelta(days=12),
    )
    touch = Interaction(
        id=3,
        team_id="T1",
        party_id=1,
        occurred_at=NOW - timedelta(days=2),
        kind="call",
        summary="call with Jane about the portal",
        logged_by="U1",
    )
    nudge = Nudge(id=5, team_id="T1", issue_id=7, owner_id="U1", due_at=NOW, sequence=1)
    values: dict[str, Any] = dict(
        nudge=nudge, party=party, issue=issue, interaction=None, recent=[touch], times_nudged=1
    )
    values.update(overrides)
    return NudgeFacts(**values)


def text_of(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(
        b["text"]["text"] if "text" in b else " ".join(str(e.get("text")) for e in b.get("elements", []))
        for b in blocks
    )


def test_a_fresh_nudge_shows_the_issue_its_age_the_party_history_and_the_buttons() -> None:
    text, blocks = nudge_message(facts(), buttons=IDS, tz=TZ, now=NOW)
    shown = text_of(blocks)
    assert "<@U1>" in shown and "*#12*" in shown and "Open for 12 days" in shown and "first reminder" in shown
    assert "call with Jane about the portal" in shown
    assert "React :white_check_mark: to close it" in shown
    [actions] = [b for b in blocks if b["type"] == "actions"]
    assert [(e["action_id"], e["value"]) for e in actions["elements"]] == [
        ("close", "5"),
        ("day", "5"),
        ("week", "5"),
    ]
    assert text == "Follow-up due: #12 DMV @\u2060here: portal @\u2060channel login fails"


def test_typed_text_never_pings() -> None:
    _, blocks = nudge_message(facts(), buttons=IDS, tz=TZ, now=NOW)
    shown = text_of(blocks)
    assert "<!here>" not in shown and "<!channel>" not in shown


def test_a_closed_issue_shows_who_closed_it_and_no_buttons() -> None:
    closed = facts(outcome=Outcome(action="closed", actor_id="U2", surface="reaction"))
    closed.issue.status = "closed"  # type: ignore[union-attr]
    _, blocks = nudge_message(closed, buttons=IDS, tz=TZ, now=NOW)
    shown = text_of(blocks)
    assert "*Closed* by <@U2>" in shown and "Remove the :white_check_mark: to reopen" in shown
    assert not [b for b in blocks if b["type"] == "actions"]


def test_a_snoozed_issue_shows_until_when_and_keeps_its_buttons() -> None:
    until = NOW + timedelta(days=7)
    _, blocks = nudge_message(
        facts(outcome=Outcome(action="snoozed", actor_id="U1", until=until)), buttons=IDS, tz=TZ, now=NOW
    )
    shown = text_of(blocks)
    assert f"<!date^{int(until.timestamp())}^" in shown and "by <@U1>" in shown
    assert [b for b in blocks if b["type"] == "actions"]


def test_an_escalated_copy_says_how_many_reminders_went_unanswered() -> None:
    nudge = Nudge(id=9, team_id="T1", issue_id=7, owner_id="U1", due_at=NOW, sequence=3, escalated_to="CHOME")
    _, blocks = nudge_message(facts(nudge=nudge, times_nudged=3), buttons=IDS, tz=TZ, now=NOW)
    assert "Still open after 3 reminders" in text_of(blocks) and "reminder 3" in text_of(blocks)


def test_an_interactions_follow_up_has_a_done_button() -> None:
    touch = Interaction(
        id=3,
        team_id="T1",
        party_id=1,
        occurred_at=NOW - timedelta(days=1),
        summary="site visit",
        logged_by="U1",
    )
    nudge = Nudge(id=5, team_id="T1", interaction_id=3, owner_id="U1", due_at=NOW)
    _, blocks = nudge_message(facts(nudge=nudge, issue=None, interaction=touch), buttons=IDS, tz=TZ, now=NOW)
    shown = text_of(blocks)
    assert "Logged 1 day ago" in shown and "site visit" in shown and "mark it done" in shown
    [actions] = [b for b in blocks if b["type"] == "actions"]
    assert actions["elements"][0]["text"]["text"] == "Done"


def test_the_latest_close_reopen_or_snooze_is_the_outcome_shown() -> None:
    def event(action: str, actor: str, **detail: Any) -> AuditEvent:
        return AuditEvent(
            team_id="T1",
            surface="reaction",
            action=action,
            entity="issue",
            entity_id=7,
            actor_id=actor,
            detail=detail,
        )

    assert latest_outcome([]) is None
    assert latest_outcome([event("opened", "U1"), event("nudged", "U1")]) is None
    history = [event("opened", "U1"), event("closed", "U2"), event("reopened", "U3"), event("nudged", "U1")]
    assert latest_outcome(history) == Outcome(action="reopened", actor_id="U3", surface="reaction")
    snoozed = event("snoozed", "U1", follow_up_at="2026-12-08T14:00:00+00:00")
    assert latest_outcome([snoozed]) == Outcome(
        action="snoozed", actor_id="U1", until=datetime(2026, 12, 8, 14, 0, tzinfo=UTC), surface="reaction"
    )


def buttons_of(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"] if e["type"] == "button"]


def test_every_button_names_its_record_for_screen_readers() -> None:
    _, blocks = nudge_message(facts(), buttons=IDS, tz=TZ, now=NOW)
    assert [b["accessibility_label"] for b in buttons_of(blocks)] == [
        "Close issue #12",
        "Snooze issue #12 for 1 day",
        "Snooze issue #12 for 1 week",
    ]
    touch = facts().recent[0]
    _, blocks = nudge_message(facts(issue=None, interaction=touch), buttons=IDS, tz=TZ, now=NOW)
    labels = [b["accessibility_label"] for b in buttons_of(blocks)]
    assert labels[0] == "Mark the follow-up with DMV <!here> done"
    assert labels[1] == "Snooze the follow-up with DMV <!here> for 1 day"
    assert all(len(label) <= 75 for label in labels)


def test_a_button_close_offers_a_reopen_button_and_the_command() -> None:
    closed = facts(outcome=Outcome(action="closed", actor_id="U2", surface="button"))
    closed.issue.status = "closed"  # type: ignore[union-attr]
    text, blocks = nudge_message(closed, buttons=IDS, tz=TZ, now=NOW)
    shown = text_of(blocks)
    assert "Remove the :white_check_mark:" not in shown
    assert "Reopen it with the button or `/brm reopen #12`" in shown
    [reopen] = buttons_of(blocks)
    assert (reopen["action_id"], reopen["accessibility_label"]) == ("reopen", "Reopen issue #12")
    assert text.startswith("Closed: #12 DMV")


def test_the_notification_text_follows_the_state() -> None:
    until = datetime(2026, 12, 8, 14, 0, tzinfo=UTC)
    snoozed = facts(outcome=Outcome(action="snoozed", actor_id="U1", until=until, surface="button"))
    text, _ = nudge_message(snoozed, buttons=IDS, tz=TZ, now=NOW)
    assert text.startswith("Snoozed until Tue 8 Dec") and "Follow-up due" not in text
    reopened = facts(outcome=Outcome(action="reopened", actor_id="U1", surface="button"))
    assert nudge_message(reopened, buttons=IDS, tz=TZ, now=NOW)[0].startswith("Follow-up due: #12")
