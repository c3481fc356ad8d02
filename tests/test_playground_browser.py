"""The playground in a real browser: headless Chromium (Debian's package) driven by Playwright, on the
page `python app.py` serves with no Slack settings, doing what a person does there.

The three journeys of issue #15 (a log with an issue and a follow-up; the follow-up's nudge closed
with ✅; the weekly digest on Monday at 9:00), then the forms, the Home tab and Block Kit the page
cannot draw. Each step's screenshot is saved under tests/screenshots/<test>/ (git-ignored), so a
person can look at what the page showed.

The playground's clock starts at the real time, so nothing here depends on the date the tests run.
"""

from __future__ import annotations

import json
import os
import re
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.support.playground import Playground, started_playground

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
LOG_WITH_ISSUE = (
    "/brm log DMV met Jane (CIO) about the licensing portal outage, tense. "
    "not working: portal login fails for field offices. follow up next Tuesday"
)
WAIT_MS = 20_000  # for what comes after the ack (a job) or the scheduler's next look
EMOJI_CODE = re.compile(r":[a-z0-9_+-]+:")


def _missing(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"the browser tests need {why} in CI", pytrace=False)
    pytest.skip(f"{why} is not installed (apt-get install chromium; pip install -e '.[test]')")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python")
    if not Path(CHROMIUM).exists():
        _missing(f"Debian's chromium ({CHROMIUM})")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Steps:
    """One test's browser page, saving a numbered screenshot of each step."""

    def __init__(self, page: object, folder: Path) -> None:
        self.page = page
        self.folder = folder
        self.count = 0

    def shot(self, name: str) -> None:
        self.count += 1
        self.page.screenshot(path=str(self.folder / f"{self.count:02d}-{name}.png"))  # type: ignore[attr-defined]


@pytest.fixture
def playground() -> Iterator[Playground]:
    with started_playground() as running:
        yield running


def open_page(browser: object, playground: Playground, request: pytest.FixtureRequest) -> Iterator[Steps]:
    folder = SCREENSHOTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    context = browser.new_context(viewport={"width": 1280, "height": 860})  # type: ignore[attr-defined]
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.set_default_timeout(WAIT_MS)
    page.goto(playground.url + "/")
    page.wait_for_function("document.getElementById('now').textContent !== '…'")
    yield Steps(page, folder)
    context.close()
    assert problems == [], f"the page's script failed: {problems}"


@pytest.fixture
def steps(browser: object, playground: Playground, request: pytest.FixtureRequest) -> Iterator[Steps]:
    yield from open_page(browser, playground, request)


def command(steps: Steps, text: str) -> None:
    steps.page.fill("#composer-text", text)
    steps.page.press("#composer-text", "Enter")


def bot_messages(steps: Steps, containing: str, *, ephemeral: bool | None = None) -> object:
    kind = "" if ephemeral is None else (".ephemeral" if ephemeral else ":not(.ephemeral)")
    return steps.page.locator(f".message{kind}", has_text=containing)


def playground_now(playground: Playground) -> datetime:
    with urllib.request.urlopen(f"{playground.url}/play/state", timeout=30) as answer:
        return datetime.fromisoformat(json.loads(answer.read())["now"])


# --------------------------------------------------------------------------- the three journeys


def test_a_log_with_an_issue_and_a_follow_up_is_answered_with_what_the_bot_understood(steps: Steps) -> None:
    steps.shot("empty-channel")
    command(steps, LOG_WITH_ISSUE)
    reply = bot_messages(steps, "Opened issue", ephemeral=True)
    reply.wait_for()
    steps.shot("reply")
    shown = reply.inner_text()
    assert "Only visible to you" in shown
    assert "Logged a meeting with DMV" in shown
    assert "Opened issue #1: portal login fails for field offices" in shown
    assert "Follow up:" in shown and "next Tuesday" in shown
    assert "Jane (CIO)" in shown
    assert EMOJI_CODE.findall(shown) == [], "every :emoji: code is drawn as the emoji"
    assert reply.locator("b", has_text="meeting").count() == 1, "mrkdwn *bold* is drawn bold"


def test_a_follow_up_comes_due_and_a_check_mark_on_the_nudge_closes_the_issue(steps: Steps) -> None:
    command(steps, LOG_WITH_ISSUE)
    bot_messages(steps, "Opened issue #1", ephemeral=True).wait_for()
    steps.shot("logged")
    steps.page.click("#to-follow-up")
    nudge = bot_messages(steps, "time to follow up on issue #1", ephemeral=False)
    nudge.wait_for()
    steps.shot("nudge")
    shown = nudge.inner_text()
    assert "@Alex Rivera" in shown and "<@" not in shown, "mentions are drawn as names"
    assert "portal login fails for field offices" in shown
    assert [b.strip() for b in nudge.locator(".block-actions button").all_inner_texts()][:1] == ["Close"]

    nudge.hover()
    nudge.locator(".add-reaction").click()
    steps.page.click(".emoji-menu [data-emoji=white_check_mark]")
    nudge.locator(".section", has_text="Closed by").wait_for()
    steps.shot("closed-by-the-check-mark")
    assert "Closed by @Alex Rivera" in nudge.inner_text()
    assert nudge.locator(".reaction.mine[data-reaction=white_check_mark]").inner_text().endswith("1")

    # Taking the ✅ away reopens it, and the nudge says so.
    nudge.locator(".reaction[data-reaction=white_check_mark]").click()
    nudge.locator(".section", has_text="Closed by").wait_for(state="detached")
    steps.shot("reopened")
    assert "Closed by" not in nudge.inner_text()


def test_the_weekly_digest_comes_on_monday_at_nine(steps: Steps, playground: Playground) -> None:
    command(steps, "/brm digest on")
    confirmation = bot_messages(steps, "Every Monday at 09:00", ephemeral=True)
    confirmation.wait_for()
    steps.shot("digest-on")
    assert "America/New_York" in confirmation.inner_text()
    command(steps, LOG_WITH_ISSUE)
    bot_messages(steps, "Opened issue #1", ephemeral=True).wait_for()

    steps.page.click("#to-monday")
    digest = bot_messages(steps, "What is not working", ephemeral=False)
    digest.wait_for()
    steps.shot("digest")
    now = playground_now(playground).astimezone(ZoneInfo("America/New_York"))
    assert (now.weekday(), now.hour) == (0, 9), now
    assert digest.locator("h3.header").inner_text().startswith("What is not working")
    assert "DMV" in digest.inner_text()
    assert "portal login fails for field offices" in digest.inner_text()


# --------------------------------------------------------------------------- forms, Home, Block Kit


@pytest.fixture
def demo() -> Iterator[Playground]:
    with started_playground("--demo") as running:
        yield running


@pytest.fixture
def demo_steps(browser: object, demo: Playground, request: pytest.FixtureRequest) -> Iterator[Steps]:
    yield from open_page(browser, demo, request)


def open_shortcut(steps: Steps, message_text: str, callback_id: str) -> None:
    """On the message in #agency-partners saying `message_text`: More actions, then the shortcut."""
    page = steps.page
    page.click("[data-channel=C0AGENCIES]")
    message = page.locator(".message", has_text=message_text)
    message.hover()
    message.locator(".more-actions").click()
    steps.shot("shortcuts")
    page.click(f"[data-shortcut={callback_id}]")
    page.wait_for_selector("#modal-backdrop:not([hidden])")


def pick_party(page: object, typed: str, name: str) -> object:
    """Type into the form's party picker; the option named `name` among those the app sends back."""
    page.fill("#in-brm_party input", "")  # type: ignore[attr-defined]
    page.type("#in-brm_party input", typed)  # type: ignore[attr-defined]
    return page.locator("#in-brm_party li[role=option]", has_text=name)  # type: ignore[attr-defined]


def test_a_message_shortcut_opens_the_form_and_its_errors_show_next_to_the_field(
    demo_steps: Steps, demo: Playground
) -> None:
    page = demo_steps.page
    open_shortcut(demo_steps, "Acme says the portal fix slips", "brm_raise_issue")
    demo_steps.shot("form-prefilled")
    assert (
        page.input_value("#in-brm_title")
        == "Acme says the portal fix slips to next Friday. DMV will not be happy."
    )

    # The party picker asks the app for its options as one types.
    option = pick_party(page, "health", "Department of Health")
    option.wait_for()
    demo_steps.shot("party-picker")
    option.click()
    page.select_option("#in-brm_owner", label="Priya Shah")

    page.fill("#in-brm_follow_up", "2020-01-01")
    page.click("#modal-submit")
    error = page.locator("[data-block-id=brm_follow_up] .field-error")
    error.wait_for()
    demo_steps.shot("field-error")
    assert "has passed" in error.inner_text()
    assert page.input_value("#in-brm_owner") != "", "what was entered is kept"

    later = (playground_now(demo) + timedelta(days=30)).astimezone(ZoneInfo("America/New_York")).date()
    page.fill("#in-brm_follow_up", later.isoformat())
    page.click("#modal-submit")
    page.wait_for_selector("#modal-backdrop", state="hidden")
    saved = page.locator(".message", has_text="raised issue")
    saved.wait_for()
    demo_steps.shot("saved")
    assert "Department of Health" in saved.inner_text() and "@Priya Shah" in saved.inner_text()


def test_the_home_tab_shows_the_bots_view(demo_steps: Steps) -> None:
    demo_steps.page.click("[data-channel^=D0]")
    home = demo_steps.page.locator("#home .block")
    home.first.wait_for()
    demo_steps.shot("home")
    assert demo_steps.page.locator("#tab-home[aria-selected=true]").count() == 1
    assert demo_steps.page.locator("#home .block-error").count() == 0


def post_as_the_bot(playground: Playground, blocks: list[dict], text: str = "fallback") -> None:
    """chat.postMessage through the stand-in's Web API, as the bot calls it."""
    request = urllib.request.Request(
        f"{playground.url}/api/chat.postMessage",
        data=json.dumps({"channel": "C0BRMTEAM", "text": text, "blocks": blocks}).encode(),
        headers={"Content-Type": "application/json", "Authorization": "Bearer xoxb-playground"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert json.loads(answer.read())["ok"] is True


def plain(text: str) -> dict:
    return {"type": "plain_text", "text": text}


def test_block_kit_and_mrkdwn_are_drawn_as_slack_draws_them(steps: Steps, playground: Playground) -> None:
    mrkdwn = (
        "*bold* _italic_ ~struck~ `code` <https://example.gov/portal|the portal> <@U0PRIYA> <#C0AGENCIES> "
        "<!here> :tada: a &lt;b&gt; not a tag"
    )
    post_as_the_bot(
        playground,
        [
            {"type": "header", "text": plain("Portal status :rotating_light:")},
            {
                "type": "section",
                "block_id": "main",
                "text": {"type": "mrkdwn", "text": mrkdwn},
                "fields": [{"type": "mrkdwn", "text": "*Owner*\n<@U0ALEX>"}, plain("High")],
                "accessory": {"type": "button", "action_id": "x", "text": plain("Open")},
            },
            {"type": "divider"},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "from the vendor"}]},
            {
                "type": "actions",
                "elements": [{"type": "button", "action_id": "a", "style": "primary", "text": plain("Yes")}],
            },
        ],
    )
    message = steps.page.locator(".message", has_text="Portal status")
    message.wait_for()
    steps.shot("block-kit")
    assert message.locator("h3.header").inner_text() == "Portal status 🚨"
    main = message.locator("[data-block-id=main]")
    assert (
        main.locator("b", has_text="bold").count() == 1 and main.locator("i", has_text="italic").count() == 1
    )
    assert (
        main.locator("s", has_text="struck").count() == 1
        and main.locator("code", has_text="code").count() == 1
    )
    assert main.locator("a", has_text="the portal").get_attribute("href") == "https://example.gov/portal"
    text = main.locator(".section-main > div").first.inner_text()
    assert "@Priya Shah" in text and "#agency-partners" in text and "@here" in text and "🎉" in text
    assert "a <b> not a tag" in text and main.locator("b", has_text="not a tag").count() == 0
    assert main.locator(".fields > div").all_inner_texts() == ["Owner\n@Alex Rivera", "High"]
    assert main.locator(".section > button", has_text="Open").count() == 1, (
        "the accessory sits beside the text"
    )
    assert message.locator("hr.divider").count() == 1
    assert message.locator(".context").inner_text() == "from the vendor"
    assert message.locator(".actions button.primary").inner_text() == "Yes"


def test_block_kit_the_page_cannot_draw_is_shown_as_an_error(steps: Steps, playground: Playground) -> None:
    # What the bot would send, with a block type the page does not know.
    post_as_the_bot(
        playground, [{"type": "section", "text": {"type": "mrkdwn", "text": "*before*"}}, {"type": "table_x"}]
    )
    error = steps.page.locator(".message .block-error")
    error.wait_for()
    steps.shot("cannot-draw")
    assert "table_x" in error.inner_text()
    assert steps.page.locator(".message b", has_text="before").count() == 1, "the rest is still drawn"


def test_an_interaction_logged_from_a_message_is_saved_on_the_day_and_time_picked(
    demo_steps: Steps, demo: Playground
) -> None:
    page = demo_steps.page
    open_shortcut(demo_steps, "Health wants a date", "brm_log_interaction")
    pick_party(page, "health", "Department of Health").click()
    page.select_option("#in-brm_kind", label="Call")
    yesterday = (playground_now(demo) - timedelta(days=1)).astimezone(ZoneInfo("America/New_York")).date()
    page.fill("#in-brm_when .dt-date", yesterday.isoformat())
    page.fill("#in-brm_when .dt-time", "14:30")
    page.fill("#in-brm_summary", "asked for a date for the data-sharing renewal")
    page.select_option("#in-brm_people", label=["Priya Shah", "Marcus Webb"])
    demo_steps.shot("form-filled")
    page.click("#modal-submit")
    page.wait_for_selector("#modal-backdrop", state="hidden")
    saved = page.locator(".message", has_text="Department of Health")
    saved.last.wait_for()
    demo_steps.shot("saved")
    assert "logged this as a call with Department of Health" in saved.last.inner_text()
    command(demo_steps, "/brm health Department of Health")
    health = bot_messages(demo_steps, "asked for a date for the data-sharing renewal", ephemeral=True)
    health.wait_for()
    demo_steps.shot("health")
    assert f"{yesterday:%a} {yesterday.day} {yesterday:%b} {yesterday.year} · call · asked for a date" in (
        health.inner_text()
    )
    # The date and time picker sends the workspace's wall time as Slack does, in epoch seconds.
    for day, expected in (
        ("2026-07-01", "2026-07-01T14:30:00-04:00"),
        ("2026-12-01", "2026-12-01T14:30:00-05:00"),
    ):
        seconds = page.evaluate(f"zonedSeconds('{day}', '14:30')")
        assert seconds == datetime.fromisoformat(expected).timestamp()


def test_a_channel_with_messages_not_yet_seen_is_marked_in_the_sidebar(demo_steps: Steps) -> None:
    page = demo_steps.page
    page.click("[data-channel=C0AGENCIES]")
    page.click("[data-channel=C0BRMTEAM]")
    assert page.locator("[data-channel=C0AGENCIES].unread").count() == 0, "seen once, nothing new"
    # The demo's first follow-up (DMV's, in #agency-partners) comes due while the person is elsewhere.
    page.click("#to-follow-up")
    page.locator("[data-channel=C0AGENCIES].unread").wait_for()
    demo_steps.shot("unread")
    page.click("[data-channel=C0AGENCIES]")
    page.locator(".message", has_text="time to follow up on issue #1").wait_for()
    demo_steps.shot("the-nudge-there")
    assert page.locator("[data-channel=C0AGENCIES].unread").count() == 0
