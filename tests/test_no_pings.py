"""Whatever people type, nothing the bot sends to Slack can ping a channel or a user group.

One journey through every surface that echoes people's words (the /brm replies, nudges and their
updates, the digest, the thread reply to a captured message), with broadcast mentions in every field
a person can fill, then a scan of everything that reached the fake Slack.
"""

from __future__ import annotations

import json
from typing import Any

from handlers.digest_sender import send_due_digests
from handlers.ids import Shortcut
from handlers.nudge_sender import sweep_nudges
from tests.conftest import RunningApp
from tests.test_log_command import add_party
from tests.test_shortcuts import open_form, post, submit

PINGS = ("<!channel>", "<!here>", "<!everyone>", "<!subteam^")
LOUD = "<!channel> <!here> <!everyone> <!subteam^S1|@ops>"


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
    for ping in PINGS:
        assert ping not in sent  # ...but never as a live mention
