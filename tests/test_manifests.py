"""The app manifests (manifests/*.json) against what the code really does.

What the app listens for is read from the built Bolt app (its listeners keep their matchers, and each
matcher keeps the id it matches); the Web API methods it calls are found by scanning the source. Each
must be covered by the manifest: a slash command, a shortcut, an event subscription, a URL Slack sends
the payload to, and the scopes in `METHOD_SCOPES` / `EVENT_SCOPES`. A method the code starts calling
fails this test until it is in the table, with the scopes Slack's reference gives it, and in the
manifests; a scope declared that nothing needs fails it too (least privilege).
"""

from __future__ import annotations

import ast
import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App
from slack_sdk import WebClient

from app import SLACK_EVENTS_PATH, build_app
from tests.conftest import make_settings
from tests.support.app_code import app_modules
from tests.support.fake_slack import FakeSlack

ROOT = Path(__file__).resolve().parent.parent
MANIFESTS = {"http": ROOT / "manifests" / "http.json", "socket-mode": ROOT / "manifests" / "socket-mode.json"}

# Bot scopes each Web API method needs (Slack's method reference, "Required scopes"). Where a method
# works on every kind of conversation, it needs the scope of each kind the app meets: public and
# private channels, DMs and group DMs (a shortcut or `/brm digest here` can come from any of them).
METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "auth.test": (),
    # chat:write.public: nudges and digests post to a party's public home channel without an invite.
    "chat.postMessage": ("chat:write", "chat:write.public"),
    "chat.update": ("chat:write",),
    "chat.getPermalink": (),
    "conversations.info": ("channels:read", "groups:read", "im:read", "mpim:read"),
    "conversations.history": ("channels:history", "groups:history", "im:history", "mpim:history"),
    "conversations.open": ("im:write",),  # always a DM with one person
    "reactions.add": ("reactions:write",),
    "users.info": ("users:read",),
    "views.open": (),
    "views.publish": (),
}
EVENT_SCOPES: dict[str, tuple[str, ...]] = {
    "app_home_opened": (),
    "reaction_added": ("reactions:read",),
    "reaction_removed": ("reactions:read",),
    "user_change": ("users:read",),
}
# Slash commands and shortcuts both need `commands`.
INTERACTIVE_SCOPE = "commands"


@dataclass
class Registered:
    """What the Bolt app has listeners for."""

    commands: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)
    shortcuts: set[str] = field(default_factory=set)
    views: set[str] = field(default_factory=set)  # view_submission and view_closed callback ids
    actions: set[str] = field(default_factory=set)
    options: set[str] = field(default_factory=set)  # external_select action ids
    unknown: list[str] = field(default_factory=list)  # matchers this reader does not understand


def registered(bolt: App) -> Registered:
    """Read the listeners off the app: Bolt's built-in matchers close over the id they match."""
    found = Registered()
    kinds = {
        "command": ("command", found.commands),
        "event": ("event_type", found.events),
        "shortcut": ("callback_id", found.shortcuts),
        "view_submission": ("callback_id", found.views),
        "view_closed": ("callback_id", found.views),
        "action": ("constraints", found.actions),
        "options": ("constraints", found.options),
    }
    for listener in bolt._listeners:
        for matcher in listener.matchers:
            func = getattr(matcher, "func", None)
            kind = getattr(func, "__qualname__", "").split(".<locals>")[0]
            cells = dict(
                zip(func.__code__.co_freevars, (c.cell_contents for c in func.__closure__ or ()), strict=True)
            )
            if kind not in kinds or kinds[kind][0] not in cells or not isinstance(cells[kinds[kind][0]], str):
                found.unknown.append(f"{kind or matcher!r}: {cells}")
                continue
            kinds[kind][1].add(str(cells[kinds[kind][0]]))
    return found


def _python_files() -> Iterator[Path]:
    """The app's own code; tests and benchmarks call Slack only to drive or measure it."""
    yield from app_modules().values()


WEB_CLIENT_METHODS = {
    name for name in dir(WebClient) if not name.startswith("_") and "_" in name and name != "api_call"
}


def called_methods(files: list[Path] | None = None) -> dict[str, str]:
    """Every Web API method the code calls ({"chat.postMessage": "handlers/x.py:12"}): calls of a
    WebClient method by name (`client.chat_postMessage(...)`) and `api_call("chat.postMessage")`."""
    found: dict[str, str] = {}
    for path in files if files is not None else list(_python_files()):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            where = f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{node.lineno}"
            name = node.func.attr
            if name == "api_call" and node.args and isinstance(node.args[0], ast.Constant):
                found.setdefault(str(node.args[0].value), where)
            elif name in WEB_CLIENT_METHODS:
                found.setdefault(name.replace("_", "."), where)
    return found


def manifest_problems(
    manifest: dict[str, Any], app: Registered, methods: dict[str, str], *, http: bool
) -> list[str]:
    """What the manifest lacks for this app (empty when it covers everything), one line each."""
    problems = [f"a listener this check cannot read: {m}" for m in app.unknown]
    features, settings = manifest.get("features", {}), manifest.get("settings", {})
    interactivity, subscriptions = settings.get("interactivity", {}), settings.get("event_subscriptions", {})
    declared_scopes = set(manifest.get("oauth_config", {}).get("scopes", {}).get("bot", []))

    def url(where: str, value: Any) -> None:
        if http and not (isinstance(value, str) and value.endswith(SLACK_EVENTS_PATH)):
            problems.append(f"{where} must be the app's address ending in {SLACK_EVENTS_PATH}, not {value!r}")

    if settings.get("socket_mode_enabled") is http:
        problems.append(f"settings.socket_mode_enabled must be {not http}")

    commands = {c.get("command"): c for c in features.get("slash_commands", [])}
    for command in sorted(app.commands):
        if command not in commands:
            problems.append(f"slash command {command} is not declared in features.slash_commands")
        else:
            url(f"features.slash_commands[{command}].url", commands[command].get("url"))

    shortcuts = {s.get("callback_id") for s in features.get("shortcuts", [])}
    problems += [
        f"shortcut {s} is not declared in features.shortcuts" for s in sorted(app.shortcuts - shortcuts)
    ]
    problems += [
        f"shortcut {s} is declared but nothing listens for it" for s in sorted(shortcuts - app.shortcuts)
    ]

    if app.shortcuts or app.views or app.actions or app.options:
        if interactivity.get("is_enabled") is not True:
            problems.append("settings.interactivity.is_enabled must be true (shortcuts, views, actions)")
        url("settings.interactivity.request_url", interactivity.get("request_url"))
    if app.options:
        # Without it Slack has nowhere to ask for an external_select's options: the picker stays empty.
        url(
            f"settings.interactivity.message_menu_options_url (options for {sorted(app.options)})",
            interactivity.get("message_menu_options_url"),
        )

    bot_events = set(subscriptions.get("bot_events", []))
    problems += [
        f"event {e} is not in settings.event_subscriptions.bot_events"
        for e in sorted(app.events - bot_events)
    ]
    problems += [
        f"event {e} is subscribed but nothing listens for it" for e in sorted(bot_events - app.events)
    ]
    if app.events:
        url("settings.event_subscriptions.request_url", subscriptions.get("request_url"))
    if "app_home_opened" in app.events and not features.get("app_home", {}).get("home_tab_enabled"):
        problems.append("features.app_home.home_tab_enabled must be true (the app draws a Home tab)")

    needed: dict[str, str] = {}
    if app.commands or app.shortcuts:
        needed[INTERACTIVE_SCOPE] = "slash commands and shortcuts"
    for event in sorted(app.events):
        if event not in EVENT_SCOPES:
            problems.append(f"event {event} has no entry in EVENT_SCOPES: add the scopes Slack lists for it")
        for scope in EVENT_SCOPES.get(event, ()):
            needed.setdefault(scope, f"event {event}")
    for method, where in sorted(methods.items()):
        if method not in METHOD_SCOPES:
            problems.append(
                f"{method} ({where}) has no entry in METHOD_SCOPES: add the scopes Slack lists for it"
            )
        for scope in METHOD_SCOPES.get(method, ()):
            needed.setdefault(scope, f"{method} ({where})")
    for scope, why in sorted(needed.items()):
        if scope not in declared_scopes:
            problems.append(f"bot scope {scope} is missing (needed by {why})")
    problems += [
        f"bot scope {s} is declared but nothing needs it" for s in sorted(declared_scopes - set(needed))
    ]
    return problems


# --------------------------------------------------------------------------- the real manifests


@pytest.fixture(scope="module")
def the_app() -> Iterator[Registered]:
    with FakeSlack() as fake:
        brm = build_app(make_settings(fake), run_jobs_here=False)  # only its listeners are read
        try:
            yield registered(brm.bolt)
        finally:
            brm.close()


def load(kind: str) -> dict[str, Any]:
    return json.loads(MANIFESTS[kind].read_text())


@pytest.mark.parametrize("kind", sorted(MANIFESTS))
def test_the_manifest_covers_everything_the_app_listens_for_and_calls(kind: str, the_app: Registered) -> None:
    assert manifest_problems(load(kind), the_app, called_methods(), http=kind == "http") == []


def test_the_reader_finds_the_apps_listeners_and_calls(the_app: Registered) -> None:
    # Guards the checker itself: were it to read nothing, every manifest would pass.
    assert "/brm" in the_app.commands
    assert {"reaction_added", "reaction_removed", "app_home_opened", "user_change"} <= the_app.events
    assert {"brm_log_interaction", "brm_raise_issue", "brm_new_interaction"} <= the_app.shortcuts
    assert "brm_party" in the_app.options and the_app.views and the_app.actions
    assert {"chat.postMessage", "users.info", "conversations.history", "views.open"} <= set(called_methods())


def test_both_manifests_describe_the_same_app_but_for_how_slack_reaches_it() -> None:
    http, socket = load("http"), load("socket-mode")
    assert http["oauth_config"] == socket["oauth_config"]
    assert http["features"]["shortcuts"] == socket["features"]["shortcuts"]
    assert (
        http["settings"]["event_subscriptions"]["bot_events"]
        == socket["settings"]["event_subscriptions"]["bot_events"]
    )


def test_the_readme_names_every_address_to_edit_in_the_http_manifest() -> None:
    text = MANIFESTS["http"].read_text()
    places = text.count("https://brm-bot.example.gov/slack/events")
    assert places == text.count("brm-bot.example.gov") == 4
    section = (ROOT / "README.md").read_text().split("## Create the Slack app", 1)[1].split("\n## ", 1)[0]
    assert "four places" in section
    for key in ("slash_commands", "event_subscriptions", "interactivity", "message_menu_options_url"):
        assert key in section


# --------------------------------------------------------------------------- the checker fails when it should


@pytest.fixture
def http_manifest() -> dict[str, Any]:
    return copy.deepcopy(load("http"))


def test_an_options_listener_without_an_options_load_url_is_reported(
    http_manifest: dict[str, Any], the_app: Registered
) -> None:
    del http_manifest["settings"]["interactivity"]["message_menu_options_url"]
    [problem] = manifest_problems(http_manifest, the_app, called_methods(), http=True)
    assert "message_menu_options_url" in problem and "brm_party" in problem


def test_a_missing_scope_names_the_call_that_needs_it(
    http_manifest: dict[str, Any], the_app: Registered
) -> None:
    http_manifest["oauth_config"]["scopes"]["bot"].remove("mpim:history")
    [problem] = manifest_problems(http_manifest, the_app, called_methods(), http=True)
    assert problem.startswith("bot scope mpim:history is missing (needed by conversations.history (runtime/")


def test_a_listener_added_without_its_manifest_entry_is_reported(http_manifest: dict[str, Any]) -> None:
    with FakeSlack() as fake:
        brm = build_app(make_settings(fake), run_jobs_here=False)  # only its listeners are read
        try:
            brm.bolt.event("member_joined_channel")(lambda ack: ack())
            brm.bolt.shortcut("brm_new_shortcut")(lambda ack: ack())
            app = registered(brm.bolt)
        finally:
            brm.close()
    problems = manifest_problems(http_manifest, app, called_methods(), http=True)
    assert problems == [
        "shortcut brm_new_shortcut is not declared in features.shortcuts",
        "event member_joined_channel is not in settings.event_subscriptions.bot_events",
        "event member_joined_channel has no entry in EVENT_SCOPES: add the scopes Slack lists for it",
    ]


def test_a_new_web_api_call_is_reported_until_it_is_in_the_table(
    http_manifest: dict[str, Any], the_app: Registered, tmp_path: Path
) -> None:
    source = tmp_path / "pins.py"
    source.write_text(
        'def pin(client):\n    client.pins_add(channel="C1")\n    client.api_call("bookmarks.add")\n'
    )
    methods = {**called_methods(), **called_methods([source])}
    problems = manifest_problems(http_manifest, the_app, methods, http=True)
    assert [p.split(" (")[0] for p in problems] == ["bookmarks.add", "pins.add"]
    assert all("no entry in METHOD_SCOPES" in p for p in problems)


def test_an_unsubscribed_event_and_a_missing_url_are_reported(
    http_manifest: dict[str, Any], the_app: Registered
) -> None:
    http_manifest["settings"]["event_subscriptions"]["bot_events"].remove("reaction_removed")
    del http_manifest["features"]["slash_commands"][0]["url"]
    problems = manifest_problems(http_manifest, the_app, called_methods(), http=True)
    assert problems == [
        "features.slash_commands[/brm].url must be the app's address ending in /slack/events, not None",
        "event reaction_removed is not in settings.event_subscriptions.bot_events",
    ]


def test_a_scope_nothing_needs_is_reported(http_manifest: dict[str, Any], the_app: Registered) -> None:
    http_manifest["oauth_config"]["scopes"]["bot"].append("files:write")
    assert manifest_problems(http_manifest, the_app, called_methods(), http=True) == [
        "bot scope files:write is declared but nothing needs it"
    ]
