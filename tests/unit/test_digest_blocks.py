"""The digest and health reports as Block Kit (bot/digest.py): whatever the data, Slack accepts them.

A property test feeds any facts (hostile text, huge counts, odd links) and checks every message
against Slack's limits; example tests check the layout decisions.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.digest import build_digest, link, person
from bot.digest_layout import MAX_BLOCKS, THREAD_MESSAGES, Message, render_digest
from bot.health_report import RecentInteraction, render_health, render_health_overview
from storage.digest_facts import DigestFacts, FollowUpLine, IssueLine, Listed, PartyFacts, SentimentTally
from tests.support.block_kit import problems

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
NY = ZoneInfo("America/New_York")

# Text people might type, weighted towards what breaks Slack messages: markup, mentions, entities.
hostile = st.lists(
    st.one_of(
        st.sampled_from(["<", ">", "&", "|", "*", "_", "~", "`", "@here", "\n", " ", "<!channel>", "<@U1>"]),
        st.sampled_from(["&amp;", "&lt;!here&gt;", "\u2060", "😀", "<https://x.gov|x>"]),
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    max_size=400,
).map("".join)
moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(UTC))
urls = st.one_of(
    st.none(),
    st.just("https://example.slack.com/archives/C1/p1764150000000100?thread_ts=1.2&cid=C1"),
    st.text(max_size=400).map(lambda text: "https://x.gov/" + text),
)
user_ids = st.one_of(st.none(), st.sampled_from(["U1", "W0ABC", "UBAD<>", ""]), hostile)
counts = st.integers(min_value=0, max_value=100_000)
severities = st.one_of(st.sampled_from(["low", "medium", "high", "critical"]), hostile)


@st.composite
def issues(draw: st.DrawFn, party_ids: list[int]) -> IssueLine:
    return IssueLine(
        number=draw(st.integers(min_value=1, max_value=10**9)),
        party_id=draw(st.sampled_from(party_ids)) if party_ids else draw(st.integers(1, 10)),
        title=draw(hostile),
        severity=draw(severities),
        owner_id=draw(user_ids) or "",
        created_at=draw(moments),
        follow_up_at=draw(st.one_of(st.none(), moments)),
        permalink=draw(urls),
        closed_at=draw(st.one_of(st.none(), moments)),
        closed_by=draw(user_ids),
    )


tallies = st.builds(SentimentTally, counts, counts, counts)


@st.composite
def parties(draw: st.DrawFn, party_id: int) -> PartyFacts:
    open_issues = draw(counts)
    return PartyFacts(
        party_id=party_id,
        name=draw(hostile),
        created_at=draw(moments),
        open_issues=open_issues,
        stale_issues=draw(st.integers(0, open_issues)),
        critical_issues=draw(st.integers(0, open_issues)),
        high_issues=draw(st.integers(0, open_issues)),
        overdue_follow_ups=draw(st.integers(0, open_issues)),
        oldest_open_at=draw(st.one_of(st.none(), moments)),
        last_contact_at=draw(st.one_of(st.none(), moments)),
        last_contact_permalink=draw(urls),
        sentiment_now=draw(tallies),
        sentiment_before=draw(tallies),
        top_issues=tuple(draw(st.lists(issues([party_id]), max_size=3))),
    )


def listed(items: st.SearchStrategy) -> st.SearchStrategy[Listed]:
    return st.builds(
        lambda found, extra: Listed(tuple(found), len(found) + extra),
        st.lists(items, max_size=25),
        st.integers(0, 10_000),
    )


@st.composite
def digest_facts(draw: st.DrawFn) -> DigestFacts:
    count = draw(st.integers(min_value=0, max_value=40))
    party_list = tuple(draw(parties(party_id)) for party_id in range(1, count + 1))
    ids = [p.party_id for p in party_list]
    follow_ups = st.builds(FollowUpLine, st.integers(1, 200), hostile, moments, st.text(max_size=40), urls)
    return DigestFacts(
        now=NOW,
        week_start=NOW - timedelta(days=7),
        cold_after_days=draw(st.integers(1, 400)),
        parties=party_list,
        opened=draw(listed(issues(ids))),
        closed=draw(listed(issues(ids))),
        overdue=draw(listed(issues(ids))),
        missed_follow_ups=draw(listed(follow_ups)),
    )


def assert_valid(message: Message) -> None:
    assert problems(message.text, message.blocks) == []


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(facts=digest_facts(), scope=st.lists(hostile, max_size=15))
def test_any_data_makes_messages_slack_accepts(facts: DigestFacts, scope: list[str]) -> None:
    rendered = render_digest(build_digest(facts, tz=NY, scope=scope))

    assert len(rendered.thread) <= THREAD_MESSAGES
    for message in rendered.messages:
        assert_valid(message)
        assert "<!channel>" not in json.dumps(message.blocks)
    assert_valid(render_health_overview(facts, tz=NY))
    for party in facts.parties[:3]:
        interactions = [
            RecentInteraction(NOW, "call", party.name, "negative", party.last_contact_permalink)
        ] * 5
        report = render_health(
            party,
            now=NOW,
            tz=NY,
            cold_after_days=facts.cold_after_days,
            interactions=interactions,
            issues=Listed(party.top_issues * 20, party.open_issues),
        )
        assert_valid(report)


def party(party_id: int, open_issues: int = 1, **extra: object) -> PartyFacts:
    top = tuple(
        IssueLine(
            number=party_id * 10 + n,
            party_id=party_id,
            title=f"problem {n} of party {party_id} " + "x" * 200,
            severity="high",
            owner_id="U1",
            created_at=NOW - timedelta(days=40),
        )
        for n in range(min(open_issues, 3))
    )
    values: dict[str, object] = {
        "party_id": party_id,
        "name": f"Party {party_id:05d}",
        "created_at": NOW - timedelta(days=400),
        "open_issues": open_issues,
        "oldest_open_at": NOW - timedelta(days=40),
        "last_contact_at": NOW - timedelta(days=2),
        "top_issues": top,
    }
    values.update(extra)
    return PartyFacts(**values)  # type: ignore[arg-type]


def facts_for(*party_list: PartyFacts, **extra: object) -> DigestFacts:
    return DigestFacts(
        now=NOW, week_start=NOW - timedelta(days=7), cold_after_days=30, parties=party_list, **extra
    )  # type: ignore[arg-type]


def test_a_huge_digest_stops_at_the_thread_limit_and_says_how_much_is_left() -> None:
    rendered = render_digest(build_digest(facts_for(*(party(n, 5) for n in range(1, 3001))), tz=NY))

    assert len(rendered.thread) == THREAD_MESSAGES
    for message in rendered.messages:
        assert_valid(message)
        assert len(message.blocks) <= MAX_BLOCKS
    last = json.dumps(rendered.thread[-1].blocks[-1])
    assert "more not shown here" in last and "/brm health" in last
    main = json.dumps(rendered.main.blocks)
    assert "Party 00001" in main and "Continued in the thread" in main


def test_the_worst_parties_come_first_in_the_main_message() -> None:
    calm = party(1, 1)
    burning = party(2, 2, critical_issues=1)
    rendered = render_digest(build_digest(facts_for(calm, burning), tz=NY))

    text = json.dumps(rendered.main.blocks)
    assert text.index("Party 00002") < text.index("Party 00001")
    assert ":red_circle: *Party 00002*" in text


def test_a_quiet_week_is_an_all_clear() -> None:
    rendered = render_digest(build_digest(facts_for(party(1, 0)), tz=NY))

    assert rendered.thread == ()
    assert "All clear this week" in json.dumps(rendered.main.blocks)
    assert_valid(rendered.main)


def test_lists_capped_in_the_database_say_how_many_more_there_are() -> None:
    eight = tuple(issue for n in range(1, 4) for issue in party(n, 3).top_issues)[:8]
    rendered = render_digest(build_digest(facts_for(party(1), opened=Listed(eight, total=250)), tz=NY))

    main = json.dumps(rendered.main.blocks, ensure_ascii=False)
    thread = json.dumps([m.blocks for m in rendered.thread], ensure_ascii=False)
    assert "…and 245 more in the thread" in main  # 5 of 250 shown here
    assert "*Got worse: opened this week* _(continued)_" in thread
    assert "…and 242 more_" in thread  # 3 more shown in the thread, the rest never listed


def test_links_escape_their_text_and_refuse_urls_that_would_break_the_markup() -> None:
    assert (
        link("a <b> & c|d", "https://x.gov/p?a=1&b=2")
        == "<https://x.gov/p?a=1&amp;b=2|a &lt;b&gt; &amp; c/d>"
    )
    assert link("title", "javascript:alert(1)") == "title"
    assert link("title", "https://x.gov/a b") == "title"
    assert link("<!channel>", None) == "@\u2060channel"
    assert person("U123") == "<@U123>"
    assert person("<!here>") == "@\u2060here"
