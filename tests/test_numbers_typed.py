"""Numbers people type (settings, the digest's threshold, issue numbers, times of day) are read in ASCII
digits only: "²", "①" and "١٢" get the friendly refusal with an example, never "Sorry" or a traceback.
Signed slash commands in, replies read from the fake response_url, settings read back from the
database; on both databases."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage.models import Issue, Workspace
from tests.conftest import RunningApp
from tests.test_log_command import add_party, reply_text, rows

# What each command does with a number it cannot read: its refusal, with an example that works (the
# examples name the workspace's one issue, #1).
REFUSALS = {
    "settings renudge": ("Give the number of", "/brm settings renudge"),
    "settings cold": ("Give the number of", "/brm settings cold"),
    "digest cold": ("Give the number of days", "/brm digest cold 45"),
    "close": ("Which issue?", "/brm close #1"),
    "reopen": ("Which issue?", "/brm reopen #1"),
    "snooze": ("Which issue?", "/brm snooze #1"),
    "show": ("Which issue?", "/brm show #1"),
}
NOT_ASCII = ["²", "①", "١٢", "１２", "Ⅻ", "₃", "߃", "3²"]


@pytest.mark.parametrize("command", sorted(REFUSALS))
def test_digits_that_are_not_ascii_are_refused_kindly(app: RunningApp, command: str) -> None:
    add_party(app, "DMV")
    app.command("issue DMV portal down high")
    said, example = REFUSALS[command]
    for number in NOT_ASCII:
        reply = reply_text(app.command(f"{command} {number}"))
        assert said in reply and example in reply, (command, number, reply)
        assert "Sorry" not in reply
    # Nothing changed: the settings are the defaults, and the issue is still open.
    assert [(w.renudge_days, w.cold_after_days) for w in rows(app, Workspace)] in ([], [(7, 30)])
    [issue] = rows(app, Issue)
    assert issue.status == "open"


def test_ascii_digits_still_work(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("issue DMV portal down high")
    assert "14" in reply_text(app.command("settings renudge 14"))
    assert "45" in reply_text(app.command("digest cold 045"))
    assert "Closed" in reply_text(app.command("close #1 patched"))
    [workspace] = rows(app, Workspace)
    assert (workspace.renudge_days, workspace.cold_after_days) == (14, 45)
    [issue] = rows(app, Issue)
    assert issue.status == "closed"


def test_a_time_of_day_in_other_digits_is_not_a_time(app: RunningApp) -> None:
    add_party(app, "DMV")
    reply = reply_text(app.command("digest on monday ９:００"))
    assert "I don't know a party called “９:００”" in reply and "/brm digest on monday 9:00" in reply


# Text weighted towards what used to break: a number in digits of any script, alone or among the
# signs and words people put around numbers.
# "²", "①": digits to `str.isdigit`, not to `int()`.
NOT_DECIMAL = [chr(code) for code in range(0x20000) if chr(code).isdigit() and not chr(code).isdecimal()]
digit = st.one_of(
    st.sampled_from(NOT_DECIMAL),
    st.characters(categories=["Nd", "No", "Nl"]),
    st.sampled_from("0123456789"),
)
number = st.text(digit, min_size=1, max_size=4)
word = st.one_of(
    number,
    st.sampled_from(["#", "0", "12", "-", "+", ".", ":", "am", "pm", "days", "issue", "\x00", "DMV"]),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=4),
)
numberish = st.one_of(number, st.lists(word, max_size=4).map(" ".join))
COMMANDS = [
    "settings renudge",
    "settings cold",
    "settings holidays",
    "digest cold",
    "digest on",
    "close",
    "reopen",
    "snooze #1",
    "snooze",
    "show",
    "issue",
    "assign",
    "list",
    "log DMV call. follow up",
]


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(command=st.sampled_from(COMMANDS), text=numberish)
def test_no_text_makes_a_command_that_reads_numbers_say_sorry(
    app: RunningApp, command: str, text: str
) -> None:
    reply = reply_text(app.command(f"{command} {text}"))
    assert "Sorry, that didn't work" not in reply, (command, text, reply)
