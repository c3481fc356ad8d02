"""The issue commands end to end: `/brm issue`, `/brm close`, `/brm reopen`, `/brm snooze` and
`/brm list` as signed slash commands, replies read from the fake response_url, records (issues,
audit rows, nudges) read back from the database. Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from storage.models import AuditEvent, Issue, Nudge, Party
from tests.conftest import RunningApp
from tests.test_log_command import add_party, reply_text, rows

# Every button in every message and view these tests make the bot send has an accessibility label.
pytestmark = pytest.mark.usefixtures("every_button_labelled")

# Friday 27 November 2026, 09:00 in New York (U1's timezone), the follow-up "by Friday" means.
FRIDAY_9_NY = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
# Monday 30 November 2026, 09:00 in New York.
MONDAY_9_NY = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


def issue(app: RunningApp, number: int, team_id: str = "T1") -> Issue:
    [found] = [i for i in rows(app, Issue, team_id) if i.number == number]
    return found


def audit_actions(app: RunningApp, team_id: str = "T1") -> list[str]:
    return [event.action for event in sorted(rows(app, AuditEvent, team_id), key=lambda e: e.id)]


def pending_nudges(app: RunningApp, team_id: str = "T1") -> list[Nudge]:
    return [n for n in rows(app, Nudge, team_id) if n.status == "pending"]


def nothing_written(app: RunningApp) -> bool:
    return rows(app, Issue) == [] and rows(app, AuditEvent) == [] and rows(app, Nudge) == []


# --------------------------------------------------------------------------- /brm issue


def test_issue_reads_party_title_owner_date_and_severity(app: RunningApp) -> None:
    add_party(app, "DMV", "Department of Motor Vehicles")
    body = app.command("issue DMV renewal emails bounce <@U2|sam> by Friday high")

    [raised] = rows(app, Issue)
    assert raised.number == 1
    assert raised.title == "renewal emails bounce"
    assert raised.owner_id == "U2" and raised.raised_by == "U1"
    assert raised.severity == "high"
    assert raised.follow_up_at == FRIDAY_9_NY  # read in the author's (New York) timezone
    assert raised.status == "open" and raised.source == "command" and raised.channel_id == "C1"

    # The owner (Los Angeles) is nudged at their own 09:00 that Friday.
    [nudge] = pending_nudges(app)
    assert nudge.issue_id == raised.id and nudge.owner_id == "U2"
    assert nudge.due_at == datetime(2026, 11, 27, 17, 0, tzinfo=UTC)

    assert body["response_type"] == "ephemeral"
    shown = reply_text(body)
    for expected in ("#1", "DMV", "renewal emails bounce", "<@U2>", "high", "Fri 27 Nov 2026", "by Friday"):
        assert expected in shown
    assert "/brm undo" in shown and "/brm snooze #1" in shown  # how to fix it
    assert audit_actions(app) == ["opened"]


def test_issue_defaults_owner_to_the_author_and_severity_to_medium(app: RunningApp) -> None:
    add_party(app, "DMV")
    body = app.command("issue DMV portal login fails for field offices", user_id="U2")
    [raised] = rows(app, Issue)
    assert (raised.owner_id, raised.severity, raised.follow_up_at) == ("U2", "medium", None)
    assert pending_nudges(app) == []
    shown = reply_text(body)
    assert "<@U2> (you)" in shown and "the default" in shown


@pytest.mark.parametrize(
    ("words", "severity"),
    [
        ("sev1", "critical"),
        ("p4", "low"),
        ("urgent", "critical"),
        ("severity: low", "low"),
        ("critical", "critical"),
    ],
)
def test_severity_words(app: RunningApp, words: str, severity: str) -> None:
    add_party(app, "DMV")
    app.command(f"issue DMV portal down {words}")
    [raised] = rows(app, Issue)
    assert (raised.title, raised.severity) == ("portal down", severity)


def test_issue_near_miss_party_is_matched_and_said(app: RunningApp) -> None:
    add_party(app, "DMV")
    body = app.command("issue DVM portal down tomorrow")
    [raised] = rows(app, Issue)
    assert raised.title == "portal down"
    assert len(rows(app, Party)) == 1
    assert "“DVM”" in reply_text(body) and "existing party" in reply_text(body)


def test_a_new_party_named_with_a_colon(app: RunningApp) -> None:
    body = app.command("issue Acme Cloud: invoices are rejected")
    [party] = rows(app, Party)
    [raised] = rows(app, Issue)
    assert party.name == "Acme Cloud" and raised.party_id == party.id
    assert raised.title == "invoices are rejected"
    assert "new party" in reply_text(body)
    assert audit_actions(app) == ["created", "opened"]


FIRST_DAY = "issue DOL unemployment portal timeouts for claimants, follow up tomorrow 10am"


def test_a_first_day_issue_with_a_plain_name_adds_the_party(app: RunningApp) -> None:
    body = app.command(FIRST_DAY)

    [party] = rows(app, Party)
    [raised] = rows(app, Issue)
    assert (party.name, party.kind) == ("DOL", "agency")
    assert raised.party_id == party.id
    assert raised.title == "unemployment portal timeouts for claimants"
    assert raised.follow_up_at == datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # 10:00 in New York
    shown = reply_text(body)
    # The same note as `/brm log`'s: what it was added as, and the ways back.
    assert "*DOL* is a new party, so I added it as an *agency*" in shown
    assert "`/brm undo`" in shown and "`/brm party DOL kind vendor`" in shown
    assert audit_actions(app) == ["created", "opened"]

    # `/brm log` reads the same words the same way: the party is DOL, now known.
    app.command("log DOL unemployment portal timeouts for claimants, follow up tomorrow 10am")
    assert [p.name for p in rows(app, Party)] == ["DOL"]


def test_undo_takes_back_the_issue_and_the_party_it_added(app: RunningApp) -> None:
    app.command(FIRST_DAY)
    shown = reply_text(app.command("undo"))
    assert "Undid issue *#1* with *DOL*" in shown and "it went too" in shown
    assert rows(app, Issue) == [] and rows(app, Party) == [] and pending_nudges(app) == []


def test_words_that_name_no_one_are_still_refused(app: RunningApp) -> None:
    for text in ("issue the portal is down", "issue Portal is down", "issue Acme invoices are rejected"):
        shown = reply_text(app.command(text))
        assert "couldn't tell which agency" in shown and "colon" in shown
    assert nothing_written(app) and rows(app, Party) == []


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("issue", "party"),
        ("issue    ", "party"),
        ("issue DMV", "Add a short title"),
        ("issue DMV portal down by yesterday", "past"),
        ("issue DMV portal down <@U1> <@U2>", "one owner"),
        ("issue DMV portal down sev1 low", "two severities"),
        ("issue portal down", "couldn't tell which"),
    ],
)
def test_bad_issue_input_gets_help_and_writes_nothing(app: RunningApp, text: str, said: str) -> None:
    add_party(app, "DMV")
    body = app.command(text)
    shown = reply_text(body)
    assert said in shown
    assert "/brm issue DMV" in shown  # an example that works
    assert nothing_written(app)
    assert [p.name for p in rows(app, Party)] == ["DMV"]


def test_issue_title_cannot_ping_a_channel(app: RunningApp) -> None:
    add_party(app, "DMV")
    body = app.command("issue DMV <!channel> the portal is down")
    assert "<!channel>" not in reply_text(body)
    assert "<!channel>" in rows(app, Issue)[0].title  # stored as written, only the echo is neutralised


@pytest.mark.parametrize(
    "text", ["snooze #1 <!channel> soon", "close <!here>", "list <!everyone> stuff", "issue <!channel> down"]
)
def test_refusals_never_echo_a_ping(app: RunningApp, text: str) -> None:
    add_party(app, "DMV")
    app.command("issue DMV portal down")
    shown = reply_text(app.command(text))
    assert ":thinking_face:" in shown  # it was refused...
    for ping in ("<!channel>", "<!here>", "<!everyone>"):
        assert ping not in shown  # ...without repeating the ping
    assert audit_actions(app) == ["opened"]


def test_numbers_are_per_workspace_and_shared_with_log(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("log DMV call about renewals. not working: renewal emails bounce")
    app.command("issue DMV portal down")
    app.command("issue portal down", team_id="T2")  # refused: it names no party, and takes no number
    app.command("issue DMV portal down", team_id="T2")  # T2's own DMV, added by it
    assert sorted(i.number for i in rows(app, Issue)) == [1, 2]
    assert [i.number for i in rows(app, Issue, "T2")] == [1]

    # The issue /brm log raised is the same kind of record: it closes like any other.
    app.command("close #1 resent")
    assert issue(app, 1).status == "closed"


# --------------------------------------------------------------------------- /brm close


def test_close_records_who_when_how_and_why(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("issue DMV portal down by Friday")
    [nudge] = pending_nudges(app)
    app.clock.advance(hours=2)

    body = app.command("close #1 vendor patched it", user_id="U2")
    closed = issue(app, 1)
    assert closed.status == "closed"
    assert closed.closed_by == "U2" and closed.close_surface == "command"
    assert closed.closed_at == app.clock.now() and closed.updated_at == app.clock.now()
    assert closed.resolution == "vendor patched it"
    assert pending_nudges(app) == []  # the nudge is cancelled with the issue
    assert [n.status for n in rows(app, Nudge) if n.id == nudge.id] == ["cancelled"]
    assert audit_actions(app) == ["opened", "closed"]
    [event] = [e for e in rows(app, AuditEvent) if e.action == "closed"]
    assert (event.actor_id, event.surface, event.detail["resolution"]) == (
        "U2",
        "command",
        "vendor patched it",
    )

    shown = reply_text(body)
    assert "Closed" in shown and "#1" in shown and "vendor patched it" in shown and "/brm reopen #1" in shown


def test_close_accepts_a_bare_number(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("issue DMV portal down")
    app.command("close 1")
    closed = issue(app, 1)
    assert closed.status == "closed" and closed.resolution is None


def test_closing_an_already_closed_issue_is_harmless(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("issue DMV portal down")
    app.command("close #1 fixed")
    before = issue(app, 1)

    app.clock.advance(days=1)
    body = app.command("close #1 fixed again", user_id="U2")
    shown = reply_text(body)
    assert "already closed by <@U1>" in shown and "Thu 26 Nov 2026" in shown and "Nothing changed" in shown
    after = issue(app, 1)
    assert (after.closed_by, after.closed_at, after.resolution) == (
        before.closed_by,
        before.closed_at,
        "fixed",
    )
    assert audit_actions(app) == ["opened", "closed"]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("close", "Which issue?"),
        ("close abc", "“abc” is not an issue number"),
        ("close #7", "There is no issue #7"),
        ("close #0", "There is no issue #0"),
        ("close #99999999999999", "There is no issue #99999999999999"),
    ],
)
def test_bad_close_gets_help_and_writes_nothing(app: RunningApp, text: str, said: str) -> None:
    add_party(app, "DMV")
    app.command("issue DMV portal down")
    body = app.command(text)
    shown = reply_text(body)
    # The example that fits, with an issue that exists here, and a pointer to the rest of the help.
    assert said in shown and "*Try:* `/brm close #1 vendor patched the login page`" in shown
    assert "#12" not in shown and "`/brm help` shows everything" in shown
    assert "keeps a record of your relationships" not in shown  # the whole help is not pasted in
    assert issue(app, 1).status == "open"
    assert audit_actions(app) == ["opened"]


def test_a_workspace_cannot_close_another_workspaces_issue(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("issue DMV portal down", team_id="T1")
    body = app.command("close #1", team_id="T2")
    assert "There is no issue #1" in reply_text(body)
    assert issue(app, 1, "T1").status == "open"
    assert rows(app, AuditEvent, "T2") == []


# --------------------------------------------------------------------------- /brm reopen


def test_reopen_brings_back_the_follow_up_nudge(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("issue DMV portal down by Friday")
    app.command("close #1 looked fixed")
    assert pending_nudges(app) == []

    body = app.command("reopen #1 it broke again", user_id="U2")
    reopened = issue(app, 1)
    assert reopened.status == "open"
    assert (reopened.closed_at, reopened.closed_by, reopened.resolution) == (None, None, None)
    [nudge] = pending_nudges(app)
    assert nudge.due_at == FRIDAY_9_NY and nudge.owner_id == "U1"
    assert audit_actions(app) == ["opened", "closed", "reopened"]
    [event] = [e for e in rows(app, AuditEvent) if e.action == "reopened"]
    assert event.actor_id == "U2" and event.detail["reason"] == "it broke again"
    assert event.detail["resolution"] == "looked fixed"  # what the close said stays in the audit log
    assert "Reopened" in reply_text(body) and "Fri 27 Nov 2026" in reply_text(body)


def test_reopen_after_the_follow_up_passed_sets_the_next_one(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("issue DMV portal down by Friday")
    app.command("close #1")
    app.clock.advance(days=3)  # Sunday 29 November; the Friday follow-up has passed

    app.command("reopen #1")
    reopened = issue(app, 1)
    # The workspace's re-nudge interval (7 days) from now, 09:00 in the owner's New York timezone.
    assert reopened.follow_up_at == datetime(2026, 12, 6, 14, 0, tzinfo=UTC)
    [nudge] = pending_nudges(app)
    assert nudge.due_at == reopened.follow_up_at


def test_reopening_an_open_issue_changes_nothing(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("issue DMV portal down by Friday")
    body = app.command("reopen #1")
    assert "already open" in reply_text(body) and "Nothing changed" in reply_text(body)
    assert audit_actions(app) == ["opened"]
    assert len(rows(app, Nudge)) == 1


def test_reopen_unknown_issue(app: RunningApp) -> None:
    body = app.command("reopen #4")
    # No issue at all here: no example names one.
    shown = reply_text(body)
    assert "There is no issue #4" in shown and "There is no issue here yet" in shown
    assert "#12" not in shown and "#N" not in shown and "`/brm help`" in shown
    assert nothing_written(app)


# --------------------------------------------------------------------------- /brm snooze


def test_an_issue_command_whose_work_runs_twice_raises_one_issue(app: RunningApp) -> None:
    add_party(app, "DMV")
    first = app.command("issue DMV portal down by Friday", trigger_id="1.2.same-command")
    again = app.command("issue DMV portal down by Friday", trigger_id="1.2.same-command")
    assert "#1" in reply_text(first) and "#1" in reply_text(again)
    assert [i.number for i in rows(app, Issue)] == [1]
    assert len(pending_nudges(app)) == 1


def test_snooze_moves_the_follow_up_and_its_nudge(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("issue DMV portal down by Friday")
    [old] = pending_nudges(app)

    body = app.command("snooze #1 next Monday")
    snoozed = issue(app, 1)
    assert snoozed.follow_up_at == MONDAY_9_NY
    [new] = pending_nudges(app)
    assert new.id != old.id and new.due_at == MONDAY_9_NY
    assert [n.status for n in rows(app, Nudge) if n.id == old.id] == ["cancelled"]
    assert audit_actions(app) == ["opened", "snoozed"]
    [event] = [e for e in rows(app, AuditEvent) if e.action == "snoozed"]
    assert event.detail["follow_up_at"] == MONDAY_9_NY.isoformat()
    assert event.detail["previous_follow_up_at"] == FRIDAY_9_NY.isoformat()
    shown = reply_text(body)
    assert "Snoozed" in shown and "Mon 30 Nov 2026" in shown and "next Monday" in shown
    assert "gets a nudge then" in shown


def test_a_snooze_to_a_weekend_says_the_nudge_waits_for_the_next_working_morning(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("issue DMV portal down by Friday")
    shown = reply_text(app.command("snooze #1 Saturday"))
    assert "Sat 28 Nov 2026" in shown
    assert "gets a nudge on the next working morning, Mon 30 Nov 2026, 09:00" in shown


def test_snooze_reads_the_date_in_the_authors_timezone(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("issue DMV portal down")
    app.command("snooze #1 tomorrow 3pm", user_id="U2")  # 15:00 in Los Angeles
    assert issue(app, 1).follow_up_at == datetime(2026, 11, 27, 23, 0, tzinfo=UTC)
    [nudge] = pending_nudges(app)
    assert nudge.due_at == datetime(2026, 11, 27, 23, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("snooze #1", "Until when?"),
        ("snooze #1 whenever the vendor calls", "couldn't read “whenever the vendor calls” as a date"),
        ("snooze #1 yesterday", "past"),
        ("snooze next Monday", "Which issue?"),
        ("snooze #5 next Monday", "There is no issue #5"),
    ],
)
def test_bad_snooze_gets_help_and_writes_nothing(app: RunningApp, text: str, said: str) -> None:
    add_party(app, "DMV")
    app.command("issue DMV portal down by Friday")
    body = app.command(text)
    assert said in reply_text(body) and "/brm snooze #1 next Monday" in reply_text(body)
    assert "#12" not in reply_text(body)
    assert issue(app, 1).follow_up_at == FRIDAY_9_NY
    assert audit_actions(app) == ["opened"]
    assert [n.due_at for n in pending_nudges(app)] == [FRIDAY_9_NY]


def test_a_closed_issue_cannot_be_snoozed(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("issue DMV portal down")
    app.command("close #1")
    body = app.command("snooze #1 Monday")
    assert "closed" in reply_text(body) and "/brm reopen #1" in reply_text(body)
    assert audit_actions(app) == ["opened", "closed"] and pending_nudges(app) == []


# --------------------------------------------------------------------------- posted nudges follow


def posted_nudge(app: RunningApp) -> tuple[str, str]:
    """Mark the issue's pending nudge as posted in C1, as the nudge sender would; its (channel, ts)."""
    message = app.slack.add_message("C1", text="Follow up on #1", user="UBOT")
    with app.db.workspace("T1") as session:
        [nudge] = [n for n in session.exec(select(Nudge)) if n.status == "pending"]
        nudge.status, nudge.channel_id, nudge.message_ts = "sent", "C1", message["ts"]
        nudge.sent_at = app.clock.now()
    return "C1", message["ts"]


def test_close_reopen_and_snooze_update_the_posted_nudge(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("issue DMV portal down by Friday")
    channel, ts = posted_nudge(app)

    app.command("close #1 fixed", user_id="U2")
    [update] = app.slack.wait_for("chat.update")
    assert (update.params["channel"], update.params["ts"]) == (channel, ts)
    assert "*Closed* by <@U2>" in reply_text(app.slack.message(channel, ts))

    app.command("reopen #1")
    app.slack.wait_for("chat.update", count=2)
    assert "*Reopened* by <@U1>" in reply_text(app.slack.message(channel, ts))

    app.command("snooze #1 next Monday")
    app.slack.wait_for("chat.update", count=3)
    assert "*Snoozed*" in reply_text(app.slack.message(channel, ts))


def test_a_nudge_that_cannot_be_updated_does_not_undo_the_close(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("issue DMV portal down by Friday")
    posted_nudge(app)
    app.slack.fail_next("chat.update", status=200, error="message_not_found")
    body = app.command("close #1 fixed")
    app.slack.wait_for("chat.update")
    assert "Closed" in reply_text(body) and "nothing was saved" not in reply_text(body)
    assert issue(app, 1).status == "closed"


# --------------------------------------------------------------------------- /brm list


def list_numbers(body: dict) -> list[int]:
    """The issue numbers a list shows, in order."""
    import re

    lines = [b["text"]["text"] for b in body["blocks"] if b["type"] == "section"]
    return [int(m[1]) for line in lines if (m := re.search(r"\*#(\d+)\* ·", line))]


@pytest.fixture
def some_issues(app: RunningApp) -> RunningApp:
    add_party(app, "DMV")
    add_party(app, "Acme Cloud")
    app.command("issue DMV renewal emails bounce")  # 1: medium, no follow-up
    app.command("issue DMV portal down by Friday low")  # 2: low, overdue once Friday passes
    app.command("issue Acme Cloud invoices rejected critical", user_id="U2")  # 3: critical, U2's
    app.command("issue Acme Cloud SSO broken")  # 4: medium, closed below
    app.command("close #4 fixed by the vendor")
    return app


def test_list_shows_open_issues_most_urgent_first(some_issues: RunningApp) -> None:
    app = some_issues
    app.clock.advance(days=2)  # Saturday: #2's Friday follow-up has passed
    body = app.command("list")
    assert body["response_type"] == "ephemeral"
    assert list_numbers(body) == [2, 3, 1]  # overdue, then critical, then medium
    shown = reply_text(body)
    assert "3 open issues" in shown and "overdue" in shown and "<@U2>" in shown
    assert "renewal emails bounce" in shown and "opened 2 days ago" in shown
    assert "Fri 27 Nov 2026" in shown


@pytest.mark.parametrize(
    ("filters", "numbers"),
    [
        ("DMV", [2, 1]),
        ("acme cloud", [3]),
        ("closed", [4]),
        ("all", [2, 3, 1, 4]),
        ("mine", [2, 1]),
        ("Acme Cloud all", [3, 4]),
        ("DMV mine overdue", [2]),
        ("overdue", [2]),
        ("<@U2|sam>", [3]),
    ],
)
def test_list_filters_combine(some_issues: RunningApp, filters: str, numbers: list[int]) -> None:
    app = some_issues
    app.clock.advance(days=2)
    assert list_numbers(app.command(f"list {filters}")) == numbers


def test_closed_issues_list_most_recently_closed_first_after_the_open_ones(some_issues: RunningApp) -> None:
    app = some_issues
    app.clock.advance(hours=1)
    app.command("close #1 resent")
    app.clock.advance(hours=1)
    app.command("close #3 the vendor fixed it", user_id="U2")
    assert list_numbers(app.command("list closed")) == [3, 1, 4]
    assert list_numbers(app.command("list all")) == [2, 3, 1, 4]
    assert list_numbers(app.command("list Acme Cloud all")) == [3, 4]


def test_list_with_nothing_to_show(some_issues: RunningApp) -> None:
    body = some_issues.command("list overdue")  # nothing is overdue yet on Thursday
    assert list_numbers(body) == []
    assert "No overdue issues" in reply_text(body)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("list Parks Dept", "I don't know a party called “Parks Dept”"),
        ("list pending", "open, closed, mine, overdue, all"),
        ("list closed overdue", "Only open issues can be overdue"),
    ],
)
def test_bad_list_filters_get_help(some_issues: RunningApp, text: str, said: str) -> None:
    body = some_issues.command(text)
    assert said in reply_text(body) and "/brm list DMV overdue" in reply_text(body)


def test_long_lists_stop_at_twenty_and_stay_within_slack_limits(app: RunningApp) -> None:
    add_party(app, "DMV")
    long_title = "the portal <!here> fails " + "again and again " * 40
    for _ in range(23):
        app.command(f"issue DMV {long_title}")
    body = app.command("list")
    assert len(list_numbers(body)) == 20
    assert len(body["blocks"]) <= 50
    assert all(len(b["text"]["text"]) <= 3000 for b in body["blocks"] if b["type"] == "section")
    shown = reply_text(body)
    assert "and 3 more" in shown and "/brm list DMV" in shown
    assert "<!here>" not in shown


def test_list_is_per_workspace(some_issues: RunningApp) -> None:
    body = some_issues.command("list all", team_id="T2")
    assert list_numbers(body) == [] and "No issues" in reply_text(body)


@pytest.mark.parametrize(
    ("owner", "what"), [("UBOT2", "a bot"), ("UGONE", "a deactivated account")], ids=["bot", "deactivated"]
)
def test_a_bot_or_deactivated_account_cannot_own_an_issue(app: RunningApp, owner: str, what: str) -> None:
    app.slack.add_user("UBOT2", name="deploybot", is_bot=True)
    app.slack.add_user("UGONE", name="former", deleted=True)
    add_party(app, "DMV")
    answer = reply_text(app.command(f"issue DMV renewal emails bounce <@{owner}> by Friday"))
    assert what in answer and "/brm issue" in answer
    assert rows(app, Issue) == []
