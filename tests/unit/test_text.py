"""Making people's text safe and tidy to show back in Slack (bot/text.py)."""

import pytest

from bot.text import as_written, name_mentions, normalise_name, plain_text, safe_mrkdwn, truncate

JOINER = "\u2060"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<!channel> portal is down", f"@{JOINER}channel portal is down"),
        ("<!here>", f"@{JOINER}here"),
        ("<!everyone> look", f"@{JOINER}everyone look"),
        ("<!here|here> now", f"@{JOINER}here now"),
        ("ping <!subteam^S0123|@oncall> please", "ping @oncall please"),
        ("met <@U123ABC|jane> and <@W999>", "met @jane and @W999"),
        ("see <#C123|general>", "see #general"),
        ("see <https://dmv.gov/status|status page>", "see status page (https://dmv.gov/status)"),
        ("see <https://dmv.gov>", "see https://dmv.gov"),
        ("mail <mailto:jane@dmv.gov|jane@dmv.gov>", "mail jane@dmv.gov"),
        ("a & b < c > d", "a &amp; b &lt; c &gt; d"),  # as the person wrote it
        ("typed &amp; literally", "typed &amp;amp; literally"),  # shown as typed, not decoded again
        ("nul\x00 and bell\x07 go, tabs\tand\nlines stay", "nul and bell go, tabs\tand\nlines stay"),
        ("plain @here and @Channel", f"plain @{JOINER}here and @{JOINER}Channel"),
        ("email jane@here.gov", "email jane@here.gov"),
        ("", ""),
    ],
)
def test_safe_mrkdwn(text: str, expected: str) -> None:
    assert safe_mrkdwn(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "<!channel>",
        "<!here>",
        "<!everyone>",
        "<!subteam^S1>",
        "<@U1>",
        "&lt;!here&gt;",
        "<<!here>>",
        "<!here",
    ],
)
def test_safe_mrkdwn_never_leaves_a_token(text: str) -> None:
    out = safe_mrkdwn(text)
    assert "<" not in out and ">" not in out
    assert "@here" not in out and "@channel" not in out and "@everyone" not in out


def test_plain_text_decodes_once() -> None:
    assert plain_text("a &amp; b, <@U1|jane>, &amp;lt;") == "a & b, @jane, &lt;"


def test_plain_text_reads_mentions_as_names_it_is_given() -> None:
    assert plain_text("thanks <@U2> and <@U3> and <@U4|al>", {"U2": "sam", "U4": "x"}) == (
        "thanks @sam and @U3 and @al"
    )


def test_name_mentions_gives_nameless_mentions_the_name_it_is_given() -> None:
    names = {"U2": "sam", "U3": "a|b<c>", "U4": "x"}
    assert name_mentions("<@U2> <@U3> <@U4|al> <@U5>", names) == "<@U2|sam> <@U3|abc> <@U4|al> <@U5>"


def test_as_written_decodes_slacks_escaping_once_and_keeps_tokens() -> None:
    assert as_written("AT&amp;T &lt;b&gt; &amp;lt; <@U1|jane>\x00\r\n") == "AT&T <b> &lt; <@U1|jane>\n"


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("exactly10!", 10, "exactly10!"),
        ("the quick brown fox jumps over", 12, "the quick…"),
        ("supercalifragilistic", 8, "superca…"),
        ("abc", 1, "…"),
    ],
)
def test_truncate(text: str, limit: int, expected: str) -> None:
    assert truncate(text, limit) == expected
    assert len(truncate(text, limit)) <= limit


def test_truncate_refuses_a_zero_limit() -> None:
    with pytest.raises(ValueError):
        truncate("abc", 0)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("D.M.V.", "dmv"),
        ("Dept. of Revenue", "dept of revenue"),
        ("  Department   of Motor Vehicles ", "department of motor vehicles"),
        ("Health & Human Services", "health and human services"),
        ("Health &amp; Human Services", "health and human services"),
        ("Mid-State Water", "mid state water"),
        ("O'Brien’s Towing", "obriens towing"),
        ("Café Municipal", "cafe municipal"),
        ("", ""),
    ],
)
def test_normalise_name(name: str, expected: str) -> None:
    assert normalise_name(name) == expected
