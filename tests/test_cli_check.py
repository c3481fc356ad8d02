"""`brm-bot check`: passes on a good setup, and names each broken part, with its fix, on a bad one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ops.scopes import BOT_SCOPES
from storage.db import Database
from tests.conftest import new_postgres_database
from tests.support.cli import operator_env, run_cli
from tests.support.fake_slack import FakeSlack

ROOT = Path(__file__).resolve().parent.parent


def url_of(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=False)


def lines_of(output: str) -> dict[str, str]:
    """{"bot token": "[ok] bot token: accepted ...", ...}: each item's line, by its name."""
    found = {}
    for line in output.splitlines():
        if line.startswith(("[ok] ", "[FAIL] ", "[skip] ")):
            name = line.split("] ", 1)[1].split(":", 1)[0]
            found[name] = line
    return found


ITEMS = ["settings", "Slack reachable", "bot token", "scopes", "database reachable", "database migrated"]


def test_a_good_setup_passes_every_check(database: Database, slack: FakeSlack, tmp_path: Path) -> None:
    slack.granted_scopes = sorted(BOT_SCOPES)
    result = run_cli(["check"], operator_env(slack, url_of(database)), tmp_path)
    assert result.exit_code == 0, result.output
    items = lines_of(result.stdout)
    assert list(items) == ITEMS
    assert all(line.startswith("[ok] ") for line in items.values()), result.stdout
    assert "workspace Example (T1)" in items["bot token"]
    assert result.stdout.rstrip().endswith(f"all {len(ITEMS)} checks passed")
    assert [call.method for call in slack.calls] == ["auth.test"]


def test_a_missing_scope_is_named_with_how_to_grant_it(
    database: Database, slack: FakeSlack, tmp_path: Path
) -> None:
    slack.granted_scopes = sorted(BOT_SCOPES - {"users:read.email", "im:write"})
    result = run_cli(["check"], operator_env(slack, url_of(database)), tmp_path)
    assert result.exit_code == 1
    items = lines_of(result.stdout)
    assert items["scopes"] == "[FAIL] scopes: the token lacks im:write, users:read.email"
    assert "reinstall the app" in result.stdout
    assert [name for name, line in items.items() if line.startswith("[FAIL]")] == ["scopes"]
    assert result.stdout.rstrip().endswith("1 of 6 checks failed")


def test_no_scopes_header_is_a_failure_not_a_pass(
    database: Database, slack: FakeSlack, tmp_path: Path
) -> None:
    slack.granted_scopes = None
    result = run_cli(["check"], operator_env(slack, url_of(database)), tmp_path)
    assert result.exit_code == 1
    assert "x-oauth-scopes" in lines_of(result.stdout)["scopes"]


def test_a_refused_token_is_named(database: Database, slack: FakeSlack, tmp_path: Path) -> None:
    slack.fail_next("auth.test", error="invalid_auth")
    result = run_cli(["check"], operator_env(slack, url_of(database)), tmp_path)
    assert result.exit_code == 1
    items = lines_of(result.stdout)
    assert items["Slack reachable"].startswith("[ok]")
    assert items["bot token"] == "[FAIL] bot token: Slack refused SLACK_BOT_TOKEN (invalid_auth)"
    assert "OAuth & Permissions" in result.stdout
    assert items["scopes"] == "[skip] scopes: not checked: the token was refused"
    assert items["database migrated"].startswith("[ok]")


def test_slack_out_of_reach_is_named(database: Database, slack: FakeSlack, tmp_path: Path) -> None:
    with FakeSlack() as gone:
        unreachable = gone.url
    env = operator_env(slack, url_of(database), SLACK_API_URL=unreachable)
    result = run_cli(["check"], env, tmp_path)
    assert result.exit_code == 1
    items = lines_of(result.stdout)
    assert items["Slack reachable"].startswith(
        f"[FAIL] Slack reachable: no answer from SLACK_API_URL={unreachable}"
    )
    assert items["bot token"] == "[skip] bot token: not checked: Slack could not be reached"
    assert items["database reachable"].startswith("[ok]")
    assert result.stdout.rstrip().endswith("1 of 6 checks failed, 2 not checked")


def test_a_database_out_of_reach_is_named(slack: FakeSlack, tmp_path: Path) -> None:
    slack.granted_scopes = sorted(BOT_SCOPES)
    env = operator_env(slack, "postgresql+psycopg://brm:secret-pw@127.0.0.1:1/brm")
    result = run_cli(["check"], env, tmp_path)
    assert result.exit_code == 1
    items = lines_of(result.stdout)
    assert items["database reachable"].startswith("[FAIL] database reachable: postgresql+psycopg://brm:***@")
    assert "secret-pw" not in result.output
    assert items["database migrated"].startswith("[skip] database migrated: not checked")
    assert items["bot token"].startswith("[ok]")


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_an_unmigrated_database_is_named_and_migrate_fixes_it(
    backend: str, slack: FakeSlack, tmp_path: Path
) -> None:
    slack.granted_scopes = sorted(BOT_SCOPES)

    def check_then_migrate(url: str) -> None:
        env = operator_env(slack, url)
        before = run_cli(["check"], env, tmp_path)
        assert before.exit_code == 1
        migrated = lines_of(before.stdout)["database migrated"]
        assert migrated.startswith("[FAIL] database migrated: the schema is at nothing (empty database)")
        assert "run `brm-bot migrate`" in before.stdout
        assert run_cli(["migrate"], env, tmp_path).exit_code == 0
        after = run_cli(["check"], env, tmp_path)
        assert after.exit_code == 0, after.output

    if backend == "sqlite":
        check_then_migrate(f"sqlite:///{tmp_path / 'new.db'}")
    else:
        with new_postgres_database("brm_check") as url:
            check_then_migrate(url)


def test_socket_mode_checks_the_app_token(database: Database, slack: FakeSlack, tmp_path: Path) -> None:
    slack.granted_scopes = sorted(BOT_SCOPES)
    env = operator_env(slack, url_of(database), SLACK_APP_TOKEN="xapp-1-A1-test", SLACK_SIGNING_SECRET=None)
    good = run_cli(["check"], env, tmp_path)
    assert good.exit_code == 0, good.output
    assert lines_of(good.stdout)["settings"] == "[ok] settings: Socket Mode: SLACK_APP_TOKEN is set"
    assert lines_of(good.stdout)["app token"].startswith("[ok] app token")
    [opened] = slack.calls_to("apps.connections.open")
    assert opened.token == "xapp-1-A1-test"

    slack.fail_next("apps.connections.open", error="invalid_auth")
    bad = run_cli(["check"], env, tmp_path)
    assert bad.exit_code == 1
    assert (
        lines_of(bad.stdout)["app token"] == "[FAIL] app token: Slack refused SLACK_APP_TOKEN (invalid_auth)"
    )
    assert "connections:write" in bad.stdout


def test_a_missing_setting_fails_the_first_check(slack: FakeSlack, tmp_path: Path) -> None:
    env = operator_env(slack, "sqlite://", SLACK_BOT_TOKEN=None)
    result = run_cli(["check"], env, tmp_path)
    assert result.exit_code == 1
    assert lines_of(result.stdout)["settings"].startswith("[FAIL] settings: SLACK_BOT_TOKEN is not set")


@pytest.mark.parametrize("kind", ["http", "socket-mode"])
def test_the_scopes_check_wants_exactly_what_the_manifests_declare(kind: str) -> None:
    manifest = json.loads((ROOT / "manifests" / f"{kind}.json").read_text())
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == BOT_SCOPES
