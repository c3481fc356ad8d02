"""The capture forms and what a message prefills in them (bot/forms.py, bot/capture.py): pure logic."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.models.views import View as SdkView

from bot.capture import (
    interaction_receipt,
    issue_receipt,
    message_text,
    prefill_from_message,
)
from bot.form_fields import MAX_PARTY_OPTIONS, Field, PartyChoice, Source, blank_prefill
from bot.form_reading import FormErrors, read_interaction_form, read_issue_form
from bot.forms import already_captured_modal, describe_record, interaction_modal, issue_modal
from bot.party_names import KnownParty
from bot.party_select import party_options, read_party
from bot.text import short_title
from storage.models import Interaction, Issue, Party
from tests.support.block_kit import problems

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # Thursday 10:00 in New York
SOURCE = Source(tz="America/New_York", channel_id="C1", message_ts="1795705200.000100")
PARTIES = [
    KnownParty(1, "DMV", ("Department of Motor Vehicles",)),
    KnownParty(2, "Department of Revenue"),
    KnownParty(3, "Water Board"),
    KnownParty(4, "Acme Cloud", ("Acme",)),
]


def option(value: str, label: str = "x") -> dict[str, Any]:
    return {"selected_option": {"text": {"type": "plain_text", "text": label}, "value": value}}


def interaction_values(**changes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    states: dict[str, dict[str, Any]] = {
        Field.PARTY: option("party:1", "DMV"),
        Field.KIND: option("call"),
        Field.WHEN: {"selected_date_time": int((NOW - timedelta(hours=1)).timestamp())},
        Field.SUMMARY: {"value": "  Portal outage review  "},
        Field.PEOPLE: {"selected_users": ["U2", "U3", "U2"]},
        Field.SENTIMENT: {"selected_option": None},
        Field.FOLLOW_UP: {"selected_date": None},
        **changes,
    }
    return {block: {block: state} for block, state in states.items()}


def issue_values(**changes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    states: dict[str, dict[str, Any]] = {
        Field.PARTY: option("new:Acme Widgets"),
        Field.TITLE: {"value": "Renewal emails bounce"},
        Field.DETAILS: {"value": ""},
        Field.SEVERITY: option("high"),
        Field.OWNER: {"selected_user": "U2"},
        Field.FOLLOW_UP: {"selected_date": "2026-11-27"},
        **changes,
    }
    return {block: {block: state} for block, state in states.items()}


def errors_of(read: Any, values: dict, source: Source = SOURCE, now: datetime = NOW) -> dict[str, str]:
    with pytest.raises(FormErrors) as refused:
        read(values, source, now)
    return refused.value.errors


# --------------------------------------------------------------------------- the source


def test_source_travels_in_private_metadata() -> None:
    source = Source(
        tz="America/Los_Angeles",
        channel_id="C1",
        message_ts="1.2",
        thread_ts="0.1",
        message_user="U2",
        response_url="https://hooks.slack.com/actions/T1/1/" + "x" * 200,
        follow_up="2026-12-01T14:00:00+00:00",
    )
    metadata = source.to_metadata()
    assert len(metadata) < 3000  # Slack's limit for private_metadata
    assert Source.from_metadata(metadata) == source
    assert Source.from_metadata(Source(tz="UTC").to_metadata()) == Source(tz="UTC")


@pytest.mark.parametrize("raw", ["not json", "[1, 2]", "42"])
def test_metadata_that_is_not_ours_is_refused(raw: str) -> None:
    with pytest.raises(ValueError):
        Source.from_metadata(raw)


def test_an_unknown_timezone_falls_back_to_utc() -> None:
    assert Source(tz="Mars/Olympus").zone == ZoneInfo("UTC")


# --------------------------------------------------------------------------- the party select


def values_of(options: list[dict[str, Any]]) -> list[str]:
    return [o["value"] for o in options]


def test_nothing_typed_lists_every_party_by_name() -> None:
    assert values_of(party_options("", PARTIES)) == ["party:4", "party:2", "party:1", "party:3"]


def test_names_starting_with_the_words_come_first_then_aliases_then_the_new_party() -> None:
    options = party_options("dep", PARTIES)
    assert values_of(options) == ["party:2", "party:1", "new:dep"]
    assert options[1]["text"]["text"] == "DMV · Department of Motor Vehicles"  # why it matched
    assert options[2]["text"]["text"] == "➕ New party: dep"


def test_a_name_match_comes_before_an_alias_match() -> None:
    parties = [KnownParty(1, "Acme", ("Beta Systems",)), KnownParty(2, "Beta Corp")]
    assert values_of(party_options("beta", parties))[:2] == ["party:2", "party:1"]


def test_a_word_inside_a_name_matches() -> None:
    assert values_of(party_options("board", PARTIES))[0] == "party:3"
    assert values_of(party_options("revenue", PARTIES))[0] == "party:2"


def test_typos_and_acronyms_find_the_closest_party() -> None:
    assert values_of(party_options("DVM", PARTIES)) == ["party:1", "new:DVM"]
    assert values_of(party_options("dept of motor vehicle", PARTIES))[0] == "party:1"


@pytest.mark.parametrize("typed", ["dmv", "D.M.V.", "acme", "Department of Motor Vehicles"])
def test_no_new_party_is_offered_for_an_existing_name_or_alias(typed: str) -> None:
    assert not any(value.startswith("new:") for value in values_of(party_options(typed, PARTIES)))


def test_at_most_a_hundred_options_and_the_new_party_is_always_one() -> None:
    many = [KnownParty(i, f"Agency {i:03}") for i in range(1, 300)]
    options = party_options("agency", many)
    assert len(options) == MAX_PARTY_OPTIONS
    assert options[-1]["value"] == "new:agency"
    assert len(party_options("", many)) == MAX_PARTY_OPTIONS


def test_option_labels_and_values_fit_slacks_limits() -> None:
    long_name = "Department of " + "Very " * 40 + "Long Names"
    [known, new] = party_options("department", [KnownParty(9, long_name)])
    assert len(known["text"]["text"]) <= 75
    assert len(new["value"]) <= 150 and len(new["text"]["text"]) <= 75


@pytest.mark.parametrize(
    ("value", "label", "expected"),
    [
        ("party:12", "DMV · Department of Motor Vehicles", PartyChoice(12, "DMV")),
        ("new:  Acme   Cloud ", "➕ New party: Acme Cloud", PartyChoice(None, "Acme Cloud")),
        ("new:", "", None),
        ("party:abc", "", None),
        ("12", "", None),
        (None, "", None),
    ],
)
def test_reading_the_chosen_party(value: str | None, label: str, expected: PartyChoice | None) -> None:
    assert read_party(value, label) == expected


# --------------------------------------------------------------------------- building the modals


def inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {block["block_id"]: block["element"] for block in view["blocks"] if block["type"] == "input"}


def test_every_input_has_its_field_as_block_and_action_id() -> None:
    for view in (
        interaction_modal(blank_prefill(user_id="U1", now=NOW), Source(), callback_id="cb"),
        issue_modal(blank_prefill(user_id="U1", now=NOW), Source(), callback_id="cb"),
    ):
        assert view["notify_on_close"] is True and len(view["title"]["text"]) <= 24
        for block_id, element in inputs(view).items():
            assert element["action_id"] == block_id
            assert block_id in {f.value for f in Field}


def test_the_modals_are_views_slacks_own_sdk_models_accept() -> None:
    # slack_sdk's models know every Block Kit element and limit; a view they read back unchanged uses
    # only fields Slack knows, and validate_json() checks the lengths Slack enforces.
    read = prefill_from_message(
        "DMV call with <@U2>: portal down, tense. follow up Friday " * 60,
        user_id="U1", sent_at=NOW, now=NOW, tz=NY, parties=PARTIES, author="U3",
    )  # fmt: skip
    source = Source(tz="America/New_York", channel_id="C1", message_ts="1.2", message_user="U3")
    for modal in (
        interaction_modal(read, source, callback_id="cb"),
        issue_modal(read, source, callback_id="cb"),
        interaction_modal(blank_prefill(user_id="U1", now=NOW), Source(), callback_id="cb"),
        already_captured_modal(kind="issue", existing=["• issue *#3*"], callback_id="cb"),
    ):
        view = SdkView(**modal)
        view.validate_json()
        assert json.dumps(view.to_dict(), sort_keys=True) == json.dumps(modal, sort_keys=True)


def test_a_blank_form_sets_no_empty_initial_values() -> None:
    view = interaction_modal(blank_prefill(user_id="U1", now=NOW), Source(), callback_id="cb")
    fields = inputs(view)
    assert "initial_option" not in fields[Field.PARTY]
    assert "initial_value" not in fields[Field.SUMMARY]
    assert "initial_users" not in fields[Field.PEOPLE]
    assert "initial_date" not in fields[Field.FOLLOW_UP]
    assert fields[Field.WHEN]["initial_date_time"] == int(NOW.timestamp())
    assert not any(block["type"] == "context" for block in view["blocks"])  # no message to point at


def test_a_very_long_message_fits_the_text_inputs() -> None:
    prefill = prefill_from_message(
        "DMV " + "word " * 2000, user_id="U1", sent_at=NOW, now=NOW, tz=NY, parties=PARTIES
    )
    fields = inputs(issue_modal(prefill, SOURCE, callback_id="cb"))
    assert len(fields[Field.TITLE]["initial_value"]) <= 150
    assert len(fields[Field.DETAILS]["initial_value"]) <= fields[Field.DETAILS]["max_length"] == 3000


# --------------------------------------------------------------------------- reading a submitted form


def test_a_complete_interaction_form() -> None:
    form = read_interaction_form(interaction_values(), SOURCE, NOW)
    assert form.party == PartyChoice(1, "DMV")
    assert (form.kind, form.summary, form.sentiment, form.follow_up) == (
        "call",
        "Portal outage review",
        None,
        None,
    )
    assert form.people == ("U2", "U3")
    assert form.occurred_at == NOW - timedelta(hours=1)


def test_every_problem_is_reported_at_once_next_to_its_field() -> None:
    errors = errors_of(
        read_interaction_form,
        interaction_values(
            **{
                Field.PARTY: {"selected_option": None},
                Field.KIND: option("séance"),
                Field.SUMMARY: {"value": "   "},
                Field.WHEN: {"selected_date_time": int((NOW + timedelta(days=1)).timestamp())},
                Field.FOLLOW_UP: {"selected_date": "2026-11-25"},
            }
        ),
    )
    assert set(errors) == {Field.PARTY, Field.KIND, Field.SUMMARY, Field.WHEN, Field.FOLLOW_UP}
    assert "Fri 27 Nov 2026, 10:00 is still to come" in errors[Field.WHEN]  # in the person's timezone
    assert errors[Field.FOLLOW_UP] == "Wed 25 Nov has passed; pick a day still to come."


def test_a_follow_up_picked_without_a_time_is_due_at_nine_local() -> None:
    form = read_interaction_form(
        interaction_values(**{Field.FOLLOW_UP: {"selected_date": "2026-12-01"}}), SOURCE, NOW
    )
    assert form.follow_up is not None
    assert form.follow_up.at == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)


def test_a_follow_up_today_is_at_five_and_refused_once_five_has_passed() -> None:
    today = interaction_values(**{Field.FOLLOW_UP: {"selected_date": "2026-11-26"}})
    form = read_interaction_form(today, SOURCE, NOW)
    assert form.follow_up is not None and form.follow_up.at == datetime(2026, 11, 26, 22, 0, tzinfo=UTC)
    evening = NOW + timedelta(hours=8)  # 18:00 in New York
    errors = errors_of(
        read_interaction_form,
        interaction_values(
            **{
                Field.WHEN: {"selected_date_time": int(NOW.timestamp())},
                Field.FOLLOW_UP: {"selected_date": "2026-11-26"},
            }
        ),
        now=evening,
    )
    assert "is over for today" in errors[Field.FOLLOW_UP]


def test_the_time_read_from_the_message_is_kept_when_the_day_is_unchanged() -> None:
    source = Source(tz="America/New_York", follow_up="2026-11-27T20:00:00+00:00")  # Friday 15:00 NY
    kept = read_interaction_form(
        interaction_values(**{Field.FOLLOW_UP: {"selected_date": "2026-11-27"}}), source, NOW
    )
    assert kept.follow_up is not None and kept.follow_up.at == datetime(2026, 11, 27, 20, 0, tzinfo=UTC)
    moved = read_interaction_form(
        interaction_values(**{Field.FOLLOW_UP: {"selected_date": "2026-11-30"}}), source, NOW
    )
    assert moved.follow_up is not None and moved.follow_up.at == datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


def test_a_complete_issue_form() -> None:
    form = read_issue_form(issue_values(), SOURCE, NOW)
    assert form.party == PartyChoice(None, "Acme Widgets")
    assert (form.title, form.details, form.severity, form.owner_id) == (
        "Renewal emails bounce",
        None,
        "high",
        "U2",
    )
    assert form.follow_up is not None and form.follow_up.at == datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


def test_issue_form_problems() -> None:
    errors = errors_of(
        read_issue_form,
        issue_values(
            **{
                Field.TITLE: {"value": "x" * 501},
                Field.SEVERITY: {"selected_option": None},
                Field.OWNER: {"selected_user": None},
            }
        ),
    )
    assert set(errors) == {Field.TITLE, Field.SEVERITY, Field.OWNER}
    assert "501 characters" in errors[Field.TITLE]


def test_a_form_missing_whole_blocks_is_refused_not_crashed() -> None:
    assert set(errors_of(read_issue_form, {})) == {Field.PARTY, Field.TITLE, Field.SEVERITY, Field.OWNER}


# --------------------------------------------------------------------------- what a message prefills


def prefill(text: str, **kwargs: Any):
    arguments: dict[str, Any] = {
        "user_id": "U1",
        "sent_at": NOW - timedelta(minutes=10),
        "now": NOW,
        "tz": NY,
    }
    arguments.update(kwargs)
    return prefill_from_message(text, parties=arguments.pop("parties", PARTIES), **arguments)


def test_a_message_naming_a_known_party() -> None:
    read = prefill("Call with <@U2|sam> from Dept. of Revenue went great. follow up Monday", author="U3")
    assert read.party == PartyChoice(2, "Department of Revenue")
    assert (read.kind, read.sentiment) == ("call", "positive")
    assert read.people == ("U3", "U2")  # the author, then who is mentioned
    assert read.text.startswith("Call with @sam from Dept. of Revenue")
    assert read.follow_up is not None and read.follow_up.at == datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


def test_the_bot_is_not_a_person_involved_and_the_author_counts_once() -> None:
    assert prefill("DMV: thanks <@U3> and <@UBOT>", author="U3", ignore_people=["UBOT"]).people == ("U3",)
    assert prefill("DMV: renewals are late", author="U1").people == ()  # the person capturing logged it


def test_without_a_known_party_the_channels_usual_one_is_offered() -> None:
    usual = PartyChoice(3, "Water Board")
    assert prefill("Thanks all, quick update on invoices", usual_party=usual).party == usual
    assert prefill("Thanks all, quick update on invoices").party is None  # never a party "Thanks all"
    assert prefill("Acme here: invoices are late", usual_party=usual).party == PartyChoice(4, "Acme Cloud")


def test_dates_are_read_as_of_when_the_message_was_sent() -> None:
    last_week = NOW - timedelta(days=7)  # Thursday 19 November
    stale = prefill("DMV call. follow up Monday", sent_at=last_week)
    assert stale.follow_up is None  # Monday 23 November has passed
    fresh = prefill("DMV call. follow up in 2 weeks", sent_at=last_week)
    assert fresh.follow_up is not None and fresh.follow_up.local_date.isoformat() == "2026-12-03"
    assert prefill("DMV call", sent_at=last_week).occurred_at == last_week
    yesterday = prefill("DMV call yesterday about renewals")
    assert yesterday.occurred_at == datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # 12:00 in New York


def test_an_issue_title_from_a_not_working_clause_or_the_first_sentence() -> None:
    assert (
        prefill("DMV: not working: renewal emails bounce. follow up Friday").title == "renewal emails bounce"
    )
    long = "The licensing portal has been failing for field offices since Monday. " + "More detail. " * 20
    assert short_title(long) == "The licensing portal has been failing for field offices since Monday."
    assert short_title("\n\n  short one\nsecond line") == "short one"
    assert short_title("") == ""


def test_a_message_with_only_attachments_uses_their_text() -> None:
    assert message_text(
        {"text": "", "attachments": [{"fallback": "Fwd: invoice"}, {"text": "late again"}]}
    ) == ("Fwd: invoice\nlate again")
    assert message_text({"text": "hello", "attachments": [{"text": "ignored"}]}) == "hello"
    assert message_text({}) == ""


# --------------------------------------------------------------------------- what the bot says


def test_an_already_captured_record_is_described_safely() -> None:
    party = Party(id=1, team_id="T1", name="<!here> Acme", name_key="acme")
    issue = Issue(team_id="T1", number=3, party_id=1, title="<!channel> down", owner_id="U2", raised_by="U1")
    line = describe_record(issue, party, NY)
    assert line.startswith("• issue *#3* (open) with *@\u2060here Acme*")
    assert "<!channel>" not in line and "owner <@U2>" in line
    interaction = Interaction(
        team_id="T1", party_id=1, occurred_at=NOW, kind="email", summary="x", logged_by="U1"
    )
    assert "an *email* with" in describe_record(interaction, None, NY)
    assert "a party no longer there" in describe_record(interaction, None, NY)


def shown(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_the_thread_reply_says_what_was_recorded_but_not_the_mood() -> None:
    party = Party(id=1, team_id="T1", name="<!channel> Acme", name_key="acme")
    interaction = Interaction(
        team_id="T1", party_id=1, occurred_at=NOW, kind="call", summary="tense call", sentiment="negative",
        logged_by="U1", permalink="https://x.slack.com/archives/C1/p1",
        follow_up_at=datetime(2026, 12, 1, 14, tzinfo=UTC),
    )  # fmt: skip
    text, blocks = interaction_receipt(interaction, party, NY, in_thread=True)
    assert problems(text, blocks) == []
    assert "<@U1> logged this as a *call*" in shown(blocks)
    assert "<!channel>" not in text + shown(blocks)
    assert "negative" not in shown(blocks) and "tense" not in shown(blocks)
    assert "<!date^" in shown(blocks)  # each reader sees the follow-up in their own timezone
    _, direct = interaction_receipt(interaction, party, NY, in_thread=False)
    assert "from <https://x.slack.com/archives/C1/p1|this message>" in shown(direct)


def test_the_issue_reply_gives_its_number_owner_and_severity() -> None:
    party = Party(id=1, team_id="T1", name="DMV", name_key="dmv")
    issue = Issue(
        team_id="T1", number=7, party_id=1, title="Renewal <!here> emails bounce", severity="high",
        owner_id="U2", raised_by="U1",
    )  # fmt: skip
    text, blocks = issue_receipt(issue, party, NY)
    assert problems(text, blocks) == []
    assert text == "Issue #7 raised with DMV"
    assert "*#7*" in shown(blocks) and "owner <@U2>" in shown(blocks) and "*high*" in shown(blocks)
    assert "<!here>" not in shown(blocks)
    assert "/brm close #7" in shown(blocks)
