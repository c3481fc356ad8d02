"""Cadence and touchpoint nudges end to end: cadences set through /brm, the nudge sweep the
scheduler runs under the test's clock, the nudge's buttons and the ✅ reaction, the log form its
*Log a touchpoint* button opens, all through signed requests and the fake Slack, on both databases.

The frozen start is Thursday 26 November 2026, 10:00 in New York (Thanksgiving, a federal holiday).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.form_fields import Field
from slack_api.ids import Action
from storage.models import AuditEvent, Interaction, Job, Nudge, NudgeStatus, Party
from tests.conftest import RunningApp
from tests.test_digest import add_interaction
from tests.test_digest import add_party as add_old_party
from tests.test_home import open_home, published, text_of, view_of
from tests.test_log_command import add_party, reply_text, rows
from tests.test_nudges import block_text, message_of, posts, press, sweep, updated_text, wait_until
from tests.test_shortcuts import as_shown, inputs

pytestmark = pytest.mark.usefixtures("every_button_labelled")

# Thursday 3 December 2026, 10:00 in New York: a week after the start.
WEEK_LATER = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)


def touchpoint_nudges(app: RunningApp, team_id: str = "T1") -> list[Nudge]:
    return sorted((n for n in rows(app, Nudge, team_id) if n.party_id is not None), key=lambda n: n.id)


def saved_first_time(app: RunningApp) -> bool:
    """The form was saved by its job's first attempt: it did not fail and get tried again. (Other
    jobs may run twice here: moving the frozen clock days on expires the lease of one still finishing.)"""
    saves = [job for job in rows(app, Job) if job.kind == "save_form"]
    return bool(saves) and all(job.attempts == 1 and job.status == "done" for job in saves)


def pending(app: RunningApp) -> list[Nudge]:
    return [n for n in touchpoint_nudges(app) if n.status == NudgeStatus.PENDING]


def weekly_dmv(app: RunningApp) -> None:
    """DMV, owned by U1, touched at the start, with a weekly cadence."""
    add_party(app, "DMV")
    app.command("party DMV owner me")
    app.command("log DMV call with Jane about renewals")
    app.command("party DMV cadence every week")


def test_a_party_past_its_cadence_nudges_its_owner_once_in_working_hours(app: RunningApp) -> None:
    weekly_dmv(app)
    card = reply_text(app.command("party DMV"))
    assert "every week (its own)" in card and "Thu 3 Dec" in card
    [nudge] = pending(app)
    assert nudge.owner_id == "U1" and nudge.due_at == app.clock.now() + timedelta(days=7)

    app.clock.set(WEEK_LATER - timedelta(hours=1))
    assert sweep(app) == 0
    app.clock.set(WEEK_LATER)
    assert sweep(app) == 1
    [post] = posts(app)
    assert post.params["channel"] == "U1"  # the owner's DM
    shown = block_text(post.params["blocks"])
    assert "*DMV* is due a touchpoint" in shown and "every week" in shown and "7 days ago" in shown
    for label in ("Log a touchpoint", "Snooze 1 week", "Not needed now"):
        assert label in shown
    assert sweep(app) == 0
    app.clock.set(WEEK_LATER + timedelta(days=3))
    assert sweep(app) == 0  # exactly once: nothing more until something moves the date
    assert len(posts(app)) == 1
    [sent] = touchpoint_nudges(app)
    assert sent.status == NudgeStatus.SENT
    [event] = [e for e in rows(app, AuditEvent) if e.action == "nudged"]
    assert (event.entity, event.entity_id) == ("party", sent.party_id)


def test_a_cadence_due_at_night_or_on_a_weekend_waits_for_the_owners_next_working_morning(
    app: RunningApp,
) -> None:
    add_party(app, "DMV")
    app.command("party DMV owner me")
    app.clock.set(datetime(2026, 11, 27, 3, 0, tzinfo=UTC))  # Thursday 22:00 in New York
    app.command("log DMV call with Jane about renewals")
    app.command("party DMV cadence every 8 days")  # due Saturday 5 December, 22:00 in New York

    app.clock.set(datetime(2026, 12, 6, 3, 0, tzinfo=UTC))
    assert sweep(app) == 0
    [nudge] = pending(app)
    assert nudge.due_at == datetime(2026, 12, 7, 14, 0, tzinfo=UTC)  # Monday 09:00 in New York
    app.clock.set(datetime(2026, 12, 7, 14, 0, tzinfo=UTC))
    assert sweep(app) == 1


def test_log_a_touchpoint_opens_a_prefilled_form_whose_saving_clears_it(app: RunningApp) -> None:
    weekly_dmv(app)
    app.command("contact add DMV Jane Doe, CIO, <@U2|sam> sponsor")
    app.clock.set(WEEK_LATER)
    assert sweep(app) == 1
    [post] = posts(app)

    press(app, post, Action.TOUCHPOINT_LOG)
    [opened] = app.slack.wait_for("views.open")
    view = opened.response["view"]
    fields = inputs(view)
    assert "DMV" in fields[Field.PARTY]["initial_option"]["text"]["text"]
    sent = app.client.view_submission(
        None,
        as_shown(view, **{Field.SUMMARY: {"value": "Call with Jane Doe about the renewal backlog"}}),
        view=view,
    )
    assert sent.status == 200, sent.body
    wait_until(lambda: len(rows(app, Interaction)) == 2)

    [_, saved] = sorted(rows(app, Interaction), key=lambda i: i.id)
    assert saved.summary.startswith("Call with Jane Doe") and saved.occurred_at == WEEK_LATER
    [next_one] = wait_until(lambda: pending(app))
    assert next_one.due_at == WEEK_LATER + timedelta(days=7)  # cleared: due a cadence from this touchpoint
    assert wait_until(lambda: saved_first_time(app))
    assert sweep(app) == 0
    card = reply_text(app.command("contact Jane Doe"))
    assert "Thu 3 Dec" in card  # linked from the form by name


def test_snooze_and_not_needed_move_the_touchpoint_and_update_the_message(app: RunningApp) -> None:
    weekly_dmv(app)
    app.clock.set(WEEK_LATER)
    assert sweep(app) == 1
    [post] = posts(app)

    press(app, post, Action.TOUCHPOINT_SNOOZE)
    assert "Snoozed by <@U1>" in updated_text(app, post)
    [snoozed] = wait_until(lambda: pending(app))
    assert snoozed.due_at == WEEK_LATER + timedelta(days=7)
    assert "Not needed now" not in block_text(message_of(app, post)["blocks"])  # the buttons are gone
    app.clock.set(WEEK_LATER + timedelta(days=7))
    assert sweep(app) == 1
    second = posts(app)[1]
    press(app, second, Action.TOUCHPOINT_NOT_NEEDED)
    assert "Not needed now" in updated_text(app, second, 2)
    [next_one] = wait_until(lambda: pending(app))
    assert next_one.due_at == WEEK_LATER + timedelta(days=14)
    # A click Slack still sends from an old copy of the first message changes nothing.
    first = touchpoint_nudges(app)[0]
    clicked = app.client.block_action(
        Action.TOUCHPOINT_NOT_NEEDED,
        str(first.id),
        message=message_of(app, post),
        channel_id=post.response["channel"],
    )
    assert clicked.status == 200
    app.brm.close()  # the click's job has run
    actions = [e.action for e in rows(app, AuditEvent) if e.action.startswith("touchpoint_")]
    assert actions == ["touchpoint_snoozed", "touchpoint_not_needed"]


def test_a_check_mark_on_a_touchpoint_nudge_means_done(app: RunningApp) -> None:
    weekly_dmv(app)
    app.clock.set(WEEK_LATER)
    assert sweep(app) == 1
    [post] = posts(app)
    app.client.reaction_added("U1", "white_check_mark", post.response["channel"], post.response["ts"])
    assert "Done, said <@U1>" in updated_text(app, post)
    [next_one] = wait_until(lambda: pending(app))
    assert next_one.due_at == WEEK_LATER + timedelta(days=7)
    party = rows(app, Party)[0]
    assert party.touched_at == WEEK_LATER


def test_a_key_contact_with_a_cadence_of_their_own_is_nudged_by_name(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("party DMV owner me")
    app.command("contact add DMV Jane Doe, CIO, <@U2|sam> sponsor")
    app.command("contact Jane Doe cadence every week")
    app.clock.set(WEEK_LATER)
    assert sweep(app) == 1
    [post] = posts(app)
    assert "Jane Doe (DMV)* is due a touchpoint" in block_text(post.params["blocks"])
    press(app, post, Action.TOUCHPOINT_LOG)
    [opened] = app.slack.wait_for("views.open")
    fields = inputs(opened.response["view"])
    assert fields[Field.PEOPLE]["initial_users"] == ["U2"]
    assert fields[Field.SUMMARY]["initial_value"] == "Touchpoint with Jane Doe"


def test_a_default_per_party_kind_applies_to_parties_without_their_own(app: RunningApp) -> None:
    add_party(app, "DMV")
    add_party(app, "Acme Cloud")
    app.command("party DMV owner me")
    app.command("party Acme Cloud owner me")
    app.command("party Acme Cloud kind vendor")
    shown = reply_text(app.command("settings cadence agency every week"))
    assert "agency parties without a cadence of their own" in shown
    assert "agency every week" in reply_text(app.command("settings"))
    [nudge] = pending(app)
    assert rows(app, Party)[0].name == "DMV" and nudge.party_id == rows(app, Party)[0].id
    assert "the default for agency" in reply_text(app.command("party DMV"))
    app.command("party DMV cadence every 2 weeks")
    [nudge] = pending(app)
    assert nudge.due_at == app.clock.now() + timedelta(days=14)
    app.command("settings cadence agency none")
    assert len(pending(app)) == 1  # DMV keeps its own


def test_cadence_bad_input_is_refused_and_writes_nothing(app: RunningApp) -> None:
    add_party(app, "DMV")
    for text in (
        "party DMV cadence sometimes",
        "settings cadence agency now and then",
        "settings cadence robots weekly",
    ):
        reply = reply_text(app.command(text))
        assert "Try:" in reply, text
    assert rows(app, Party)[0].cadence_days is None and touchpoint_nudges(app) == []


def test_a_party_with_no_owner_or_in_another_workspace_nudges_no_one(app: RunningApp) -> None:
    add_party(app, "DMV")
    add_party(app, "DMV", team_id="T2")
    app.command("party DMV owner none")
    app.command("party DMV cadence every week")
    app.command("party DMV owner me", team_id="T2")
    assert touchpoint_nudges(app) == [] and touchpoint_nudges(app, "T2") == []
    app.clock.set(WEEK_LATER)
    assert sweep(app) == 0


# --------------------------------------------------------------------------- the Home tab


def test_the_home_tab_lists_your_relationships_worst_first_with_a_log_button(app: RunningApp) -> None:
    for name in ("Acme Cloud", "DMV", "Parks"):
        add_party(app, name)
        app.command(f"party {name} owner me")
    add_party(app, "DOT")
    app.command("party DOT owner <@U2|sam>")  # not U1's
    app.command("log DMV call about renewals")
    app.command("party DMV cadence every week")
    app.command("party Parks cadence every month")
    app.command("issue Acme Cloud invoices rejected critical")
    app.clock.set(WEEK_LATER + timedelta(days=1))

    open_home(app)
    [params] = published(app)
    view = view_of(params)
    shown = text_of(view)
    assert "Your relationships* · 3" in shown and "*DOT*" not in shown
    # Acme (red: a critical issue) before DMV (touchpoint overdue) before Parks (due next month).
    assert shown.index("Acme Cloud") < shown.index("*DMV*") < shown.index("*Parks*")
    assert "touchpoint overdue since Thu 3 Dec" in shown and "next touchpoint Sat 26 Dec" in shown
    [dmv] = [b for b in view["blocks"] if b.get("accessory") and "*DMV*" in b["text"]["text"]]
    button = dmv["accessory"]
    assert button["action_id"] == Action.HOME_LOG_TOUCHPOINT

    clicked = app.client.block_action(Action.HOME_LOG_TOUCHPOINT, button["value"], channel_id="D1")
    assert clicked.status == 200
    [opened] = app.slack.wait_for("views.open")
    form = opened.response["view"]
    assert "DMV" in inputs(form)[Field.PARTY]["initial_option"]["text"]["text"]
    sent = app.client.view_submission(
        None, as_shown(form, **{Field.SUMMARY: {"value": "Quarterly call"}}), view=form
    )
    assert sent.status == 200, sent.body
    dmv_id = int(button["value"])
    [due] = wait_until(
        lambda: [n for n in pending(app) if n.party_id == dmv_id and n.due_at > app.clock.now()]
    )
    assert due.due_at == app.clock.now() + timedelta(days=7)
    assert wait_until(lambda: saved_first_time(app))


# --------------------------------------------------------------------------- health and the digest


def test_health_and_the_digest_go_cold_by_each_partys_cadence(app: RunningApp) -> None:
    weekly = add_old_party(app, "DMV")
    monthly = add_old_party(app, "Parks")
    quarterly = add_old_party(app, "Acme Cloud")
    for party_id in (weekly, monthly, quarterly):
        add_interaction(app, party_id, days_ago=10)
    app.command("party DMV cadence every week")
    app.command("party Acme Cloud kind vendor")
    app.command("settings cadence vendor quarterly")

    health = reply_text(app.command("health DMV"))
    assert "no contact in 10 days, past its cadence (every week)" in health
    assert "past its cadence" not in reply_text(app.command("health Parks"))  # 30 days, the workspace's
    preview = reply_text(app.command("digest preview"))
    assert "Going cold: past their cadence, or no contact in 30 days" in preview
    cold = preview[preview.index("Going cold") :]
    assert "DMV" in cold and "Parks" not in cold and "Acme Cloud" not in cold

    add_interaction(app, monthly, days_ago=40)  # older than its last contact: changes nothing
    app.clock.set(app.clock.now() + timedelta(days=25))  # 35 days since contact: Parks too, Acme not
    cold = reply_text(app.command("digest preview"))
    cold = cold[cold.index("Going cold") :]
    assert "DMV" in cold and "Parks" in cold and "Acme Cloud" not in cold


def test_a_snooze_reaction_on_a_touchpoint_nudge_snoozes_it_and_taking_a_check_mark_away_changes_nothing(
    app: RunningApp,
) -> None:
    weekly_dmv(app)
    app.clock.set(WEEK_LATER)
    assert sweep(app) == 1
    [post] = posts(app)
    channel, ts = post.response["channel"], post.response["ts"]
    app.client.reaction_added("U1", "zzz", channel, ts)
    assert "Snoozed by <@U1>" in updated_text(app, post)
    app.client.reaction_removed("U1", "white_check_mark", channel, ts)
    app.brm.close()  # every event's job has run
    [snoozed] = pending(app)
    assert snoozed.due_at == WEEK_LATER + timedelta(days=7)
    assert [e.action for e in rows(app, AuditEvent) if e.action.startswith("touchpoint_")] == [
        "touchpoint_snoozed"
    ]


def test_undoing_a_log_moves_the_touchpoint_back(
    app: RunningApp,
) -> None:
    weekly_dmv(app)  # touched at the start
    app.clock.set(app.clock.now() + timedelta(days=3))
    app.command("log DMV call about the backlog")
    [moved] = pending(app)
    assert moved.due_at == app.clock.now() + timedelta(days=7)
    app.command("undo")
    assert len(rows(app, Interaction)) == 1
    [back] = pending(app)
    assert back.due_at == WEEK_LATER  # a cadence from the log before


def test_undoing_the_log_that_added_a_party_takes_its_touchpoint_nudge_with_it(app: RunningApp) -> None:
    app.command("settings cadence agency every week")
    app.command("log Parks Department met the director about trails")  # a new party, owned by U1
    parks = [p for p in rows(app, Party) if p.name == "Parks Department"]
    assert parks and [n for n in pending(app) if n.party_id == parks[0].id]
    undone = reply_text(app.command("undo"))
    assert rows(app, Party) == [], undone
    assert all(n.party_id != parks[0].id for n in rows(app, Nudge))


def test_removing_a_key_contact_cancels_their_touchpoint_and_keeps_what_was_posted(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("party DMV owner me")
    app.command("contact add DMV Jane Doe, sponsor")
    app.command("contact add DMV Bob Stone, champion")
    app.command("contact Jane Doe cadence every week")
    app.command("contact Bob Stone cadence every month")
    app.clock.set(WEEK_LATER)
    assert sweep(app) == 1  # Jane's
    app.command("contact remove Jane Doe")
    app.command("contact remove Bob Stone")
    nudges = touchpoint_nudges(app)
    assert [(n.status, n.contact_id) for n in nudges] == [
        (NudgeStatus.SENT, None),
        (NudgeStatus.CANCELLED, None),
    ]


def test_a_touchpoint_nudge_whose_answer_slack_lost_is_found_not_posted_again(app: RunningApp) -> None:
    weekly_dmv(app)
    app.clock.set(WEEK_LATER)
    app.slack.lose_next_answer("chat.postMessage")
    assert sweep(app) == 0
    [nudge] = touchpoint_nudges(app)
    assert nudge.status == NudgeStatus.PENDING and nudge.check_before_post
    app.clock.advance(seconds=30)
    assert sweep(app) == 1
    assert len(app.slack.calls_to("chat.postMessage")) == 1  # it looked in the DM and found its message
    [nudge] = touchpoint_nudges(app)
    assert nudge.status == NudgeStatus.SENT and nudge.message_ts
