"""Message and global shortcuts end to end: signed shortcut, suggestion and submission payloads over
HTTP, the modal read back from the fake Slack's views.open, records read back from the database."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.form_fields import Field
from slack_api.ids import Shortcut, View
from storage.models import AuditEvent, Interaction, Issue, Nudge, Party
from tests.conftest import RunningApp
from tests.test_log_command import add_party, rows

EXAMPLE = "DMV call with <@U2|sam>: the portal is down again, tense. follow up next Tuesday"


# --------------------------------------------------------------------------- helpers


def message_ts(app: RunningApp, minutes_ago: int = 10) -> str:
    """A message ts some minutes before the frozen now (the fake's own ts are a year earlier)."""
    return f"{int((app.clock.now() - timedelta(minutes=minutes_ago)).timestamp())}.000100"


def post(app: RunningApp, text: str, *, channel: str = "C1", user: str = "U2", **extra: Any) -> dict:
    return app.slack.add_message(channel, message_ts(app), text=text, user=user, **extra)


def open_form(app: RunningApp, shortcut: Shortcut, message: dict, *, channel: str = "C1", count: int = 1):
    """Use a message shortcut; returns (what the app answered, the view the fake opened)."""
    sent = app.client.message_shortcut(shortcut, message, channel_id=channel)
    assert sent.status == 200, sent.body
    opened = app.slack.wait_for("views.open", count)[count - 1]
    assert opened.ok, opened.response
    return sent, opened.response["view"]


def inputs(view: dict) -> dict[str, dict]:
    """The view's input elements by block id."""
    return {block["block_id"]: block["element"] for block in view["blocks"] if block["type"] == "input"}


def as_shown(view: dict, **changes: Any) -> dict[str, dict[str, Any]]:
    """The state Slack would submit when the person keeps every prefilled value (then `changes`)."""
    values: dict[str, dict[str, Any]] = {}
    for block_id, element in inputs(view).items():
        kind = element["type"]
        state: dict[str, Any] = {"type": kind}
        if kind == "plain_text_input":
            state["value"] = element.get("initial_value")
        elif kind in ("static_select", "external_select"):
            state["selected_option"] = element.get("initial_option")
        elif kind == "datetimepicker":
            state["selected_date_time"] = element.get("initial_date_time")
        elif kind == "datepicker":
            state["selected_date"] = element.get("initial_date")
        elif kind == "multi_users_select":
            state["selected_users"] = element.get("initial_users", [])
        elif kind == "users_select":
            state["selected_user"] = element.get("initial_user")
        values[block_id] = {element["action_id"]: state}
    for block_id, change in changes.items():
        values[block_id][block_id].update(change)
    return values


def submit(app: RunningApp, view: dict, **changes: Any):
    sent = app.client.view_submission(None, as_shown(view, **changes), view=view)
    assert sent.status == 200, sent.body
    return sent


def settle(app: RunningApp) -> None:
    """Wait until the app's work after every ack so far is done, to assert on what did *not* happen."""
    app.brm.close()


def shown(body: Any) -> str:
    return json.dumps(body, ensure_ascii=False)


# --------------------------------------------------------------------------- opening the form


def test_log_interaction_opens_a_form_prefilled_from_the_message(app: RunningApp) -> None:
    dmv = add_party(app, "DMV", "Department of Motor Vehicles")
    message = post(app, EXAMPLE)

    _, view = open_form(app, Shortcut.LOG_INTERACTION, message)

    assert view["callback_id"] == View.INTERACTION
    fields = inputs(view)
    assert fields[Field.PARTY]["initial_option"]["value"] == f"party:{dmv}"
    assert fields[Field.KIND]["initial_option"]["value"] == "call"
    assert fields[Field.WHEN]["initial_date_time"] == int(float(message["ts"]))
    assert "the portal is down again" in fields[Field.SUMMARY]["initial_value"]
    assert "<@U2" not in fields[Field.SUMMARY]["initial_value"]  # shown as people read it: "@sam"
    assert fields[Field.PEOPLE]["initial_users"] == ["U2"]
    assert fields[Field.SENTIMENT]["initial_option"]["value"] == "negative"
    assert fields[Field.FOLLOW_UP]["initial_date"] == "2026-12-01"  # next Tuesday
    metadata = json.loads(view["private_metadata"])
    assert metadata["channel_id"] == "C1" and metadata["message_ts"] == message["ts"]
    assert metadata["tz"] == "America/New_York"  # U1's, who used the shortcut
    assert rows(app, Interaction) == []  # opening a form writes nothing


def test_the_channels_usual_party_is_guessed_when_the_text_names_none(app: RunningApp) -> None:
    dot = add_party(app, "DOT")
    add_party(app, "DMV")
    app.command("log DOT call about bridge sensors", channel_id="C5")
    app.command("log DOT email about the invoice", channel_id="C5")
    app.command("log DMV chat about renewals", channel_id="C5")

    message = post(app, "thanks all, see you Monday", channel="C5")
    _, view = open_form(app, Shortcut.LOG_INTERACTION, message, channel="C5")

    assert inputs(view)[Field.PARTY]["initial_option"]["value"] == f"party:{dot}"


def test_a_message_naming_no_known_party_leaves_the_party_to_pick(app: RunningApp) -> None:
    _, view = open_form(app, Shortcut.LOG_INTERACTION, post(app, "Hey team, quick question about invoices"))
    assert "initial_option" not in inputs(view)[Field.PARTY]  # not a made-up party called "Hey team"


def test_raise_issue_opens_a_form_with_the_problem_as_title(app: RunningApp) -> None:
    dmv = add_party(app, "DMV")
    message = post(app, "DMV: not working: renewal emails bounce for field offices. f/u Friday")

    _, view = open_form(app, Shortcut.RAISE_ISSUE, message)

    assert view["callback_id"] == View.ISSUE
    fields = inputs(view)
    assert fields[Field.PARTY]["initial_option"]["value"] == f"party:{dmv}"
    assert fields[Field.TITLE]["initial_value"] == "renewal emails bounce for field offices"
    assert fields[Field.SEVERITY]["initial_option"]["value"] == "medium"
    assert fields[Field.OWNER]["initial_user"] == "U1"
    assert fields[Field.FOLLOW_UP]["initial_date"] == "2026-11-27"  # Friday


def test_party_type_ahead_offers_matches_and_a_new_party(app: RunningApp) -> None:
    dmv = add_party(app, "DMV", "Department of Motor Vehicles")
    dor = add_party(app, "Department of Revenue")
    add_party(app, "Water Board")
    add_party(app, "Department of Secrets", team_id="T2")
    _, view = open_form(app, Shortcut.LOG_INTERACTION, post(app, "hello"))

    answer = app.client.block_suggestion(Field.PARTY, "dep", view=view)
    assert answer.status == 200
    options = answer.json()["options"]
    values = [option["value"] for option in options]
    assert values[:2] == [f"party:{dor}", f"party:{dmv}"]  # names first, then aliases
    assert "Department of Motor Vehicles" in options[1]["text"]["text"]
    assert "Secrets" not in shown(options)  # another workspace's party
    assert values[-1] == "new:dep"

    exact = app.client.block_suggestion(Field.PARTY, "dmv", view=view).json()["options"]
    assert [option["value"] for option in exact] == [f"party:{dmv}"]  # nothing new to offer

    typo = app.client.block_suggestion(Field.PARTY, "DVM", view=view).json()["options"]
    assert typo[0]["value"] == f"party:{dmv}" and typo[-1]["value"] == "new:DVM"

    everyone = app.client.block_suggestion(Field.PARTY, "", view=view).json()["options"]
    assert len(everyone) == 3


# --------------------------------------------------------------------------- saving


def test_submitting_saves_with_a_permalink_replies_in_thread_and_marks_the_message(app: RunningApp) -> None:
    dmv = add_party(app, "DMV")
    message = post(app, EXAMPLE)
    _, view = open_form(app, Shortcut.LOG_INTERACTION, message)

    answer = submit(app, view)
    assert answer.json() == {}  # the modal closes

    [reply] = app.slack.wait_for("chat.postMessage")
    assert reply.ok
    assert reply.params["channel"] == "C1" and reply.params["thread_ts"] == message["ts"]
    assert "DMV" in shown(reply.params) and "call" in shown(reply.params)
    [mark] = app.slack.wait_for("reactions.add")
    assert mark.params["name"] == "memo" and mark.params["timestamp"] == message["ts"]

    [interaction] = rows(app, Interaction)
    assert interaction.party_id == dmv
    assert interaction.source == "shortcut"
    assert (interaction.channel_id, interaction.message_ts) == ("C1", message["ts"])
    assert interaction.permalink == f"https://example.slack.com/archives/C1/p{message['ts'].replace('.', '')}"
    assert interaction.occurred_at == datetime.fromtimestamp(int(float(message["ts"])), UTC)
    assert interaction.people == ["U2"] and interaction.kind == "call" and interaction.sentiment == "negative"
    assert interaction.follow_up_at == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # 09:00 New York
    assert interaction.logged_by == "U1"
    assert [event.action for event in rows(app, AuditEvent)] == ["logged"]
    [nudge] = rows(app, Nudge)  # the follow-up will be nudged
    assert nudge.interaction_id == interaction.id and nudge.due_at == interaction.follow_up_at


def test_corrections_made_in_the_form_are_what_is_saved(app: RunningApp) -> None:
    add_party(app, "DMV")
    message = post(app, EXAMPLE)
    _, view = open_form(app, Shortcut.LOG_INTERACTION, message)

    submit(
        app,
        view,
        **{
            Field.PARTY: {
                "selected_option": {
                    "text": {"type": "plain_text", "text": "➕ New party: Acme"},
                    "value": "new:Acme Cloud",
                }
            },
            Field.KIND: {
                "selected_option": {"text": {"type": "plain_text", "text": "Meeting"}, "value": "meeting"}
            },
            Field.SUMMARY: {"value": "Portal outage review"},
            Field.SENTIMENT: {"selected_option": None},
            Field.FOLLOW_UP: {"selected_date": "2026-12-10"},
        },
    )
    app.slack.wait_for("chat.postMessage")

    [interaction] = rows(app, Interaction)
    party = next(p for p in rows(app, Party) if p.id == interaction.party_id)
    assert party.name == "Acme Cloud"
    assert (interaction.kind, interaction.summary, interaction.sentiment) == (
        "meeting",
        "Portal outage review",
        None,
    )
    assert interaction.follow_up_at == datetime(2026, 12, 10, 14, 0, tzinfo=UTC)
    assert sorted(event.action for event in rows(app, AuditEvent)) == ["created", "logged"]


def test_raising_an_issue_from_a_message(app: RunningApp) -> None:
    add_party(app, "DMV")
    message = post(app, "DMV: not working: renewal emails bounce for field offices")
    _, view = open_form(app, Shortcut.RAISE_ISSUE, message)

    submit(
        app,
        view,
        **{
            Field.SEVERITY: {
                "selected_option": {"text": {"type": "plain_text", "text": "High"}, "value": "high"}
            },
            Field.OWNER: {"selected_user": "U2"},
            Field.FOLLOW_UP: {"selected_date": "2026-11-30"},
        },
    )

    [reply] = app.slack.wait_for("chat.postMessage")
    assert reply.params["thread_ts"] == message["ts"]
    assert "#1" in shown(reply.params) and "renewal emails bounce" in shown(reply.params)
    assert "<@U2>" in shown(reply.params)  # the owner
    app.slack.wait_for("reactions.add")
    [issue] = rows(app, Issue)
    assert (issue.number, issue.severity, issue.owner_id, issue.raised_by) == (1, "high", "U2", "U1")
    assert issue.title == "renewal emails bounce for field offices"
    assert issue.permalink and issue.message_ts == message["ts"] and issue.source == "shortcut"
    assert issue.follow_up_at == datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # 09:00 for U1, who picked it
    [nudge] = rows(app, Nudge)
    assert nudge.issue_id == issue.id and nudge.owner_id == "U2"
    assert nudge.due_at == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # 09:00 for U2, in Los Angeles


@pytest.mark.parametrize(
    ("owner", "account", "said"),
    [("B7", {"is_bot": True}, "is a bot"), ("U8", {"deleted": True}, "is a deactivated account")],
)
def test_a_bot_or_a_deactivated_account_cannot_own_an_issue_raised_with_the_form(
    app: RunningApp, owner: str, account: dict, said: str
) -> None:
    app.slack.add_user(owner, **account)
    add_party(app, "DMV")
    message = post(app, "DMV: not working: renewal emails bounce")
    sent, view = open_form(app, Shortcut.RAISE_ISSUE, message)

    submit(app, view, **{Field.OWNER: {"selected_user": owner}})

    [told] = app.slack.wait_for_response(sent.response_name)
    assert said in shown(told.body) and "Nothing was saved" in shown(told.body)
    assert "renewal emails bounce" in shown(told.body)  # what they wrote, to try again
    assert rows(app, Issue) == [] and rows(app, Nudge) == []
    assert app.slack.calls_to("chat.postMessage") == []


def test_a_thread_reply_is_answered_in_its_thread(app: RunningApp) -> None:
    add_party(app, "DMV")
    parent = post(app, "DMV renewals thread")
    reply_to = app.slack.add_message(
        "C1", message_ts(app, 5), text="DMV call went fine", user="U2", thread_ts=parent["ts"]
    )
    _, view = open_form(app, Shortcut.LOG_INTERACTION, reply_to)
    submit(app, view)

    [reply] = app.slack.wait_for("chat.postMessage")
    assert reply.params["thread_ts"] == parent["ts"]  # the thread, not a thread under the reply
    [interaction] = rows(app, Interaction)
    assert interaction.message_ts == reply_to["ts"]


@pytest.mark.parametrize(
    ("cut_off", "why"),
    [
        ("set_not_in_channel", "I'm not in that channel"),  # a public channel the bot has not joined
        ("set_channel_not_found", "I'm not in that conversation"),  # a private channel, a DM between people
    ],
)
def test_where_the_bot_cannot_reply_the_person_is_told_directly(
    app: RunningApp, cut_off: str, why: str
) -> None:
    add_party(app, "DMV")
    getattr(app.slack, cut_off)("C9")
    message = post(app, EXAMPLE, channel="C9")
    sent, view = open_form(app, Shortcut.LOG_INTERACTION, message, channel="C9")

    submit(app, view)

    [told] = app.slack.wait_for_response(sent.response_name)
    assert told.body["response_type"] == "ephemeral"
    assert "only you see this" in shown(told.body) and why in shown(told.body) and "DMV" in shown(told.body)
    settle(app)
    assert [call.ok for call in app.slack.calls_to("chat.postMessage")] == [False]
    [interaction] = rows(app, Interaction)
    assert interaction.message_ts == message["ts"]
    # Slack gives no permalink for a conversation the bot cannot see; the channel and ts are kept.
    assert (interaction.permalink is None) == (cut_off == "set_channel_not_found")


def test_slack_failing_to_take_the_thread_reply_is_told_to_the_person(app: RunningApp) -> None:
    add_party(app, "DMV")
    message = post(app, EXAMPLE)
    sent, view = open_form(app, Shortcut.LOG_INTERACTION, message)
    # A workspace setting that stops apps posting in that channel.
    app.slack.fail_next("chat.postMessage", error="restricted_action")

    submit(app, view)

    [told] = app.slack.wait_for_response(sent.response_name)
    assert "Slack said `restricted_action`" in shown(told.body) and "DMV" in shown(told.body)
    app.slack.wait_for("reactions.add")  # the mark is still made
    assert len(rows(app, Interaction)) == 1


def test_global_shortcut_opens_a_blank_form_and_confirms_by_dm(app: RunningApp) -> None:
    sent = app.client.global_shortcut(Shortcut.NEW_INTERACTION)
    assert sent.status == 200
    [opened] = app.slack.wait_for("views.open")
    view = opened.response["view"]
    fields = inputs(view)
    assert "initial_option" not in fields[Field.PARTY]
    assert fields[Field.WHEN]["initial_date_time"] == int(app.clock.now().timestamp())
    assert json.loads(view["private_metadata"]) == {"tz": "America/New_York"}

    submit(
        app,
        view,
        **{
            Field.PARTY: {
                "selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": "new:Water Board"}
            },
            Field.SUMMARY: {"value": "Walked the treatment plant with the board"},
            Field.KIND: {
                "selected_option": {"text": {"type": "plain_text", "text": "Visit"}, "value": "visit"}
            },
        },
    )

    [dm] = app.slack.wait_for("chat.postMessage")
    assert dm.params["channel"] == "DU1" and "Water Board" in shown(dm.params)
    [interaction] = rows(app, Interaction)
    assert (interaction.source, interaction.channel_id, interaction.permalink) == ("modal", None, None)
    assert app.slack.calls_to("reactions.add") == []


# --------------------------------------------------------------------------- refusals and failures


def test_bad_input_is_shown_in_the_form_and_nothing_is_written(app: RunningApp) -> None:
    add_party(app, "DMV")
    _, view = open_form(app, Shortcut.LOG_INTERACTION, post(app, EXAMPLE))

    answer = submit(
        app,
        view,
        **{
            Field.SUMMARY: {"value": "   "},
            Field.FOLLOW_UP: {"selected_date": "2026-11-20"},
            Field.WHEN: {"selected_date_time": int((app.clock.now() + timedelta(days=2)).timestamp())},
            Field.PARTY: {"selected_option": None},
        },
    )

    body = answer.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {Field.SUMMARY, Field.FOLLOW_UP, Field.WHEN, Field.PARTY}
    assert "has passed" in body["errors"][Field.FOLLOW_UP]
    settle(app)
    assert rows(app, Interaction) == [] and rows(app, AuditEvent) == []
    assert app.slack.calls_to("chat.postMessage") == []


def test_a_message_captured_twice_shows_the_existing_record(app: RunningApp) -> None:
    add_party(app, "DMV")
    message = post(app, EXAMPLE)
    _, view = open_form(app, Shortcut.LOG_INTERACTION, message)
    submit(app, view)
    app.slack.wait_for("reactions.add")

    _, again = open_form(app, Shortcut.LOG_INTERACTION, message, count=2)

    assert again["callback_id"] == View.ALREADY_CAPTURED
    assert "submit" not in again or again["submit"] is None
    assert "already captured" in shown(again) and "DMV" in shown(again)
    assert len(rows(app, Interaction)) == 1


def test_an_issue_on_a_message_logged_as_an_interaction_is_linked_to_it(app: RunningApp) -> None:
    add_party(app, "DMV")
    message = post(app, EXAMPLE)
    _, view = open_form(app, Shortcut.LOG_INTERACTION, message)
    submit(app, view)
    app.slack.wait_for("reactions.add")

    _, issue_view = open_form(app, Shortcut.RAISE_ISSUE, message, count=2)
    assert issue_view["callback_id"] == View.ISSUE  # another kind of record is not a duplicate
    submit(app, issue_view)
    app.slack.wait_for("chat.postMessage", 2)

    [interaction], [issue] = rows(app, Interaction), rows(app, Issue)
    assert issue.interaction_id == interaction.id


def test_a_message_captured_by_two_people_at_once_saves_once(app: RunningApp) -> None:
    # Two people open the form on one message at the same time: the second save finds the first.
    # (One submission arriving twice is answered without a word: see tests/test_view_once.py.)
    add_party(app, "DMV")
    message = post(app, EXAMPLE)
    _, view = open_form(app, Shortcut.LOG_INTERACTION, message)
    sent = app.client.message_shortcut(Shortcut.LOG_INTERACTION, message, user_id="U2")
    other_view = app.slack.wait_for("views.open", 2)[1].response["view"]
    submit(app, view)
    app.slack.wait_for("reactions.add")

    answer = app.client.view_submission(None, as_shown(other_view), view=other_view, user_id="U2")
    assert answer.status == 200

    [told] = app.slack.wait_for_response(sent.response_name)
    assert "already captured" in shown(told.body)
    assert len(rows(app, Interaction)) == 1


def test_a_party_of_another_workspace_cannot_be_picked(app: RunningApp) -> None:
    other = add_party(app, "DMV", team_id="T1")
    message = post(app, EXAMPLE)
    sent = app.client.message_shortcut(Shortcut.LOG_INTERACTION, message, team_id="T2")
    [opened] = app.slack.wait_for("views.open")
    view = opened.response["view"]
    assert "initial_option" not in inputs(view)[Field.PARTY]  # T1's DMV is not guessed for T2

    forged = {"selected_option": {"text": {"type": "plain_text", "text": "DMV"}, "value": f"party:{other}"}}
    answer = app.client.view_submission(
        None, as_shown(view, **{Field.PARTY: forged}), view=view, team_id="T2"
    )
    assert answer.status == 200

    [told] = app.slack.wait_for_response(sent.response_name)
    assert "no longer exists" in shown(told.body) and "Nothing was saved" in shown(told.body)
    assert rows(app, Interaction, "T1") == [] and rows(app, Interaction, "T2") == []


def test_an_expired_trigger_is_explained_to_the_person(app: RunningApp) -> None:
    app.slack.expire_triggers()
    sent = app.client.message_shortcut(Shortcut.LOG_INTERACTION, post(app, EXAMPLE))

    [told] = app.slack.wait_for_response(sent.response_name)
    assert told.body["response_type"] == "ephemeral"
    assert "use the shortcut again" in shown(told.body)
    [refused] = app.slack.calls_to("views.open")
    assert refused.response["error"] == "expired_trigger_id"


def test_slack_failing_to_open_the_form_is_explained(app: RunningApp) -> None:
    app.slack.fail_next("views.open", status=500, times=3)  # the first try and both retries
    sent = app.client.message_shortcut(Shortcut.RAISE_ISSUE, post(app, EXAMPLE))

    [told] = app.slack.wait_for_response(sent.response_name, timeout=10)
    assert "wouldn't open the form" in shown(told.body)
    assert len(app.slack.calls_to("views.open")) == 3


def test_a_global_shortcut_whose_form_cannot_open_is_told_by_dm(app: RunningApp) -> None:
    app.slack.expire_triggers()
    app.client.global_shortcut(Shortcut.NEW_INTERACTION)

    [dm] = app.slack.wait_for("chat.postMessage")
    assert dm.params["channel"] == "DU1" and "use the shortcut again" in shown(dm.params)


def test_closing_the_form_says_nothing_was_saved(app: RunningApp) -> None:
    sent, view = open_form(app, Shortcut.LOG_INTERACTION, post(app, EXAMPLE))

    closed = app.client.view_closed(None, view=view)
    assert closed.status == 200

    [told] = app.slack.wait_for_response(sent.response_name)
    assert "nothing was saved" in shown(told.body)
    settle(app)
    assert rows(app, Interaction) == []
