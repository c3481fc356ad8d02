"""Reading the issue commands' arguments (bot/issue_args.py) and the list's wording (bot/issue_replies.py)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.errors import InputError, NotFound
from bot.issue_args import (
    SNOOZE_EXAMPLE,
    IssueDraft,
    parse_issue_text,
    read_issue_number,
    read_party_lead,
    read_snooze_date,
)
from bot.issue_replies import age
from bot.list_filter import ListFilter, read_list_filter
from bot.party_names import KnownParty

NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=NEW_YORK).astimezone(UTC)  # Thursday
FRIDAY_9 = datetime(2026, 11, 27, 9, 0, tzinfo=NEW_YORK)
PARTIES = (
    KnownParty(1, "DMV", ("Department of Motor Vehicles",)),
    KnownParty(2, "Acme Cloud"),
    KnownParty(3, "Health and Human Services", ("HHS",)),
)


def parse(text: str) -> IssueDraft:
    return parse_issue_text(text, parties=PARTIES, tz=NEW_YORK, now=NOW)


# --------------------------------------------------------------------------- /brm issue


def test_the_help_example() -> None:
    draft = parse("DMV renewal emails bounce <@U2|sam> by Friday high")
    assert draft.party is not None and (draft.party.name, draft.party.how) == ("DMV", "exact")
    assert draft.title == "renewal emails bounce"
    assert draft.owner_id == "U2"
    assert draft.follow_up is not None and draft.follow_up.at == FRIDAY_9
    assert draft.follow_up.phrase == "by Friday"
    assert draft.severity == "high"
    assert draft.problems == () and draft.notes == ()


@pytest.mark.parametrize(
    ("text", "party", "how", "title"),
    [
        ("DMV: renewal emails bounce", "DMV", "exact", "renewal emails bounce"),
        ("dmv - renewal emails bounce", "DMV", "exact", "renewal emails bounce"),
        ("Department of Motor Vehicles portal down", "DMV", "alias", "portal down"),
        ("HHS portal down", "Health and Human Services", "alias", "portal down"),
        ("DVM portal down", "DMV", "fuzzy", "portal down"),
        ("Acme Clod invoices rejected", "Acme Cloud", "fuzzy", "invoices rejected"),
        # A tie between "Health" and "Health and Human" goes to the words that are all in the name.
        ("Health and Human portal down", "Health and Human Services", "fuzzy", "portal down"),
        ("Acme Corp: invoices rejected", "Acme Corp", "new", "invoices rejected"),
        ("“Parks Dept” permits backlog", "Parks Dept", "new", "permits backlog"),
    ],
)
def test_the_party_leads(text: str, party: str, how: str, title: str) -> None:
    draft = parse(text)
    assert draft.party is not None and (draft.party.name, draft.party.how) == (party, how)
    assert draft.title == title
    assert draft.problems == ()


@pytest.mark.parametrize(
    ("text", "party", "title"),
    [
        (
            "DOL unemployment portal timeouts for claimants",
            "DOL",
            "unemployment portal timeouts for claimants",
        ),
        ("Parks Dept permits backlog", "Parks Dept", "permits backlog"),
        ("Department of Labor claims backlog", "Department of Labor", "claims backlog"),
        ("District 4 buses are late", "District 4", "buses are late"),
    ],
)
def test_an_unknown_party_named_plainly_is_new(text: str, party: str, title: str) -> None:
    draft = parse(text)
    assert draft.party is not None and (draft.party.name, draft.party.how) == (party, "new")
    assert draft.title == title and draft.problems == ()


@pytest.mark.parametrize(
    "text", ["the portal is down", "Portal is down", "Zebra invoices rejected", "FYI portal down"]
)
def test_an_unknown_party_not_named_plainly_is_not_guessed(text: str) -> None:
    draft = parse(text)
    assert draft.party is None
    assert "colon" in draft.problems[0]


def test_a_time_of_day_is_not_a_party_separator() -> None:
    match, rest = read_party_lead("Acme outage at 10:30", PARTIES)
    assert match is not None and match.how == "fuzzy" and match.name == "Acme Cloud"
    assert rest == "outage at 10:30"


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("DMV portal down by Friday", "by Friday"),
        ("DMV portal down, follow up next Tuesday", "next Tuesday"),
        ("DMV portal down f/u in 2 weeks", "in 2 weeks"),
        ("DMV portal down tmrw", "tmrw"),
        ("DMV portal down EOW", "EOW"),
        ("DMV portal down high by Friday", "by Friday"),
        ("DMV portal down by Friday, high", "by Friday"),
    ],
)
def test_the_follow_up_comes_at_the_end(text: str, phrase: str) -> None:
    draft = parse(text)
    assert draft.title == "portal down"
    assert draft.follow_up is not None and draft.follow_up.phrase == phrase
    assert draft.follow_up.at > NOW


@pytest.mark.parametrize(
    "text",
    ["DMV portal down since Monday", "DMV portal down yesterday", "DMV portal down from Tuesday"],
)
def test_dates_that_describe_the_problem_stay_in_the_title(text: str) -> None:
    draft = parse(text)
    assert draft.follow_up is None
    assert draft.title == text.removeprefix("DMV ")


def test_a_follow_up_in_the_past_is_a_problem() -> None:
    draft = parse("DMV portal down by yesterday")
    assert draft.follow_up is not None
    assert "past" in draft.problems[0] and "by yesterday" in draft.problems[0]


def test_an_unreadable_follow_up_is_said() -> None:
    draft = parse("DMV portal down follow up someday")
    assert draft.follow_up is None
    assert "“someday”" in draft.notes[0]


@pytest.mark.parametrize(
    ("text", "severity", "title"),
    [
        ("DMV portal down critical", "critical", "portal down"),
        ("DMV portal down (high)", "high", "portal down"),
        ("DMV portal down urgent", "critical", "portal down"),
        ("DMV sev2 portal down", "high", "portal down"),
        ("DMV portal down sev 3", "medium", "portal down"),
        ("DMV P1 portal down", "critical", "portal down"),
        ("DMV portal down p4", "low", "portal down"),
        ("DMV portal down severity: low", "low", "portal down"),
        ("DMV portal down high priority", "high", "portal down"),
        # "high" after "is" belongs to the sentence.
        ("DMV portal latency is high", None, "portal latency is high"),
        ("DMV portal down", None, "portal down"),
    ],
)
def test_severity(text: str, severity: str | None, title: str) -> None:
    draft = parse(text)
    assert (draft.severity, draft.title) == (severity, title)


def test_two_severities_are_a_problem() -> None:
    assert "two severities" in parse("DMV portal down sev1 low").problems[0]


def test_owner_words_and_several_owners() -> None:
    assert parse("DMV portal down owner: <@U2>").owner_id == "U2"
    assert parse("DMV portal down assigned to <@W9|kim>").title == "portal down"
    assert "one owner" in parse("DMV portal down <@U1> <@U2>").problems[0]


def test_an_unresolved_handle_is_said_and_left_in_the_title() -> None:
    draft = parse("DMV portal down @jane")
    assert draft.owner_id is None
    assert draft.title == "portal down @jane"
    assert "@jane" in draft.notes[0]


def test_missing_title_and_long_title() -> None:
    assert "short title" in parse("DMV").problems[0]
    long = "x " * 400
    draft = parse("DMV " + long)
    assert len(draft.title) <= 300 and draft.details == long.strip()
    assert "shortened" in draft.notes[0]


# --------------------------------------------------------------------------- numbers and snooze dates


@pytest.mark.parametrize(
    ("text", "number", "rest"),
    [
        ("#12", 12, ""),
        ("12", 12, ""),
        ("# 12 vendor patched it", 12, "vendor patched it"),
        ("#12: vendor patched it", 12, "vendor patched it"),
        ("issue 12 - done", 12, "done"),
        ("#007", 7, ""),
    ],
)
def test_issue_numbers(text: str, number: int, rest: str) -> None:
    assert read_issue_number(text, example="x") == (number, rest)


@pytest.mark.parametrize("text", ["", "abc", "#abc", "12/5 next week", "#12abc", "twelve"])
def test_not_an_issue_number(text: str) -> None:
    with pytest.raises(InputError) as refused:
        read_issue_number(text, example="/brm close #12")
    assert refused.value.example == "/brm close #12"


@pytest.mark.parametrize("text", ["#0", "#1234567890"])
def test_numbers_no_issue_can_have(text: str) -> None:
    with pytest.raises(NotFound):
        read_issue_number(text, example="x")


def test_snooze_dates() -> None:
    parsed = read_snooze_date("next Monday", tz=NEW_YORK, now=NOW)
    assert parsed.at == datetime(2026, 11, 30, 9, 0, tzinfo=NEW_YORK) and not parsed.has_time
    assert read_snooze_date("until Friday 2pm", tz=NEW_YORK, now=NOW).has_time
    for bad, said in [("", "Until when?"), ("when pigs fly", "couldn't read"), ("yesterday", "past")]:
        with pytest.raises(InputError) as refused:
            read_snooze_date(bad, tz=NEW_YORK, now=NOW)
        assert said in refused.value.text and refused.value.example == SNOOZE_EXAMPLE


# --------------------------------------------------------------------------- /brm list


def read(text: str) -> ListFilter:
    return read_list_filter(text, parties=PARTIES, user_id="U1")


def test_list_filters() -> None:
    assert read("") == ListFilter()
    assert read("closed").status == "closed"
    assert read("open closed").status == "all"
    assert read("everything").status == "all"
    assert read("mine").owner_id == "U1"
    assert read("<@U2|sam> overdue") == ListFilter(status="open", owner_id="U2", overdue=True)
    dmv = read("dmv all")
    assert dmv.status == "all" and dmv.party is not None and dmv.party.party_id == 1
    assert read("Department of Motor Vehicles").party.party_id == 1  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "error", "said"),
    [
        ("Parks", NotFound, "Parks"),
        # "Dept" resembles the DMV's alias "Department of ..." a little; not enough to list the DMV's issues.
        ("Parks Dept", NotFound, "Parks Dept"),
        ("mine <@U2>", InputError, "one person"),
        ("closed overdue", InputError, "Only open issues"),
    ],
)
def test_bad_list_filters(text: str, error: type[Exception], said: str) -> None:
    with pytest.raises(error) as refused:
        read(text)
    assert said in refused.value.text  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("ago", "said"),
    [
        (timedelta(hours=3), "today"),
        (timedelta(days=1, hours=2), "yesterday"),
        (timedelta(days=5), "5 days ago"),
        (timedelta(days=60), "8 weeks ago"),
        (timedelta(days=400), "1 year ago"),
        (timedelta(days=800), "2 years ago"),
    ],
)
def test_age(ago: timedelta, said: str) -> None:
    assert age(NOW - ago, NOW) == said
