"""Checks that the end-to-end harness itself behaves like Slack, so other tests can trust it.

Covers: signatures that slack_sdk's verifier accepts, Slack-shaped Web API answers, failure injection
as slack_sdk sees it, response_url recording, and a real Bolt app over HTTP fed every payload kind
the harness builds (Bolt must parse team, user and channel out of each as it does in production).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from tests.support.fake_slack import FakeSlack
from tests.support.server import serve_in_thread
from tests.support.signing import SlackClient, sign

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as running:
        yield running


@pytest.fixture
def web(fake: FakeSlack) -> WebClient:
    return WebClient(token=TOKEN, base_url=fake.url)


def _build_bolt_app(fake: FakeSlack) -> App:
    """A tiny app whose listeners report what Bolt parsed, so payload shapes are checked by Bolt itself."""
    app = App(signing_secret=SECRET, client=WebClient(token=TOKEN, base_url=fake.url))

    @app.command("/brm")
    def on_command(ack: Any, respond: Any, command: dict, context: Any) -> None:
        ack()
        respond(f"got {command['text']} from {context.user_id} in {context.team_id}/{context.channel_id}")

    @app.event("reaction_added")
    def on_reaction(event: dict, client: WebClient, context: Any) -> None:
        client.chat_postMessage(
            channel=event["item"]["channel"],
            text=f"{context.user_id} {event['reaction']} {event['item']['ts']} team={context.team_id}",
        )

    @app.shortcut("log_interaction")
    def on_shortcut(ack: Any, shortcut: dict, client: WebClient, context: Any) -> None:
        ack()
        client.views_open(
            trigger_id=shortcut["trigger_id"],
            view={
                "type": "modal",
                "callback_id": "log_interaction",
                "private_metadata": f"{context.channel_id}:{shortcut['message']['ts']}",
                "title": {"type": "plain_text", "text": "Log"},
                "submit": {"type": "plain_text", "text": "Save"},
                "blocks": [
                    {
                        "type": "input",
                        "block_id": "summary",
                        "element": {"type": "plain_text_input", "action_id": "text"},
                        "label": {"type": "plain_text", "text": "Summary"},
                    }
                ],
            },
        )

    @app.view("log_interaction")
    def on_submit(ack: Any, view: dict, context: Any) -> None:
        summary = view["state"]["values"]["summary"]["text"]["value"]
        if not summary:
            ack(response_action="errors", errors={"summary": "Say what happened"})
            return
        ack()

    @app.action("close_issue")
    def on_button(ack: Any, body: dict, action: dict, respond: Any, context: Any) -> None:
        ack()
        respond(f"{action['value']} by {context.user_id} in {context.channel_id} ts={body['message']['ts']}")

    @app.options("party_search")
    def on_options(ack: Any, payload: dict, context: Any) -> None:
        label = f"{payload['value']} in {context.team_id}"
        ack(options=[{"text": {"type": "plain_text", "text": label}, "value": "p1"}])

    @app.action("pick_party")
    def on_pick(ack: Any, body: dict, action: dict, client: WebClient) -> None:
        ack()
        view = body["view"]
        client.views_update(
            view_id=view["id"],
            hash=view["hash"],
            view={
                "type": "modal",
                "title": view["title"],
                "blocks": view["blocks"],
                "private_metadata": action["selected_option"]["value"],
            },
        )

    return app


@pytest.fixture
def slack(fake: FakeSlack) -> Iterator[SlackClient]:
    """The tiny Bolt app served over real HTTP by waitress, and a SlackClient aimed at it."""
    url, stop = serve_in_thread(SlackRequestHandler(_build_bolt_app(fake)))
    try:
        yield SlackClient(url, SECRET, fake)
    finally:
        stop()


# ---------------------------------------------------------------------- signing


def test_signature_is_accepted_by_slack_sdk_verifier() -> None:
    body = "token=x&team_id=T1&text=log+DMV"
    headers = sign(body, SECRET)
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid(
        body=body,
        timestamp=headers["X-Slack-Request-Timestamp"],
        signature=headers["X-Slack-Signature"],
    )
    assert not SignatureVerifier("other-secret").is_valid(
        body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]
    )


def test_signature_matches_slacks_documented_example() -> None:
    # The worked example from Slack's "Verifying requests from Slack" guide.
    body = (
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
        "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
        "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
        "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    )
    headers = sign(body, "8f742231b10e8888abcd99yyyzzz85a5", timestamp=1531420618)
    assert headers == {
        "X-Slack-Request-Timestamp": "1531420618",
        "X-Slack-Signature": "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
    }


# ---------------------------------------------------------------------- Web API shapes


def test_web_client_gets_slack_shaped_answers(fake: FakeSlack, web: WebClient) -> None:
    fake.add_user("U1", tz="America/Chicago", name="jane", real_name="Jane Doe")

    auth = web.auth_test()
    assert (auth["team_id"], auth["user_id"], auth["bot_id"]) == ("T1", "UBOT", "BBOT")
    assert auth["is_enterprise_install"] is False

    user = web.users_info(user="U1")["user"]
    assert (user["id"], user["name"], user["real_name"], user["tz"]) == (
        "U1",
        "jane",
        "Jane Doe",
        "America/Chicago",
    )
    assert user["tz_offset"] in (-6 * 3600, -5 * 3600)
    assert user["tz_label"].startswith("Central")
    assert user["profile"]["display_name"] == "jane" and user["is_bot"] is False
    with pytest.raises(SlackApiError) as unknown:
        web.users_info(user="U404")
    assert unknown.value.response["error"] == "user_not_found"

    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*due*"}}]
    first = web.chat_postMessage(channel="C1", text="due", blocks=blocks)
    second = web.chat_postMessage(channel="C1", text="again")
    assert first["ts"] == "1764150000.000100" and second["ts"] == "1764150000.000200"
    assert first["channel"] == "C1" and first["message"]["blocks"] == blocks
    assert fake.calls_to("chat.postMessage")[0].params["blocks"] == blocks
    assert fake.calls_to("chat.postMessage")[0].token == TOKEN
    assert web.chat_postMessage(channel="U1", text="dm")["channel"] == "DU1"

    link = web.chat_getPermalink(channel="C1", message_ts=first["ts"])
    assert link["permalink"] == "https://example.slack.com/archives/C1/p1764150000000100"

    updated = web.chat_update(channel="C1", ts=first["ts"], text="closed by <@U1>")
    assert (updated["ts"], updated["text"]) == (first["ts"], "closed by <@U1>")
    assert fake.message("C1", first["ts"])["text"] == "closed by <@U1>"

    web.reactions_add(channel="C1", timestamp=first["ts"], name="white_check_mark")
    with pytest.raises(SlackApiError) as again:
        web.reactions_add(channel="C1", timestamp=first["ts"], name="white_check_mark")
    assert again.value.response["error"] == "already_reacted"
    assert web.conversations_open(users="U1")["channel"]["id"] == "DU1"
    assert web.chat_postEphemeral(channel="C1", user="U1", text="psst")["message_ts"]


def test_channel_membership_and_existence(fake: FakeSlack, web: WebClient) -> None:
    fake.set_not_in_channel("C9")
    fake.set_channel_not_found("C8")
    with pytest.raises(SlackApiError) as not_in:
        web.chat_postMessage(channel="C9", text="hi")
    assert not_in.value.response["error"] == "not_in_channel"
    assert web.conversations_info(channel="C9")["channel"]["is_member"] is False
    web.conversations_join(channel="C9")
    assert web.chat_postMessage(channel="C9", text="hi")["ok"]
    with pytest.raises(SlackApiError) as missing:
        web.chat_postMessage(channel="C8", text="hi")
    assert missing.value.response["error"] == "channel_not_found"


def test_views_and_trigger_ids(fake: FakeSlack, web: WebClient) -> None:
    view = {"type": "modal", "callback_id": "cb", "title": {"type": "plain_text", "text": "T"}, "blocks": []}
    opened = web.views_open(trigger_id="1.2.abc", view=view)["view"]
    assert opened["id"].startswith("V") and opened["callback_id"] == "cb" and opened["hash"]
    assert fake.wait_for("views.open")[0].params["view"]["callback_id"] == "cb"
    with pytest.raises(SlackApiError) as reused:
        web.views_open(trigger_id="1.2.abc", view=view)
    assert reused.value.response["error"] == "expired_trigger_id"

    updated = web.views_update(view_id=opened["id"], view={**view, "callback_id": "cb2"}, hash=opened["hash"])
    assert updated["view"]["callback_id"] == "cb2"
    with pytest.raises(SlackApiError) as stale:
        web.views_update(view_id=opened["id"], view=view, hash=opened["hash"])
    assert stale.value.response["error"] == "hash_conflict"

    fake.expire_triggers()
    with pytest.raises(SlackApiError) as expired:
        web.views_open(trigger_id="fresh", view=view)
    assert expired.value.response["error"] == "expired_trigger_id"


def test_reset_returns_to_a_fresh_fake(fake: FakeSlack, web: WebClient) -> None:
    fake.add_user("U1")
    fake.set_not_in_channel("C9")
    fake.fail_next("auth.test", error="invalid_auth")
    web.chat_postMessage(channel="C1", text="before")
    fake.reset()
    assert fake.calls == [] and fake.user("U1") is None and fake.user("UBOT") is not None
    assert web.chat_postMessage(channel="C9", text="after")["ts"] == "1764150000.000100"
    assert web.auth_test()["ok"]


def test_form_encoded_calls_and_unknown_methods(fake: FakeSlack) -> None:
    web = WebClient(token=TOKEN, base_url=fake.url)
    # api_call with params sends a form body; blocks arrive as a JSON string and are parsed.
    web.api_call("chat.postMessage", params={"channel": "C1", "blocks": '[{"type": "divider"}]'})
    assert fake.calls_to("chat.postMessage")[0].params["blocks"] == [{"type": "divider"}]
    assert web.api_call("team.info")["ok"] is True
    assert [c.method for c in fake.calls] == ["chat.postMessage", "team.info"]
    fake.reset()
    assert fake.calls == []


# ---------------------------------------------------------------------- failure injection


def test_429_injection_reaches_slack_sdk_with_retry_after(fake: FakeSlack, web: WebClient) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=2)
    with pytest.raises(SlackApiError) as limited:
        web.chat_postMessage(channel="C1", text="x")
    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "2"
    assert limited.value.response["error"] == "ratelimited"
    assert web.chat_postMessage(channel="C1", text="x")["ok"]  # only the next call fails
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [429, 200]


def test_500_and_error_injection(fake: FakeSlack, web: WebClient) -> None:
    fake.fail_next("chat.update", status=500)
    with pytest.raises(SlackApiError) as broken:
        web.chat_update(channel="C1", ts="1.2", text="x")
    assert broken.value.response.status_code == 500

    fake.fail_next("chat.postMessage", error="channel_not_found", times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as failed:
            web.chat_postMessage(channel="C1", text="x")
        assert failed.value.response.status_code == 200
        assert failed.value.response["error"] == "channel_not_found"
    assert web.chat_postMessage(channel="C1", text="x")["ok"]


def test_per_channel_rate_limit_and_latency(fake: FakeSlack, web: WebClient) -> None:
    fake.rate_limit_per_channel(per_second=1.0)
    web.chat_postMessage(channel="C1", text="one")
    with pytest.raises(SlackApiError) as limited:
        web.chat_postMessage(channel="C1", text="two")
    assert limited.value.response.status_code == 429
    assert int(limited.value.response.headers["Retry-After"]) >= 1
    assert web.chat_postMessage(channel="C2", text="other channel")["ok"]

    fake.latency = 0.2
    started = time.perf_counter()
    web.auth_test()
    assert time.perf_counter() - started >= 0.2


def test_wait_for_times_out_with_a_helpful_dump(fake: FakeSlack, web: WebClient) -> None:
    web.chat_postMessage(channel="C1", text="only this")
    with pytest.raises(AssertionError) as timed_out:
        fake.wait_for("chat.update", timeout=0.2)
    assert "chat.update" in str(timed_out.value) and "only this" in str(timed_out.value)


def test_response_url_records_posts(fake: FakeSlack) -> None:
    url = fake.response_url("x")
    answer = WebhookClient(url).send(text="hello", response_type="ephemeral")
    assert answer.status_code == 200 and answer.body == "ok"
    [post] = fake.wait_for_response("x")
    assert post.body == {"text": "hello", "response_type": "ephemeral"}
    assert fake.response_posts("other") == []


# ---------------------------------------------------------------------- a real Bolt app over HTTP


def test_signed_command_is_acked_and_respond_reaches_response_url(
    slack: SlackClient, fake: FakeSlack
) -> None:
    fake.add_user("U1", name="jane")
    sent = slack.command("list", channel_id="C7", team_id="T2")
    assert sent.status == 200 and sent.elapsed < 3
    status, body, elapsed = sent  # also unpacks as a plain tuple
    assert (status, elapsed) == (sent.status, sent.elapsed) and body == sent.body
    [reply] = fake.wait_for_response(sent.response_name)
    assert reply.body["text"] == "got list from U1 in T2/C7"
    assert fake.calls_to("auth.test"), "Bolt verifies its token against the fake at start-up"


def test_forged_and_stale_signatures_are_refused(slack: SlackClient, fake: FakeSlack) -> None:
    forged = SlackClient(slack.events_url, "not-the-secret", fake)
    assert forged.command("list").status == 401
    slack.timestamp = int(time.time()) - 10 * 60  # Bolt refuses requests older than five minutes
    assert slack.command("list").status == 401
    assert slack.raw("token=x&command=%2Fbrm", {"X-Slack-Signature": "v0=00"}).status == 401
    assert fake.responses == []


def test_event_envelope_is_parsed_by_bolt(slack: SlackClient, fake: FakeSlack) -> None:
    sent = slack.reaction_added("U1", "white_check_mark", "C1", "1764150000.000100", team_id="T1")
    assert sent.status == 200
    [post] = fake.wait_for("chat.postMessage")
    assert post.params["text"] == "U1 white_check_mark 1764150000.000100 team=T1"
    retried = slack.event(sent.payload["event"], event_id=sent.payload["event_id"], retry_num=1)
    assert retried.status == 200


def test_message_shortcut_opens_a_modal_and_submission_is_validated(
    slack: SlackClient, fake: FakeSlack
) -> None:
    message = fake.add_message("C1", text="DMV portal is down again", user="U2")
    sent = slack.message_shortcut("log_interaction", message, channel_id="C1")
    assert sent.status == 200
    [opened] = fake.wait_for("views.open")
    assert opened.params["trigger_id"] == sent.trigger_id
    view = opened.response["view"]
    assert view["private_metadata"] == f"C1:{message['ts']}"

    empty = slack.view_submission(None, {"summary": {"text": ""}}, view=view)
    assert empty.status == 200
    assert empty.json() == {"response_action": "errors", "errors": {"summary": "Say what happened"}}
    ok = slack.view_submission(None, {"summary": {"text": "met Jane"}}, view=view)
    assert (ok.status, ok.body) == (200, "")


def test_block_action_on_a_posted_message(slack: SlackClient, fake: FakeSlack, web: WebClient) -> None:
    blocks = [
        {
            "type": "actions",
            "block_id": "nudge",
            "elements": [
                {
                    "type": "button",
                    "action_id": "close_issue",
                    "text": {"type": "plain_text", "text": "Close"},
                    "value": "12",
                }
            ],
        }
    ]
    posted = web.chat_postMessage(channel="C3", text="Follow up due", blocks=blocks)
    sent = slack.block_action("close_issue", "12", message_ts=posted["ts"], channel_id="C3", user_id="U5")
    assert sent.status == 200
    assert sent.payload["actions"][0]["block_id"] == "nudge"
    [reply] = fake.wait_for_response(sent.response_name)
    assert reply.body["text"] == f"12 by U5 in C3 ts={posted['ts']}"


def test_select_in_a_modal_suggestions_and_view_update(
    slack: SlackClient, fake: FakeSlack, web: WebClient
) -> None:
    select = {
        "type": "section",
        "block_id": "party",
        "text": {"type": "mrkdwn", "text": "Party"},
        "accessory": {"type": "external_select", "action_id": "party_search"},
    }
    picker = {
        "type": "actions",
        "block_id": "pick",
        "elements": [{"type": "static_select", "action_id": "pick_party", "options": []}],
    }
    view = {"type": "modal", "title": {"type": "plain_text", "text": "Party"}, "blocks": [select, picker]}
    opened = web.views_open(trigger_id=slack.new_trigger_id(), view=view)["view"]

    suggested = slack.block_suggestion("party_search", "DM", view=opened)
    assert suggested.status == 200
    assert suggested.payload["block_id"] == "party"
    assert suggested.json()["options"][0]["text"]["text"] == "DM in T1"

    picked = slack.block_action("pick_party", "p1", action_type="static_select", view=opened)
    assert picked.status == 200 and picked.response_name is None  # modals carry no response_url
    [update] = fake.wait_for("views.update")
    assert update.ok, fake.dump()  # the hash Slack sent back matched the open view
    assert update.params["view"]["private_metadata"] == "p1"
