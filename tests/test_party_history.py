"""`/brm party <name> history` end to end: the timeline written through signed commands, read with a
signed command, and paged by clicking *More* and *Newest* (signed block actions, answered through the
job queue on the response_url). SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from slack_api.ids import Action
from storage.models import AuditEvent, Interaction
from tests.conftest import RunningApp
from tests.test_log_command import add_party, reply_text, rows
from tests.test_search_command import add_interactions


def entries(body: dict) -> list[str]:
    text = "\n".join(b["text"]["text"] for b in body["blocks"] if b["type"] == "section")
    return [line for line in text.split("\n") if line.startswith("• ")]


def buttons(body: dict) -> dict[str, dict]:
    return {
        element["text"]["text"]: element
        for block in body["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    }


def click(app: RunningApp, body: dict, label: str, **kwargs: object) -> dict:
    """Click a button of an ephemeral reply; returns what replaced it."""
    button = buttons(body)[label]
    message = {"ts": "1764169200.000100", "blocks": body["blocks"], "text": body.get("text", "")}
    sent = app.client.block_action(Action.HISTORY_MORE, button["value"], message=message, **kwargs)
    assert sent.status == 200
    [reply] = app.slack.wait_for_response(sent.response_name)
    assert reply.body["replace_original"] is True
    return reply.body


def test_history_shows_interactions_issues_and_changes_newest_first(app: RunningApp) -> None:
    app.command("log DMV call about the portal outage")  # adds the party
    app.clock.advance(hours=1)
    app.command("party DMV kind vendor")
    app.clock.advance(hours=1)
    app.command("issue DMV renewal emails bounce")
    app.clock.advance(hours=1)
    app.command("party DMV owner <@U2|sam>")
    app.clock.advance(hours=1)
    app.command("close #1 vendor fixed the mail relay")
    app.clock.advance(hours=1)
    app.command("log Parks meeting about the budget")  # another party's

    body = app.command("party DMV history")
    assert body["response_type"] == "ephemeral"
    shown = entries(body)
    assert len(shown) == 6, shown
    closed, owner, opened, kind, logged, created = shown
    assert "Issue *#1* closed by <@U1>: vendor fixed the mail relay" in closed
    assert "owner now <@U2> (was <@U1>)" in owner
    assert "Issue *#1* opened by <@U1>: renewal emails bounce" in opened
    assert "kind changed to *vendor* (was agency)" in kind
    assert "call logged by <@U1>: call about the portal outage" in logged
    assert "added as" in created and "agency" in created
    assert "budget" not in reply_text(body)
    assert buttons(body) == {}  # one page is all there is


def test_an_interaction_shows_when_it_happened_not_when_it_was_logged(app: RunningApp) -> None:
    app.command("log DMV call about renewals")
    app.clock.advance(days=3)
    app.command("log DMV visit yesterday about the kiosks")
    app.command("log DMV email 2 weeks ago about the contract")
    shown = [line for line in entries(app.command("party DMV history")) if "logged by" in line]
    assert ["kiosks" in shown[0], "renewals" in shown[1], "contract" in shown[2]] == [True, True, True]


def test_history_pages_with_more_and_newest(app: RunningApp) -> None:
    party_id = add_party(app, "DMV")
    start = app.clock.now()
    # Two at each moment: a page may end between them.
    add_interactions(
        app, party_id, [(f"touchpoint number {n:02}", start - timedelta(days=n // 2)) for n in range(23)]
    )
    with app.db.workspace("T1") as session:
        ids = {i.summary: i.id for i in session.exec(select(Interaction))}
    expected = sorted(ids, key=lambda s: (int(s[-2:]) // 2, -ids[s]))  # newest first, then by id

    first = app.command("party DMV history")
    assert "(1–10)" in reply_text(first)
    assert set(buttons(first)) == {"More"}
    second = click(app, first, "More")
    assert "(11–20)" in reply_text(second)
    assert set(buttons(second)) == {"More", "Newest"}
    third = click(app, second, "More")
    assert "(21–23)" in reply_text(third)
    assert set(buttons(third)) == {"Newest"}

    seen = [line for page in (first, second, third) for line in entries(page)]
    assert [line.rsplit(": ", 1)[1] for line in seen] == expected  # every entry once, in order

    again = click(app, third, "Newest")
    assert entries(again) == entries(first)
    assert all(b.get("accessibility_label") for b in buttons(second).values())


def test_a_more_button_never_shows_another_workspaces_party(app: RunningApp) -> None:
    app.command("log DMV call about a secret", team_id="T2")
    [other] = [e for e in rows(app, AuditEvent, "T2") if e.entity == "party"]
    app.command("log DMV call about the portal")
    body = app.command("party DMV history")

    forged = {**body, "blocks": [*body["blocks"]]}
    forged["blocks"].append(
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": Action.HISTORY_MORE,
                    "text": {"type": "plain_text", "text": "Forged"},
                    "value": f"{other.entity_id}~0~",
                }
            ],
        }
    )
    answer = click(app, forged, "Forged")
    assert "secret" not in reply_text(answer)
    assert "no longer here" in reply_text(answer)


@pytest.mark.parametrize("value", ["nonsense", "1~x~", "1~10~not-a-cursor", "1~10~2026-01-01T00:00:00~7~1"])
def test_a_button_value_that_is_not_ours_is_ignored(app: RunningApp, value: str) -> None:
    app.command("log DMV call about the portal")
    sent = app.client.block_action(Action.HISTORY_MORE, value)
    assert sent.status == 200
    app.brm.close()  # every job has run
    assert app.slack.response_posts(sent.response_name) == []


def test_history_takes_nothing_after_it(app: RunningApp) -> None:
    app.command("log DMV call about the portal")
    before = len(rows(app, AuditEvent))
    shown = reply_text(app.command("party DMV history please"))
    assert "takes nothing after it" in shown and "/brm party DMV history" in shown
    assert len(rows(app, AuditEvent)) == before
    assert "I don't know a party" in reply_text(app.command("party Nowhere history"))
