"""A touchpoint nudge answered by *Log a touchpoint*: once its form is saved, the nudge message in
Slack says who logged it and when, and its buttons are gone. Through signed requests and the fake
Slack, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.form_fields import Field
from bot.party_select import party_option
from slack_api.ids import Action
from storage.models import AuditEvent, Interaction, Job
from tests.conftest import RunningApp
from tests.test_log_command import add_party, rows
from tests.test_nudges import block_text, message_of, posts, press, sweep, updated_text, wait_until
from tests.test_shortcuts import as_shown
from tests.test_touchpoints import WEEK_LATER, pending, touchpoint_nudges, weekly_dmv

pytestmark = pytest.mark.usefixtures("every_button_labelled")


def open_form_from_the_nudge(app: RunningApp) -> tuple[object, dict]:
    """DMV's touchpoint nudge, posted; *Log a touchpoint* pressed; the form it opened."""
    weekly_dmv(app)
    app.clock.set(WEEK_LATER)
    assert sweep(app) == 1
    [post] = posts(app)
    press(app, post, Action.TOUCHPOINT_LOG)
    [opened] = app.slack.wait_for("views.open")
    return post, opened.response["view"]


def test_saving_the_form_a_nudge_opened_updates_the_nudge_to_say_who_logged_it_and_when(
    app: RunningApp,
) -> None:
    post, view = open_form_from_the_nudge(app)
    assert "Log a touchpoint" in block_text(message_of(app, post)["blocks"])

    sent = app.client.view_submission(
        None, as_shown(view, **{Field.SUMMARY: {"value": "Call about the renewal backlog"}}), view=view
    )
    assert sent.status == 200, sent.body

    shown = updated_text(app, post)
    assert "<@U1> logged a touchpoint on Thu 3 Dec 2026, 10:00" in shown  # 15:00 UTC, in New York
    blocks = message_of(app, post)["blocks"]
    assert not any(block["type"] == "actions" for block in blocks)
    for label in ("Log a touchpoint", "Snooze 1 week", "Not needed now"):
        assert label not in block_text(blocks)
    [update] = app.slack.calls_to("chat.update")
    assert (update.params["channel"], update.params["ts"]) == (post.response["channel"], post.response["ts"])

    [_, saved] = sorted(rows(app, Interaction), key=lambda i: i.id)
    [nudge] = [n for n in touchpoint_nudges(app) if n.message_ts == post.response["ts"]]
    [event] = [e for e in rows(app, AuditEvent) if e.action == "touchpoint_logged"]
    assert (event.actor_id, event.entity, event.entity_id) == ("U1", "party", nudge.party_id)
    assert event.detail["nudge_id"] == nudge.id and event.detail["interaction_id"] == saved.id
    [next_one] = wait_until(lambda: pending(app))
    assert next_one.due_at == WEEK_LATER + timedelta(days=7)
    [job] = wait_until(
        lambda: [j for j in rows(app, Job) if j.kind == "touchpoint_logged" and j.status == "done"]
    )
    assert job.posts_done == 1

    # A click Slack still sends from an old copy of the message changes nothing now.
    app.client.block_action(
        Action.TOUCHPOINT_SNOOZE,
        str(nudge.id),
        message=message_of(app, post),
        channel_id=post.response["channel"],
    )
    app.brm.close()  # the click's job has run
    assert len(app.slack.calls_to("chat.update")) == 1
    assert [e.action for e in rows(app, AuditEvent) if e.action.startswith("touchpoint_")] == [
        "touchpoint_logged"
    ]


def test_a_form_saved_for_another_party_leaves_the_nudge_as_it_was(app: RunningApp) -> None:
    post, view = open_form_from_the_nudge(app)
    other = add_party(app, "Water Board")

    sent = app.client.view_submission(
        None,
        as_shown(
            view,
            **{
                Field.PARTY: {"selected_option": party_option(other, "Water Board")},
                Field.SUMMARY: {"value": "Call about the meters"},
            },
        ),
        view=view,
    )
    assert sent.status == 200, sent.body
    wait_until(lambda: len(rows(app, Interaction)) == 2)
    app.brm.close()  # every job has run

    assert app.slack.calls_to("chat.update") == []
    assert "Log a touchpoint" in block_text(message_of(app, post)["blocks"])
    assert not [e for e in rows(app, AuditEvent) if e.action == "touchpoint_logged"]
    assert not [j for j in rows(app, Job) if j.kind == "touchpoint_logged"]


def test_the_same_submission_sent_twice_updates_the_nudge_once(app: RunningApp) -> None:
    post, view = open_form_from_the_nudge(app)
    values = as_shown(view, **{Field.SUMMARY: {"value": "Call about the renewal backlog"}})
    for _ in range(2):
        assert app.client.view_submission(None, values, view=view).status == 200
    assert "logged a touchpoint" in updated_text(app, post)
    app.brm.close()

    assert len(rows(app, Interaction)) == 2
    assert len(app.slack.calls_to("chat.update")) == 1
    assert len([e for e in rows(app, AuditEvent) if e.action == "touchpoint_logged"]) == 1


def test_a_key_contacts_nudge_is_answered_even_when_the_form_no_longer_names_them(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("party DMV owner me")
    app.command("contact add DMV Jane Doe, CIO, <@U2|sam> sponsor")
    app.command("contact Jane Doe cadence every week")
    app.clock.set(WEEK_LATER)
    assert sweep(app) == 1
    [post] = posts(app)
    press(app, post, Action.TOUCHPOINT_LOG)
    [opened] = app.slack.wait_for("views.open")
    view = opened.response["view"]

    changes = {Field.SUMMARY: {"value": "Call about the budget"}, Field.PEOPLE: {"selected_users": []}}
    assert app.client.view_submission(None, as_shown(view, **changes), view=view).status == 200

    assert "<@U1> logged a touchpoint" in updated_text(app, post)
    [event] = [e for e in rows(app, AuditEvent) if e.action == "touchpoint_logged"]
    assert event.entity == "contact"
    # Logged from Jane's nudge: her next touchpoint is due a cadence from now, nudged once more then.
    [next_one] = wait_until(lambda: [n for n in pending(app) if n.contact_id == event.entity_id])
    assert next_one.due_at == WEEK_LATER + timedelta(days=7)


def test_a_touchpoint_logged_with_brm_log_answers_the_posted_nudge_too(app: RunningApp) -> None:
    weekly_dmv(app)
    app.clock.set(WEEK_LATER)
    assert sweep(app) == 1
    [post] = posts(app)

    app.command("log DMV call with Jane about the backlog")  # not from the nudge's button

    assert "<@U1> logged a touchpoint" in updated_text(app, post)
    assert not any(block["type"] == "actions" for block in message_of(app, post)["blocks"])
    [event] = [e for e in rows(app, AuditEvent) if e.action == "touchpoint_logged"]
    [logged] = [i for i in rows(app, Interaction) if "backlog" in i.summary]
    assert (event.detail["interaction_id"], event.surface) == (logged.id, "command")

    app.command("log DMV email about the invoice")  # the nudge is answered once, not again
    app.brm.close()
    assert len(app.slack.calls_to("chat.update")) == 1
    assert len([e for e in rows(app, AuditEvent) if e.action == "touchpoint_logged"]) == 1


def test_a_log_of_a_meeting_before_the_last_touch_leaves_the_nudge_as_it_is(app: RunningApp) -> None:
    weekly_dmv(app)  # touched on 26 November
    app.clock.set(WEEK_LATER)
    assert sweep(app) == 1
    [post] = posts(app)

    app.command("log DMV call on 2026-11-20 about last year's audit")  # older than the last touch
    app.brm.close()
    [older] = [i for i in rows(app, Interaction) if "audit" in i.summary]
    assert older.occurred_at.date().isoformat() == "2026-11-20"

    assert app.slack.calls_to("chat.update") == []
    assert "Log a touchpoint" in block_text(message_of(app, post)["blocks"])
    assert not [e for e in rows(app, AuditEvent) if e.action == "touchpoint_logged"]
