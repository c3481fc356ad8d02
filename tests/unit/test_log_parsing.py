"""Reading `/brm log <text>` into a draft record (bot/log_parsing.py)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.dates import ParsedDate, format_local
from bot.log_parsing import LogDraft, parse_log_text
from bot.log_party import match_party_text
from bot.log_people import ContactMention
from bot.party_names import KnownParty, PartyMatch, find_party
from bot.sentiment import read_sentiment

NEW_YORK = ZoneInfo("America/New_York")
HONOLULU = ZoneInfo("Pacific/Honolulu")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=NEW_YORK)  # Thursday
PARTIES = (
    KnownParty(1, "DMV", ("Department of Motor Vehicles",)),
    KnownParty(2, "Department of Revenue", ("DOR",)),
    KnownParty(3, "Acme Corp"),
    KnownParty(4, "Health & Human Services", ("HHS",)),
    KnownParty(5, "Department of Transportation", ("DOT",)),
)
WORKED_EXAMPLE = (
    "DMV met Jane (CIO) about the licensing portal outage, tense. "
    "not working: portal login fails for field offices. follow up next Tuesday"
)


def parse(text: str, tz: ZoneInfo = NEW_YORK, now: datetime = NOW) -> LogDraft:
    return parse_log_text(text, parties=PARTIES, tz=tz, now=now)


def test_the_worked_example() -> None:
    assert parse(WORKED_EXAMPLE) == LogDraft(
        party=PartyMatch("DMV", 1, "DMV", "exact", 100.0),
        kind="meeting",
        occurred_at=None,
        follow_up=ParsedDate(
            datetime(2026, 12, 1, 14, 0, tzinfo=UTC), False, date(2026, 12, 1), "next Tuesday"
        ),
        people=(),
        contacts=(ContactMention("Jane", "CIO"),),
        sentiment="negative",
        issues=("portal login fails for field offices",),
        summary="met Jane (CIO) about the licensing portal outage, tense.",
        problems=(),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DMV met Jane", ("DMV", 1, "DMV", "exact")),
        ("dmv call about renewals", ("dmv", 1, "DMV", "exact")),
        ("D.M.V. call about renewals", ("D.M.V.", 1, "DMV", "exact")),
        ("Department of Motor Vehicles emailed", ("Department of Motor Vehicles", 1, "DMV", "alias")),
        ("call with the DOR team about e-file", ("DOR", 2, "Department of Revenue", "alias")),
        ("had a chat about DMV's budget", ("DMV's", 1, "DMV", "exact")),
        ("Health & Human Services visit", ("Health & Human Services", 4, "Health & Human Services", "exact")),
        ("HHS and DOT joint call", ("HHS", 4, "Health & Human Services", "alias")),
        ("DVM met Jane", ("DVM", 1, "DMV", "fuzzy")),
        ("Dept of Motor Vehicle - call", ("Dept of Motor Vehicle", 1, "DMV", "fuzzy")),
        ("Dept. of Revenue: emailed Bob", ("Dept. of Revenue", 2, "Department of Revenue", "fuzzy")),
        ("Revenue Dept called", ("Revenue Dept", 2, "Department of Revenue", "fuzzy")),
        ("had a call with Acme about pricing", ("Acme", 3, "Acme Corp", "fuzzy")),
        ("Parks and Rec met Leslie", ("Parks and Rec", None, "Parks and Rec", "new")),
        ("State Police - emailed the chief", ("State Police", None, "State Police", "new")),
        ("DOR met Jane. issue: DMV is slow", ("DOR", 2, "Department of Revenue", "alias")),
        ("met Jane. issue: DMV kiosk down", ("DMV", 1, "DMV", "exact")),
        ("Budget Office portal. issue: DMV kiosk down", ("DMV", 1, "DMV", "exact")),
    ],
)
def test_party_recognition(text: str, expected: tuple) -> None:
    party = parse(text).party
    assert party is not None
    assert (party.text, party.party_id, party.name, party.how) == expected


@pytest.mark.parametrize(
    "text",
    ["met Jane (CIO) about the portal", "had a quick call about budgets", "", "we may march on"],
)
def test_no_party(text: str) -> None:
    assert parse(text).party is None


@pytest.mark.parametrize(
    ("text", "party", "summary"),
    [
        # The words before the first verb or comma start with a plain name and go on with the story.
        (
            "DOL unemployment portal timeouts for claimants, follow up tomorrow 10am",
            "DOL",
            "unemployment portal timeouts for claimants",
        ),
        ("Acme Cloud support team called about invoices", "Acme Cloud", "support team called about invoices"),
        # No verb or comma at all, but a plain name leads.
        ("DOL portal timeouts for claimants", "DOL", "portal timeouts for claimants"),
        # A name that runs up to the verb stays whole.
        ("Mid-State water authority met Jane", "Mid-State water authority", "met Jane"),
    ],
)
def test_a_new_party_is_the_plain_name_that_leads(text: str, party: str, summary: str) -> None:
    draft = parse(text)
    assert draft.party is not None and (draft.party.name, draft.party.how) == (party, "new")
    assert draft.summary == summary


def test_dor_is_not_dot() -> None:
    # Short acronyms only match a swapped pair of letters, never a different letter.
    assert find_party("DOD", PARTIES) is None
    match = find_party("DTO", PARTIES)
    assert match is not None and (match.party_id, match.how) == (5, "fuzzy")


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("DMV", (1, "exact", 100.0)),
        ("department of motor vehicles", (1, "alias", 100.0)),
        ("Department of Motor Vehicle", (1, "fuzzy", 98.0)),
        ("DVM", (1, "fuzzy", 90.0)),
        ("Dept of Transportation", (5, "fuzzy", 99.0)),
        ("Acme", (3, "fuzzy", 90.0)),
        ("Health and Human Services", (4, "exact", 100.0)),
        ("Zebra Systems", None),
        # Sharing only a generic word is no match: a new party, not DMV or Revenue.
        ("Parks Dept", None),
        ("Department", None),
        ("Dept of Parks", None),
        ("the", None),
        ("", None),
    ],
)
def test_find_party(candidate: str, expected: tuple | None) -> None:
    match = find_party(candidate, PARTIES)
    assert (None if match is None else (match.party_id, match.how, match.score)) == expected


def test_find_party_with_no_known_parties() -> None:
    assert find_party("DMV", []) is None


def test_a_slack_token_is_never_a_party_name() -> None:
    partners = [KnownParty(id=9, name="Office of Channel Partners", aliases=("Channel Partners",))]
    assert find_party("Channel Partners", partners) is not None
    assert find_party("<!channel>", partners) is None
    assert find_party("<#C123|channel-partners>", partners) is None


def test_match_party_text_for_other_features() -> None:
    assert match_party_text("Can someone at the DMV look at the kiosk?", PARTIES) == PartyMatch(
        "DMV", 1, "DMV", "exact", 100.0
    )
    assert match_party_text("Water Board - they emailed again", PARTIES) == PartyMatch(
        "Water Board", None, "Water Board", "new", 0.0
    )
    assert match_party_text("nothing to see", PARTIES) is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("DMV met Jane", "meeting"),
        ("DMV mtg re budget", "meeting"),
        ("DMV quick sync", "meeting"),
        ("DMV call about renewals", "call"),
        ("DMV called me back", "call"),
        ("DMV zoom with Jane", "call"),
        ("DMV phone check-in", "call"),
        ("DMV emailed the contract", "email"),
        ("DMV e-mail from Jane", "email"),
        ("DMV site visit to field office", "visit"),
        ("DMV onsite at HQ", "visit"),
        ("DMV visited", "visit"),
        ("DMV chatted on Slack", "chat"),
        ("DMV talked budgets", "chat"),
        ("DMV dm from Jane", "chat"),
        ("DMV - nothing said about how", "chat"),
        (
            "DMV: portal renewals. follow up with a call Friday",
            "chat",
        ),  # the follow-up's call is not this one
    ],
)
def test_kind(text: str, kind: str) -> None:
    assert parse(text).kind == kind


@pytest.mark.parametrize(
    ("text", "sentiment"),
    [
        ("tense meeting", "negative"),
        ("Jane was frustrated", "negative"),
        ("they escalated to the CIO", "negative"),
        ("concerned about timelines", "negative"),
        ("great meeting", "positive"),
        ("productive and friendly", "positive"),
        ("not great", "negative"),
        ("wasn't happy", "negative"),
        ("not bad", "neutral"),
        ("no problems, great session", "positive"),
        ("good start but tense at the end", "negative"),  # a tie counts as negative
        ("good, good, then awkward", "positive"),
        ("it was ok", "neutral"),
        ("went fine :neutral_face:", "neutral"),
        ("talked budgets :slightly_frowning_face:", "negative"),
        ("talked budgets :-1:", "negative"),
        ("signed! :tada:", "positive"),
        ("agreed :+1:", "positive"),
        ("talked about the budget", None),
        ("", None),
    ],
)
def test_read_sentiment(text: str, sentiment: str | None) -> None:
    assert read_sentiment(text) == sentiment


def test_sentiment_ignores_issue_and_follow_up_words() -> None:
    assert (
        parse("DMV met Jane. issue: bad gateway errors. follow up Friday, hopefully good news").sentiment
        is None
    )


@pytest.mark.parametrize(
    ("text", "issues"),
    [
        (WORKED_EXAMPLE, ("portal login fails for field offices",)),
        ("DMV not working: kiosk printers", ("kiosk printers",)),
        ("DMV issue: printers down; blocker: VPN certs expired", ("printers down", "VPN certs expired")),
        ("DMV call. Problem: budget cut. Issues: no staff. fine otherwise", ("budget cut", "no staff")),
        ("DMV issue - scanners jam", ("scanners jam",)),
        ("DMV not working: login fails, follow up Friday", ("login fails",)),
        ("DMV not working: vendor will follow up on the ticket", ("vendor will follow up on the ticket",)),
        ("DMV issue: outage at 9am Tuesday", ("outage at 9am Tuesday",)),
        ("DMV: the issue is staffing", ()),
        ("DMV met, no issues", ()),
    ],
)
def test_issues(text: str, issues: tuple[str, ...]) -> None:
    draft = parse(text)
    assert draft.issues == issues
    assert draft.occurred_at is None  # times inside issue words are not when we met


def test_empty_issue_is_a_problem() -> None:
    draft = parse("DMV call. issue:")
    assert draft.issues == ()
    assert draft.problems == ('I saw "issue:" but nothing after it. Try "not working: portal login fails".',)


@pytest.mark.parametrize(
    ("text", "expected", "has_time"),
    [
        ("DMV call. follow up next Tuesday", "Tue 1 Dec 2026, 09:00", False),
        ("DMV call. follow-up by Friday", "Fri 27 Nov 2026, 09:00", False),
        ("DMV call, f/u in 2 weeks", "Thu 10 Dec 2026, 09:00", False),
        ("DMV call. FU EOD", "Thu 26 Nov 2026, 17:00", True),
        ("DMV call. followup end of month", "Mon 30 Nov 2026, 17:00", True),
        ("DMV call. remind me Friday", "Fri 27 Nov 2026, 09:00", False),
        ("DMV call. check back in 2 wks", "Thu 10 Dec 2026, 09:00", False),
        ("DMV call. next step: send pricing by Fri", "Fri 27 Nov 2026, 09:00", False),
        ("DMV call. follow up: tmrw 3pm", "Fri 27 Nov 2026, 15:00", True),
        ("DMV call. Follow up 12/5", "Sat 5 Dec 2026, 09:00", False),
        ("DMV call and will follow up next week", "Mon 30 Nov 2026, 09:00", False),
        ("DMV call. follow up with Jane next Tuesday on pricing", "Tue 1 Dec 2026, 09:00", False),
        ("DMV call. f/u sat", "Sat 28 Nov 2026, 09:00", False),
    ],
)
def test_follow_up(text: str, expected: str, has_time: bool) -> None:
    draft = parse(text)
    assert draft.follow_up is not None
    assert (format_local(draft.follow_up.at, NEW_YORK), draft.follow_up.has_time) == (expected, has_time)
    assert draft.problems == ()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "DMV call. follow up next blursday",
            'I couldn\'t read the follow-up date "next blursday". '
            'Try "next Tuesday", "by Friday", "in 2 weeks", "EOW" or "12/5".',
        ),
        (
            "DMV call. follow up",
            'I saw "follow up" but no date after it. Try "follow up next Tuesday" or "f/u in 2 weeks".',
        ),
        (
            "DMV call. follow up yesterday",
            'The follow-up date "yesterday" (Wed 25 Nov 2026) is in the past. '
            'Try a date ahead, like "next Tuesday" or "in 2 weeks".',
        ),
    ],
)
def test_follow_up_problems(text: str, problem: str) -> None:
    draft = parse(text)
    assert draft.follow_up is None
    assert draft.problems == (problem,)


def test_follow_up_in_the_middle_of_a_sentence_needs_a_date() -> None:
    draft = parse("DMV call. the vendor didn't follow up on Friday, and Jane will follow up on it")
    assert (draft.follow_up, draft.problems, draft.hints) == (None, (), ())


def test_a_past_date_after_follow_up_in_the_middle_of_a_sentence_is_part_of_the_story() -> None:
    draft = parse("DMV call about the follow up to last week's outage")
    assert (draft.follow_up, draft.problems) == (None, ())
    assert "follow up to last week's outage" in draft.summary


@pytest.mark.parametrize(
    ("text", "unread"),
    [
        ("DMV call follow up next blursday", "next blursday"),
        ("DMV call. they will follow up on 12/5ish", "on 12/5ish"),
        ("DMV call and we will f/u in 2 wekks about pricing", "in 2 wekks about pricing"),
    ],
)
def test_a_follow_up_date_that_cannot_be_read_mid_sentence_is_pointed_out(text: str, unread: str) -> None:
    draft = parse(text)
    assert (draft.follow_up, draft.problems) == (None, ())
    [hint] = draft.hints
    assert f"“{unread}”" in hint and hint.startswith("No follow-up was set")


@pytest.mark.parametrize(
    "text",
    [
        "DMV call, vendor will follow up on the ticket",
        "DMV call, we agreed to follow up in person",
        "DMV call, follow up next Tuesday",
    ],
)
def test_no_follow_up_hint_where_no_date_was_meant_or_one_was_read(text: str) -> None:
    assert parse(text).hints == ()


@pytest.mark.parametrize(
    ("text", "expected", "has_time"),
    [
        ("DMV call yesterday", "Wed 25 Nov 2026, 12:00", False),
        ("Yesterday, DMV call", "Wed 25 Nov 2026, 12:00", False),
        ("DMV met Jane last Friday 2pm", "Fri 20 Nov 2026, 14:00", True),
        ("DMV met on Tuesday", "Tue 24 Nov 2026, 12:00", False),
        ("DMV call this morning", "Thu 26 Nov 2026, 09:00", True),
        ("DMV visit 2 days ago", "Tue 24 Nov 2026, 12:00", False),
        ("DMV met on 11/3", "Tue 3 Nov 2026, 12:00", False),
        ("DMV met Nov 3", "Tue 3 Nov 2026, 12:00", False),
    ],
)
def test_when_it_happened(text: str, expected: str, has_time: bool) -> None:
    draft = parse(text)
    assert draft.occurred_at is not None
    assert (format_local(draft.occurred_at.at, NEW_YORK), draft.occurred_at.has_time) == (expected, has_time)


@pytest.mark.parametrize(
    "text",
    [
        "DMV met Jane, we may need to march on with the plan",
        "DMV call, meeting again next Tuesday",  # a plan, not when this happened
        "DMV call, they sat in on it and may 2x the budget",
        "DMV call about 3/4 of offices, open 24/7",
        "DMV call. issue: down since 9am yesterday",
    ],
)
def test_ordinary_words_are_not_dates(text: str) -> None:
    draft = parse(text)
    assert (draft.occurred_at, draft.follow_up, draft.problems) == (None, None, ())


def test_the_day_is_the_person_s_own() -> None:
    # 03:00 UTC Thursday is still Wednesday 17:00 in Honolulu.
    now = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    draft = parse("DMV call yesterday. follow up tomorrow", tz=HONOLULU, now=now)
    assert draft.occurred_at is not None and draft.follow_up is not None
    assert draft.occurred_at.local_date == date(2026, 11, 24)
    assert draft.follow_up.at == datetime(2026, 11, 26, 19, 0, tzinfo=UTC)


def test_people_and_contacts() -> None:
    draft = parse(
        "DMV met <@U123ABC|jane> (CTO), <@W999> and Bob Smith (deputy director). follow up with Ann Lee Fri"
    )
    assert draft.people == ("U123ABC", "W999")
    assert draft.contacts == (
        ContactMention("jane", "CTO", "U123ABC"),
        ContactMention("Bob Smith", "deputy director"),
        ContactMention("Ann Lee"),
    )


@pytest.mark.parametrize(
    ("text", "contacts"),
    [
        ("DMV met Jane (CIO)", (ContactMention("Jane", "CIO"),)),
        ("Met Jane Doe (CIO) at DMV", (ContactMention("Jane Doe", "CIO"),)),
        ("DMV call with Bob Smith", (ContactMention("Bob Smith"),)),
        ("DMV spoke to Maria and Lee", (ContactMention("Maria"), ContactMention("Lee"))),
        ("Parks and Rec met Leslie", (ContactMention("Leslie"),)),
        ("DMV met on Tuesday (2pm)", ()),
        ("DMV call. issue: login with Okta fails", ()),
    ],
)
def test_contacts(text: str, contacts: tuple[ContactMention, ...]) -> None:
    assert parse(text).contacts == contacts


@pytest.mark.parametrize(
    ("text", "summary"),
    [
        (WORKED_EXAMPLE, "met Jane (CIO) about the licensing portal outage, tense."),
        ("DMV: emailed Jane re: renewal. FU EOD", "emailed Jane re: renewal."),
        ("DMV - call with Bob", "call with Bob"),
        ("Yesterday, DMV call about kiosks", "Yesterday, call about kiosks"),
        ("DMV call, great chat :tada: f/u in 2 wks", "call, great chat :tada:"),
        ("DMV call. follow up with Jane next Tuesday on pricing", "call. follow up with Jane on pricing"),
        ("DMV call. follow up next blursday", "call. follow up next blursday"),  # nothing is lost
        ("DMV not working: kiosks", ""),
        ("  DMV   met\n\nJane  ", "met\nJane"),
    ],
)
def test_summary(text: str, summary: str) -> None:
    assert parse(text).summary == summary


def test_empty_text() -> None:
    draft = parse("   ")
    assert (draft.party, draft.kind, draft.summary) == (None, "chat", "")
    assert draft.problems == (
        "There was nothing to log. Try: /brm log DMV met Jane (CIO) about the portal, follow up Friday",
    )


def test_same_input_same_draft() -> None:
    assert parse(WORKED_EXAMPLE) == parse(WORKED_EXAMPLE)
