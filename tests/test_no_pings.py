"""Whatever people type, nothing the bot sends to Slack can ping a channel, a user group or a person.

One journey through every surface that echoes people's words (the /brm replies, nudges and their
updates, the digest, the thread reply to a captured message, the Home tab), with broadcast mentions,
user-group and user mentions and links in every field a person can fill, then a scan of everything
that reached the fake Slack. Then every refusal, error and note that quotes what was typed, once for
each kind of token.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.form_fields import Field
from runtime.digest_sender import send_due_digests
from runtime.nudge_sender import sweep_nudges
from slack_api.ids import Shortcut
from tests.conftest import RunningApp
from tests.test_home import open_home
from tests.test_log_command import add_party
from tests.test_shortcuts import open_form, post, submit

# What Slack sends for `@channel`, `@here`, `@everyone`, a user group, a person and a link someone typed.
TOKENS = (
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!subteam^S123|@team>",
    "<@U9PING|pinged>",
    "<https://evil.example/x|click here>",
)
# Any of them still whole in what the bot sent would notify someone (or link where nobody meant to).
# The bot names people it means itself (an owner, who logged it) as `<@U123>`, never with the label
# Slack puts in what was typed: `<@U9PING|` in what was sent is the typed token echoed.
PINGS = ("<!channel>", "<!here>", "<!everyone>", "<!subteam^", "<@U9PING|", "<https://evil.example")
LOUD = " ".join(TOKENS)
# Broadcast words as text: shown with an invisible joiner after the "@", so no client pings for them.
BROADCAST_WORDS = ("@channel", "@here", "@everyone")


def everything_sent(app: RunningApp) -> str:
    """Every Web API call's parameters and every response_url post, as one string to search.

    Text inputs' prefilled values are left out: Slack shows them as editable plain text, never as
    mrkdwn, so nothing in them can notify anyone.
    """
    calls = [_without_input_values(call.params) for call in app.slack.calls]
    replies = [post.body for post in app.slack.responses]
    return json.dumps([calls, replies], ensure_ascii=False)


def _without_input_values(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_input_values(item) for key, item in value.items() if key != "initial_value"}
    if isinstance(value, list):
        return [_without_input_values(item) for item in value]
    return value


def test_broadcast_mentions_typed_anywhere_never_reach_slack_live(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command(f"log DMV call about {LOUD}, tense. not working: {LOUD} portal down. follow up tomorrow")
    app.command(f"issue DMV {LOUD} renewals bounce by Friday high")
    app.command(f"close #2 fixed by {LOUD}")
    app.command(f"list DMV {LOUD}")
    app.command(f"frobnicate {LOUD}")
    app.command(f"party DMV alias {LOUD}")
    app.command(f"party DMV rename {LOUD}")
    app.command(f"party DMV kind {LOUD}")
    app.command(f"party DMV owner {LOUD}")
    app.command(f"party DMV channel {LOUD}")
    app.command(f"party {LOUD}")
    app.command(f"party {LOUD} kind vendor")
    app.command(f"party DMV {LOUD}")
    app.command("party DMV alias Motor Vehicles @here & co")
    app.command("party DMV")
    app.command("party")
    app.command("digest on")
    app.command("digest send")
    open_home(app)
    app.slack.wait_for("views.publish")

    message = post(app, f"DMV: {LOUD} the portal is down again. not working: {LOUD} login")
    _, view = open_form(app, Shortcut.RAISE_ISSUE, message)
    submit(app, view)
    app.slack.wait_for("chat.postMessage")  # the thread reply

    app.clock.advance(days=2)
    sweep_nudges(app.brm.services)
    app.clock.advance(days=5)
    send_due_digests(app.brm.services)
    app.brm.close()  # every piece of work after an ack has finished

    sent = everything_sent(app)
    methods = {call.method for call in app.slack.calls}
    assert {"chat.postMessage", "views.open"} <= methods
    posted = " ".join(json.dumps(call.params) for call in app.slack.calls_to("chat.postMessage"))
    assert "Follow-up due" in posted and "Weekly BRM digest" in posted and "raised with DMV" in posted
    assert len(app.slack.responses) >= 18
    assert "portal down" in sent  # the words themselves did reach Slack...
    for ping in (*PINGS, *BROADCAST_WORDS):
        assert ping not in sent  # ...but never as a live mention
    assert "@team" in sent and "@pinged" in sent and "click here (https://evil.example/x)" in sent


# Every command that quotes what was typed back, in a refusal, an error or a note. `{}` is the token;
# none of these reads a mention as the person meant (an owner, a party's owner).
QUOTING = [
    "{}",
    "log DMV call. follow up {}",
    "log DMV call about the portal, the vendor will follow up next blursday {}",
    "log DMV call about it. not working: {}",
    "log {} call about it",
    "log DMV call yesterday. follow up last Monday {}",
    "issue {}",
    "close {}",
    "close #99 {}",
    "close #1 fixed by {}",
    "reopen {}",
    "snooze {}",
    "snooze #1 {}",
    "show {}",
    "list {}",
    "list DMV {}",
    "settings {}",
    "settings holidays {}",
    "settings renudge {}",
    "settings cold {}",
    "digest {}",
    "digest on {}",
    "digest on monday {} DMV",
    "digest cold {}",
    "health {}",
    "party {}",
    "party DMV {}",
    "party DMV kind {}",
    "party DMV channel {}",
    "party DMV unalias {}",
    "follow-ups {}",
    "undo {}",
    "help {}",
]


@pytest.mark.parametrize("token", TOKENS)
def test_refusals_errors_and_notes_show_what_was_typed_as_text(app: RunningApp, token: str) -> None:
    add_party(app, "DMV")
    app.command("issue DMV portal down high")

    for command in QUOTING:
        app.command(command.format(token))
    app.brm.close()

    sent = everything_sent(app)
    assert len(app.slack.responses) == len(QUOTING) + 1
    assert "Sorry" not in sent
    for ping in (*PINGS, *BROADCAST_WORDS):
        assert ping not in sent, (token, _around(sent, ping))


def _around(sent: str, ping: str) -> str:
    at = sent.find(ping)
    return sent[max(0, at - 200) : at + 100]


@pytest.mark.parametrize("token", TOKENS)
def test_a_form_refused_after_its_check_shows_what_it_held_as_text(app: RunningApp, token: str) -> None:
    message = post(app, f"{token} portal down")
    sent, view = open_form(app, Shortcut.LOG_INTERACTION, message)
    gone = {"selected_option": {"text": {"type": "plain_text", "text": token}, "value": "party:999"}}

    submit(app, view, **{Field.PARTY: gone})

    [told] = app.slack.wait_for_response(sent.response_name)
    assert "no longer exists" in json.dumps(told.body)
    sent_all = everything_sent(app)
    for ping in (*PINGS, *BROADCAST_WORDS):
        assert ping not in sent_all, (token, _around(sent_all, ping))
