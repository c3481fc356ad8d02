"""The weekly digest and `/brm health` end to end: signed slash commands, the digest sweep run with the
clock the test controls, and what reached the fake Slack and the database. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from app import build_app
from bot.text import normalise_name
from runtime.digest_sender import send_due_digests
from storage.db import Database
from storage.models import (
    AuditEvent,
    DigestDelivery,
    DigestSubscription,
    Interaction,
    Issue,
    Party,
    Workspace,
)
from tests.conftest import RunningApp, make_settings
from tests.support.block_kit import problems

# Every button in every message and view these tests make the bot send has an accessibility label.
pytestmark = pytest.mark.usefixtures("every_button_labelled")

# The fixtures' clock starts on Thursday 26 November 2026 at 10:00 in New York; the first Monday
# 09:00 after it is 30 November, 14:00 UTC.
FIRST_MONDAY_9AM_NY = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


def shown(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False)


def add_party(app: RunningApp, name: str, *, team_id: str = "T1", age_days: int = 200) -> int:
    with app.db.workspace(team_id) as session:
        party = Party(
            team_id=team_id,
            name=name,
            name_key=normalise_name(name),
            created_at=app.clock.now() - timedelta(days=age_days),
        )
        session.add(party)
        session.flush()
        return party.id  # type: ignore[return-value]


def add_issue(
    app: RunningApp,
    party_id: int,
    title: str,
    *,
    number: int,
    team_id: str = "T1",
    age_days: float = 1,
    severity: str = "medium",
    owner: str = "U1",
    permalink: str | None = None,
    follow_up_in_days: float | None = None,
    closed_by: str | None = None,
) -> None:
    now = app.clock.now()
    with app.db.workspace(team_id) as session:
        session.add(
            Issue(
                team_id=team_id,
                number=number,
                party_id=party_id,
                title=title,
                severity=severity,
                owner_id=owner,
                raised_by=owner,
                created_at=now - timedelta(days=age_days),
                permalink=permalink,
                follow_up_at=None if follow_up_in_days is None else now + timedelta(days=follow_up_in_days),
                status="closed" if closed_by else "open",
                closed_by=closed_by,
                closed_at=now - timedelta(hours=2) if closed_by else None,
            )
        )


def add_interaction(
    app: RunningApp,
    party_id: int,
    *,
    days_ago: float,
    sentiment: str | None = None,
    team_id: str = "T1",
    permalink: str | None = None,
) -> None:
    with app.db.workspace(team_id) as session:
        session.add(
            Interaction(
                team_id=team_id,
                party_id=party_id,
                occurred_at=app.clock.now() - timedelta(days=days_ago),
                summary=f"talked {days_ago} days ago",
                sentiment=sentiment,
                logged_by="U1",
                permalink=permalink,
            )
        )


def digest_posts(app: RunningApp, channel: str = "C1") -> list:
    """The digests (main messages) that reached the channel."""
    return [
        call
        for call in app.slack.calls_to("chat.postMessage")
        if call.params.get("channel") == channel and call.ok and not call.params.get("thread_ts")
    ]


def thread_posts(app: RunningApp, ts: str, channel: str = "C1") -> list:
    return [
        call
        for call in app.slack.calls_to("chat.postMessage")
        if call.params.get("channel") == channel and call.ok and call.params.get("thread_ts") == ts
    ]


def sweep(app: RunningApp) -> int:
    """What the scheduler does every minute."""
    return send_due_digests(app.brm.services)


def deliveries(app: RunningApp, team_id: str = "T1") -> list[DigestDelivery]:
    with app.db.workspace(team_id) as session:
        return list(session.exec(select(DigestDelivery).order_by(DigestDelivery.week_key)))


def subscription(app: RunningApp, team_id: str = "T1") -> DigestSubscription:
    with app.db.workspace(team_id) as session:
        return session.exec(select(DigestSubscription)).one()


def assert_valid(call) -> None:  # type: ignore[no-untyped-def]
    assert problems(call.params.get("text", ""), call.params.get("blocks") or []) == []


def test_subscribe_confirms_the_schedule_in_the_subscribers_timezone(app: RunningApp) -> None:
    add_party(app, "DMV")
    add_party(app, "DOT")

    reply = app.command("digest on DMV DOT")

    text = shown(reply)
    assert reply["response_type"] == "ephemeral"
    assert "Every Monday at 09:00 (America/New_York) in this channel, for DMV and DOT" in text
    assert "/brm digest off" in text
    with app.db.workspace("T1") as session:
        [subscription] = session.exec(select(DigestSubscription)).all()
        [audit] = session.exec(select(AuditEvent).where(AuditEvent.entity == "digest")).all()
    assert (subscription.channel_id, subscription.weekday, subscription.time_of_day) == ("C1", 0, "09:00")
    assert subscription.timezone == "America/New_York"
    assert len(subscription.party_ids) == 2
    assert subscription.next_due_at == FIRST_MONDAY_9AM_NY
    assert audit.action == "digest_on" and audit.actor_id == "U1"


def test_preview_shows_the_digest_only_to_the_caller(app: RunningApp) -> None:
    dmv = add_party(app, "DMV")
    add_issue(
        app,
        dmv,
        "portal login fails <!channel>",
        number=1,
        age_days=40,
        severity="high",
        permalink="https://example.slack.com/archives/C9/p1764150000000100",
    )
    add_interaction(app, dmv, days_ago=2, sentiment="negative")

    reply = app.command("digest preview")

    text = shown(reply)
    assert reply["response_type"] == "ephemeral"
    assert "What is not working" in text
    link = "<https://example.slack.com/archives/C9/p1764150000000100|#1 portal login fails @\u2060channel>"
    assert link in text
    assert "<!channel>" not in text
    assert "open 40 days" in text and "· jane" in text and "<@U1>" not in text  # named, not pinged
    assert digest_posts(app) == []  # nothing was posted in the channel


def test_on_again_changes_the_schedule_and_reads_the_time_in_the_callers_timezone(app: RunningApp) -> None:
    app.command("digest on")
    reply = app.command("digest on fri 2:30pm", user_id="U2")

    assert "Every Friday at 14:30 (America/Los_Angeles)" in shown(reply)
    sub = subscription(app)
    assert (sub.weekday, sub.time_of_day, sub.timezone, sub.party_ids) == (
        4,
        "14:30",
        "America/Los_Angeles",
        [],
    )
    # Friday 27 November 14:30 in Los Angeles is 22:30 UTC.
    assert sub.next_due_at == datetime(2026, 11, 27, 22, 30, tzinfo=UTC)
    with app.db.workspace("T1") as session:
        actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == ["digest_on", "digest_changed"]


def test_bad_digest_input_gets_an_example_and_writes_nothing(app: RunningApp) -> None:
    add_party(app, "DMV")

    unknown_party = shown(app.command("digest on monday 9am DMV Atlantis"))
    bad_time = shown(app.command("digest on monday 25:00"))
    bad_action = shown(app.command("digest weekly"))

    assert (
        "I don't know a party called “Atlantis”" in unknown_party and "Parties I know: DMV" in unknown_party
    )
    assert "/brm digest on monday 9:00 DMV DOT" in unknown_party
    assert "“25:00” isn't a time of day" in bad_time
    assert "takes on, off, preview, send or cold" in bad_action
    with app.db.workspace("T1") as session:
        assert session.exec(select(DigestSubscription)).all() == []
        assert session.exec(select(AuditEvent)).all() == []


def test_send_posts_the_digest_in_the_channel_now(app: RunningApp) -> None:
    dmv = add_party(app, "DMV")
    add_issue(app, dmv, "renewal emails bounce", number=1)

    reply = app.command("digest send", channel_id="C7")

    assert "Posted the digest" in shown(reply)
    [post] = digest_posts(app, "C7")
    assert_valid(post)
    assert "renewal emails bounce" in shown(post.params)


def test_send_where_the_bot_is_not_a_member_says_how_to_invite_it(app: RunningApp) -> None:
    app.slack.set_not_in_channel("C7")

    reply = shown(app.command("digest send", channel_id="C7"))

    assert "I'm not in this channel" in reply and "/invite @brm-bot" in reply
    assert digest_posts(app, "C7") == []


def test_the_sweep_posts_on_monday_at_nine_in_the_subscribers_timezone_once(app: RunningApp) -> None:
    dmv = add_party(app, "DMV")
    add_issue(app, dmv, "portal login fails", number=1, age_days=3)
    app.command("digest on")

    app.clock.set(FIRST_MONDAY_9AM_NY - timedelta(minutes=1))
    assert sweep(app) == 0
    assert digest_posts(app) == []

    app.clock.set(FIRST_MONDAY_9AM_NY)
    assert sweep(app) == 1
    assert sweep(app) == 0
    app.clock.advance(hours=3)
    assert sweep(app) == 0

    [post] = digest_posts(app)
    assert_valid(post)
    assert "portal login fails" in shown(post.params)
    assert post.params["metadata"]["event_type"] == "brm_digest"
    [delivery] = deliveries(app)
    assert (delivery.week_key, delivery.status, delivery.message_ts) == (
        "2026-W49",
        "sent",
        post.response["ts"],
    )
    assert subscription(app).next_due_at == FIRST_MONDAY_9AM_NY + timedelta(days=7)

    app.clock.set(FIRST_MONDAY_9AM_NY + timedelta(days=7))
    assert sweep(app) == 1
    assert [d.week_key for d in deliveries(app)] == ["2026-W49", "2026-W50"]


def test_two_app_processes_on_one_database_post_one_digest(app: RunningApp) -> None:
    app.command("digest on")
    url = app.db.engine.url.render_as_string(hide_password=False)
    other_db = Database.from_url(url)
    other = build_app(make_settings(app.slack), clock=app.clock, db=other_db)
    app.clock.set(FIRST_MONDAY_9AM_NY + timedelta(seconds=5))
    start = threading.Barrier(4)
    results: list[int] = []

    def run(services) -> None:  # type: ignore[no-untyped-def]
        start.wait()
        results.append(send_due_digests(services))

    try:
        threads = [
            threading.Thread(target=run, args=(services,))
            for services in (app.brm.services, other.services, app.brm.services, other.services)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        other.close()
        other_db.dispose()

    assert sorted(results) == [0, 0, 0, 1]
    assert len(digest_posts(app)) == 1
    assert [(d.week_key, d.status) for d in deliveries(app)] == [("2026-W49", "sent")]


def test_weeks_missed_while_the_app_was_down_make_one_late_digest(app: RunningApp) -> None:
    app.command("digest on")

    # Down from before the first Monday until Wednesday two weeks later.
    app.clock.set(FIRST_MONDAY_9AM_NY + timedelta(days=16))
    assert sweep(app) == 1
    assert sweep(app) == 0

    assert len(digest_posts(app)) == 1
    assert [(d.week_key, d.status) for d in deliveries(app)] == [("2026-W51", "sent")]
    assert subscription(app).next_due_at == FIRST_MONDAY_9AM_NY + timedelta(days=21)


def test_off_stops_the_digest(app: RunningApp) -> None:
    app.command("digest on")
    reply = shown(app.command("digest off"))
    again = shown(app.command("digest off"))

    app.clock.set(FIRST_MONDAY_9AM_NY + timedelta(hours=1))
    assert sweep(app) == 0
    assert digest_posts(app) == []
    assert "is off in this channel" in reply
    assert "nothing to turn off" in again
    sub = subscription(app)
    assert (sub.active, sub.next_due_at) == (False, None)


def add_a_big_week(app: RunningApp) -> None:
    """220 parties with 660 open issues: more than one Slack message can hold."""
    now = app.clock.now()
    with app.db.workspace("T1") as session:
        parties = [
            Party(team_id="T1", name=f"Agency {n:03d}", name_key=f"agency {n:03d}", created_at=now)
            for n in range(220)
        ]
        session.add_all(parties)
        session.flush()
        session.add_all(
            Issue(
                team_id="T1",
                number=n + 1,
                party_id=parties[n % len(parties)].id,
                title=f"problem {n} " + "with a long explanation " * 20,
                owner_id="U1",
                raised_by="U1",
                created_at=now - timedelta(days=n % 50),
                permalink=f"https://example.slack.com/archives/C9/p{1764150000000100 + n}",
            )
            for n in range(660)
        )


def test_a_big_digest_is_summarised_and_continued_in_its_thread(app: RunningApp) -> None:
    add_a_big_week(app)
    app.command("digest on")
    app.clock.set(FIRST_MONDAY_9AM_NY)

    assert sweep(app) == 1

    [main] = digest_posts(app)
    thread = thread_posts(app, main.response["ts"])
    assert len(thread) >= 2
    for call in (main, *thread):
        assert_valid(call)
    assert "more in the thread" in shown(main.params)
    everything = shown([call.params["blocks"] for call in (main, *thread)])
    assert "Agency 000" in everything and "Agency 219" in everything
    assert deliveries(app)[0].last_error is None


def test_the_preview_of_a_big_digest_shows_its_thread_too(app: RunningApp) -> None:
    add_a_big_week(app)
    sent = app.client.command("digest preview")
    assert sent.status == 200
    app.brm.close()  # waits for the work after the ack: every part has been posted
    [main, *parts] = app.slack.response_posts(sent.response_name)
    # The note says how long the thread is; a response_url takes the main message and 4 more posts.
    said = re.search(r"continues in a thread of (\d+) more message", shown(main.body))
    assert said is not None, shown(main.body)
    assert int(said[1]) >= 2  # a big digest: the thread has more than one part
    assert len(parts) == min(int(said[1]), 4)
    assert all(post.body["response_type"] == "ephemeral" for post in (main, *parts))
    assert "Posted, it continues in a thread of" in shown(main.body)
    assert "Preview, thread part 1 of " in shown(parts[0].body)
    everything = shown([post.body["blocks"] for post in (main, *parts)])
    assert "Agency 000" in everything
    assert digest_posts(app) == []  # nothing posted in the channel


def test_a_quiet_week_is_a_short_all_clear(app: RunningApp) -> None:
    dmv = add_party(app, "DMV")
    add_interaction(app, dmv, days_ago=3, sentiment="positive")

    reply = app.command("digest preview")

    assert "All clear this week" in shown(reply)
    assert len(reply["blocks"]) <= 4


def test_health_shows_one_partys_colour_reasons_interactions_and_issues(app: RunningApp) -> None:
    dmv = add_party(app, "DMV")
    add_party(app, "DOT")
    for number in (1, 2, 3):
        add_issue(app, dmv, f"stale problem {number}", number=number, age_days=35 + number)
    # Positive two months ago and more, negative since, and nothing in the last 45 days.
    add_interaction(app, dmv, days_ago=80, sentiment="positive")
    add_interaction(app, dmv, days_ago=70, sentiment="positive")
    add_interaction(app, dmv, days_ago=46, sentiment="negative")
    with app.db.workspace("T1") as session:
        session.add(
            Interaction(
                team_id="T1",
                party_id=dmv,
                occurred_at=app.clock.now() - timedelta(days=45, hours=1),
                summary="tense call about the outage",
                sentiment="negative",
                logged_by="U1",
                permalink="https://example.slack.com/archives/C9/p1764150000000900",
            )
        )

    reply = app.command("health dmv")

    text = shown(reply)
    expected = "red*: 3 issues open for more than 30 days, no contact in 45 days, sentiment falling"
    assert f":red_circle: *{expected}" in text
    assert "stale problem 1" in text and "stale problem 3" in text
    assert "<https://example.slack.com/archives/C9/p1764150000000900|tense call about the outage>" in text
    assert "Open issues (3)" in text

    overview = shown(app.command("health"))
    assert overview.index("DMV") < overview.index("DOT")  # worst first


def test_health_of_a_slack_token_is_not_a_guess_at_a_party(app: RunningApp) -> None:
    add_party(app, "Office of Channel Partners")
    text = shown(app.command("health <!channel>"))
    assert "I don't know a party called" in text and "Office of Channel Partners" in text
    assert "<!channel>" not in text
    missing = shown(app.command("health Atlantis"))
    assert "I don't know a party called “Atlantis”" in missing and "/brm health DMV" in missing


def test_workspaces_never_see_each_others_digest(app: RunningApp) -> None:
    ours = add_party(app, "DMV")
    theirs = add_party(app, "Secret Agency", team_id="T2")
    add_issue(app, ours, "our problem", number=1)
    add_issue(app, theirs, "their secret problem", number=1, team_id="T2")
    app.command("digest on")
    app.command("digest on", team_id="T2", channel_id="C2")

    preview = shown(app.command("digest preview"))
    health = shown(app.command("health Secret Agency"))
    app.clock.set(FIRST_MONDAY_9AM_NY)
    assert sweep(app) == 2

    assert "our problem" in preview and "their secret problem" not in preview
    assert "I don't know a party called" in health
    [ours_post] = digest_posts(app, "C1")
    [theirs_post] = digest_posts(app, "C2")
    assert "their secret" not in shown(ours_post.params) and "our problem" not in shown(theirs_post.params)
    assert "their secret problem" in shown(theirs_post.params)


def test_a_post_whose_answer_was_lost_is_not_posted_again(app: RunningApp) -> None:
    app.command("digest on")
    app.slack.lose_next_answer("chat.postMessage")
    app.clock.set(FIRST_MONDAY_9AM_NY)

    assert sweep(app) == 1
    app.clock.advance(minutes=10)
    assert sweep(app) == 0

    posted = [
        m for m in app.slack.messages.values() if m.get("metadata", {}).get("event_type") == "brm_digest"
    ]
    assert len(posted) == 1
    [delivery] = deliveries(app)
    assert delivery.status == "sent" and delivery.message_ts == posted[0]["ts"]


def test_a_failed_post_is_tried_again_and_goes_out_once(app: RunningApp) -> None:
    app.command("digest on")
    app.slack.fail_next("chat.postMessage", status=500)
    app.clock.set(FIRST_MONDAY_9AM_NY)

    assert sweep(app) == 0
    assert [(d.status, d.last_error) for d in deliveries(app)] == [("retry", "internal_error")]
    app.clock.advance(minutes=5)
    assert sweep(app) == 1
    assert sweep(app) == 0

    assert len(digest_posts(app)) == 1
    assert [d.status for d in deliveries(app)] == ["sent"]


def test_a_channel_the_bot_cannot_post_to_is_reported_to_the_subscriber(app: RunningApp) -> None:
    app.command("digest on", channel_id="C7")
    app.slack.set_not_in_channel("C7")
    app.clock.set(FIRST_MONDAY_9AM_NY)

    assert sweep(app) == 0
    assert sweep(app) == 0

    [dm] = [c for c in app.slack.calls_to("chat.postMessage") if c.params["channel"] == "U1"]
    assert (
        "couldn't post this week's BRM digest" in dm.params["text"]
        and "/invite @brm-bot" in dm.params["text"]
    )
    assert [(d.status, d.last_error) for d in deliveries(app)] == [("failed", "not_in_channel")]
    assert subscription(app).next_due_at == FIRST_MONDAY_9AM_NY + timedelta(days=7)


def test_a_claim_left_by_a_crashed_process_is_taken_over_later(app: RunningApp) -> None:
    app.command("digest on")
    sub = subscription(app)
    app.clock.set(FIRST_MONDAY_9AM_NY + timedelta(minutes=1))
    with app.db.workspace("T1") as session:
        session.add(
            DigestDelivery(
                team_id="T1",
                subscription_id=sub.id,
                week_key="2026-W49",
                status="sending",
                claimed_by="a-process-that-died",
                claimed_at=FIRST_MONDAY_9AM_NY,
            )
        )

    assert sweep(app) == 0  # the claim may still be alive
    app.clock.advance(minutes=20)
    assert sweep(app) == 1

    assert len(digest_posts(app)) == 1
    [delivery] = deliveries(app)
    assert delivery.status == "sent" and delivery.claimed_by != "a-process-that-died"


def test_on_warns_when_the_bot_is_not_in_the_channel_and_status_says_what_the_channel_gets(
    app: RunningApp,
) -> None:
    app.slack.set_not_in_channel("C7")

    reply = shown(app.command("digest on tue 8am", channel_id="C7"))
    status = shown(app.command("digest", channel_id="C7"))
    elsewhere = shown(app.command("digest", channel_id="C8"))

    assert "I'm not in this channel yet" in reply and "/invite @brm-bot" in reply
    assert "every Tuesday at 08:00 (America/New_York), for every party" in status
    assert "This channel gets no weekly digest" in elsewhere


def test_the_workspace_chooses_when_a_relationship_goes_cold(app: RunningApp) -> None:
    dmv = add_party(app, "DMV")
    add_interaction(app, dmv, days_ago=40)
    assert "Going cold" in shown(app.command("digest preview"))

    reply = shown(app.command("digest cold 45"))
    refused = shown(app.command("digest cold soon"))

    assert "go cold after 45 days without contact (it was 30)" in reply
    assert "from 1 to 365" in refused and "/brm digest cold 45" in refused
    assert "All clear this week" in shown(app.command("digest preview"))
    with app.db.workspace("T1") as session:
        [audit] = session.exec(select(AuditEvent).where(AuditEvent.entity == "workspace")).all()
    assert (audit.action, audit.detail["cold_after_days"], audit.detail["was"]) == (
        "cold_after_changed",
        45,
        30,
    )


def test_an_issue_opened_and_closed_this_week_is_said_once_as_better(app: RunningApp) -> None:
    dmv = add_party(app, "DMV")
    add_issue(app, dmv, "printer queue stuck", number=1, age_days=2, closed_by="U2")  # in and out
    add_issue(app, dmv, "portal login fails", number=2, age_days=3)  # opened, still open
    add_issue(app, dmv, "old invoices rejected", number=3, age_days=20, closed_by="U1")  # old, closed

    reply = app.command("digest send", channel_id="C7")
    assert "Posted the digest" in shown(reply)
    [post] = digest_posts(app, "C7")
    assert_valid(post)
    sections = [b["text"]["text"] for b in post.params["blocks"] if b["type"] == "section"]
    [worse] = [s for s in sections if "Got worse: opened this week" in s]
    [better] = [s for s in sections if "Got better: closed this week" in s]
    assert "portal login fails" in worse and "printer queue stuck" not in worse
    assert shown(post.params).count("printer queue stuck") == 1
    assert "printer queue stuck" in better and "opened this week, closed by sam" in better
    assert "old invoices rejected" in better and "· closed by jane" in better
    # The summary still counts both issues opened this week, and both closed.
    assert "2 opened, 2 closed this week" in shown(post.params)
    assert "1 opened this week" not in post.params["text"] and "2 opened this week" in post.params["text"]


def test_the_digest_names_people_without_a_ping_unless_the_workspace_turns_mentions_on(
    app: RunningApp,
) -> None:
    dmv = add_party(app, "DMV")
    add_issue(app, dmv, "portal login fails", number=1, owner="U2", age_days=3)
    add_issue(app, dmv, "printer queue stuck", number=2, owner="U1", age_days=20, closed_by="U2")

    app.command("digest send", channel_id="C7")
    [first] = digest_posts(app, "C7")
    posted = shown(first.params)
    assert "<@" not in posted  # nobody is notified by the weekly post
    assert "· sam" in posted and "closed by sam" in posted

    assert "*digest-mentions*: off" in shown(app.command("settings"))
    answer = shown(app.command("settings digest-mentions on"))
    assert "@-mentions the people it names" in answer and "*digest-mentions*: on" in answer
    app.command("digest send", channel_id="C7")
    second = digest_posts(app, "C7")[1]
    assert "<@U2>" in shown(second.params) and "closed by <@U2>" in shown(second.params)
    with app.db.workspace("T1") as session:
        [change] = session.exec(select(AuditEvent).where(AuditEvent.action == "settings_changed")).all()
    assert (change.detail["setting"], change.detail["value"], change.detail["was"]) == (
        "digest_mentions",
        True,
        False,
    )
    # Display names come from the user directory, looked up once and cached.
    assert [c.params.get("user") for c in app.slack.calls_to("users.info")].count("U2") == 1

    app.command("settings digest-mentions off")
    app.command("digest preview")
    assert "<@" not in shown(app.slack.responses[-1].body)


def test_a_bad_digest_mentions_value_gets_its_example_and_changes_nothing(app: RunningApp) -> None:
    answer = shown(app.command("settings digest-mentions loud"))
    assert "Say `on`" in answer and "*Try:* `/brm settings digest-mentions on`" in answer
    with app.db.workspace("T1") as session:
        assert session.exec(select(AuditEvent)).all() == []
        workspace = session.exec(select(Workspace)).first()
    assert workspace is None or workspace.digest_mentions is False
