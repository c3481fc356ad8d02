"""`/brm search` end to end: records written through signed commands and the message shortcut, then
searched with signed commands; the answers read from the fake response_url. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest

from slack_api.ids import Shortcut
from storage.models import AuditEvent, Interaction, Issue
from tests.conftest import RunningApp
from tests.test_log_command import add_party, reply_text, rows
from tests.test_shortcuts import open_form, post, submit


def lines(body: dict) -> list[str]:
    """The reply's result lines, in order."""
    text = "\n".join(b["text"]["text"] for b in body["blocks"] if b["type"] == "section")
    return [line for line in text.split("\n") if line.startswith("• ")]


def add_interactions(app: RunningApp, party_id: int, written: list[tuple[str, datetime]]) -> None:
    """Interactions (summary, when it happened) written straight to the database, one id after the
    other in the order given: many at once, faster than logging each."""
    with app.db.workspace("T1") as session:
        for summary, occurred_at in written:
            session.add(
                Interaction(
                    team_id="T1", party_id=party_id, occurred_at=occurred_at, summary=summary, logged_by="U1"
                )
            )
            session.flush()


def search(app: RunningApp, words: str, **kwargs: object) -> dict:
    body = app.command(f"search {words}", **kwargs)
    assert body["response_type"] == "ephemeral"
    return body


def test_search_finds_words_in_summaries_and_issue_titles_and_details(app: RunningApp) -> None:
    add_party(app, "DMV")
    add_party(app, "Parks")
    app.command("log DMV call about the licensing portal outage, field offices cannot log in")
    app.command("log Parks meeting about the budget for next year")
    app.command("issue DMV renewal emails bounce")
    app.command("issue Parks: permit portal shows an outage page")

    found = lines(search(app, "portal outage"))
    assert len(found) == 2
    assert any("licensing portal outage" in line and "*DMV*" in line and "call" in line for line in found)
    assert any("Issue *#2*" in line and "permit portal" in line and "*Parks*" in line for line in found)
    assert not any("budget" in line or "renewal" in line for line in found)

    # Another form of the word finds it too ("outages", "bounced"), and case does not matter.
    assert len(lines(search(app, "OUTAGES"))) == 2
    [bounced] = lines(search(app, "bounced"))
    assert "renewal emails bounce" in bounced

    # An issue's details are searched: a long title is kept whole in the details.
    long_title = "the vendor portal times out " + "while uploading the quarterly report " * 20
    app.command(f"issue Parks: {long_title} zebracrossing")
    [issue] = [i for i in rows(app, Issue) if i.details]
    assert "zebracrossing" not in issue.title and "zebracrossing" in issue.details
    assert len(lines(search(app, "zebracrossing"))) == 1


def test_the_best_matches_come_first(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command(
        "log DMV email about the budget, staffing, roadmap, procurement schedule and, "
        "somewhere near the end, the portal"
    )
    app.command("log DMV call: portal down, portal login broken, portal outage all day at the portal")
    app.command("log DMV meeting about something else entirely")

    found = lines(search(app, "portal"))
    assert len(found) == 2
    assert "portal down" in found[0] and "somewhere near the end" in found[1]

    # Every word must be there: one record has both.
    [both] = lines(search(app, "portal budget"))
    assert "somewhere near the end" in both


def test_search_stays_in_its_workspace(app: RunningApp) -> None:
    add_party(app, "DMV")
    add_party(app, "DMV", team_id="T2")
    app.command("log DMV call about the portal outage")
    app.command("log DMV call about the secret portal outage in the other workspace", team_id="T2")
    app.command("issue DMV portal outage in T2 too", team_id="T2")

    here = reply_text(search(app, "portal outage"))
    assert "secret" not in here and "T2 too" not in here
    assert len(lines(search(app, "portal outage"))) == 1
    there = lines(search(app, "portal outage", team_id="T2"))
    assert len(there) == 2 and all("secret" in line or "T2 too" in line for line in there)
    assert lines(search(app, "portal", team_id="T3")) == []


@pytest.mark.parametrize(
    ("query", "matches"),
    [
        ('portal" OR outage', 1),
        ("portal* AND -outage:", 1),
        ('"portal', 1),
        ("portal & | ! <-> outage:*", 1),
        ("(portal) {outage} []", 1),
        ("portal's outage!!!", 1),
        ("“portal outage”", 1),
        ("portal\\ outage%_", 1),
        ("summary:portal NEAR(outage)", 0),
        ("'; DROP TABLE interaction; --", 0),
    ],
)
def test_punctuation_and_quotes_never_break_the_search(app: RunningApp, query: str, matches: int) -> None:
    add_party(app, "DMV")
    app.command("log DMV call about the portal outage")
    app.command("log DMV call about something else")

    body = search(app, query)
    shown = reply_text(body)
    assert "didn't work" not in shown and "reference" not in shown
    # Operators and quotes are nothing but punctuation: the words are searched for, all of them.
    found = lines(body)
    assert len(found) == matches
    assert all("portal outage" in line for line in found)
    assert len(rows(app, Interaction)) == 2


def test_quotes_find_words_side_by_side(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("log DMV call about the portal outage")
    app.command("log DMV call: outage of the phones, portal fine")

    assert len(lines(search(app, "outage portal"))) == 2
    [side_by_side] = lines(search(app, '"portal outage"'))
    assert "about the portal outage" in side_by_side
    assert lines(search(app, '"outage portal"')) == []


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("", "What should I look for?"),
        ("   !!! ??? ... ", "What should I look for?"),
        ('""', "What should I look for?"),
        ("<!channel>", "What should I look for?"),
        ("the of and", "too common to search for"),
        ("portal since", "Since when?"),
        ("portal since the upgrade", "as a date"),
    ],
)
def test_an_empty_or_unreadable_query_gets_a_friendly_answer_and_writes_nothing(
    app: RunningApp, query: str, said: str
) -> None:
    add_party(app, "DMV")
    app.command("log DMV call about the portal outage")
    before = len(rows(app, AuditEvent))

    shown = reply_text(search(app, query))
    assert said in shown
    assert "/brm search portal outage" in shown  # an example that works
    assert "<!channel>" not in shown
    assert len(rows(app, AuditEvent)) == before


def test_a_match_links_to_the_message_it_came_from(app: RunningApp) -> None:
    add_party(app, "DMV")
    message = post(app, "DMV call with <@U2|sam>: the licensing portal is down again, tense")
    _, view = open_form(app, Shortcut.LOG_INTERACTION, message)
    submit(app, view)
    app.slack.wait_for("chat.postMessage")
    [interaction] = rows(app, Interaction)
    assert interaction.permalink

    [line] = lines(search(app, "licensing portal"))
    assert f"<{interaction.permalink}|message>" in line


def test_a_party_and_a_date_narrow_the_search(app: RunningApp) -> None:
    add_party(app, "DMV", "Department of Motor Vehicles")
    add_party(app, "Parks")
    app.command("log DMV call about the portal outage")
    app.command("log Parks call about the portal outage")
    app.clock.advance(days=10)
    app.command("log DMV visit: portal outage fixed")

    assert len(lines(search(app, "portal outage"))) == 3
    at_dmv = lines(search(app, "portal outage DMV"))
    assert len(at_dmv) == 2 and all("*DMV*" in line for line in at_dmv)
    assert len(lines(search(app, "Department of Motor Vehicles portal"))) == 2

    [recent] = lines(search(app, "portal since yesterday"))
    assert "fixed" in recent
    [recent_dmv] = lines(search(app, "portal since yesterday DMV"))
    assert "fixed" in recent_dmv
    assert lines(search(app, "portal Parks since yesterday")) == []
    heading = reply_text(search(app, "portal DMV since yesterday"))
    assert "at *DMV*" in heading and "since" in heading

    # A party's name alone is searched for as words.
    assert lines(search(app, "Parks")) == []


def test_more_matches_than_shown_says_so(app: RunningApp) -> None:
    party_id = add_party(app, "DMV")
    add_interactions(app, party_id, [(f"portal check number {n}", app.clock.now()) for n in range(14)])
    body = search(app, "portal")
    assert len(lines(body)) == 10
    assert "There are more" in reply_text(body)


def test_when_very_many_match_the_best_of_the_newest_are_shown_and_the_reply_says_so(
    app: RunningApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ranking is bounded to the newest WINDOW matches (1,000 in the app; 5 here, to keep the test short).
    monkeypatch.setattr("storage.search.WINDOW", 5)
    party_id = add_party(app, "DMV")
    summaries = ["portal portal portal, the zebra portal"] + [f"portal check {n}" for n in range(7)]
    add_interactions(app, party_id, [(summary, app.clock.now()) for summary in summaries])
    body = search(app, "portal")
    found = lines(body)
    assert len(found) == 5 and not any("zebra" in line for line in found)
    assert "best of the newest 5" in reply_text(body)
    # With a word that only the oldest has, it is found.
    [oldest] = lines(search(app, "portal zebra"))
    assert "zebra" in oldest


def test_find_is_search_and_help_shows_both_new_commands(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("log DMV call about the portal outage")
    assert lines(app.command("find portal")) == lines(search(app, "portal"))
    shown = reply_text(app.command("help"))
    assert "/brm search portal outage DMV since last month" in shown
    assert "/brm party DMV history" in shown
