"""Settings: every bad value stops the app with one line that names the variable."""

from __future__ import annotations

import pytest

from settings import DEFAULT_DATABASE_URL, SettingsError, load_settings

GOOD = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_SIGNING_SECRET": "s3cret"}


def load(**overrides: str) -> object:
    return load_settings({**GOOD, **overrides}, dotenv=False)


def test_defaults() -> None:
    settings = load()
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.port == 3000
    assert not settings.socket_mode


def test_socket_mode_needs_no_signing_secret() -> None:
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, dotenv=False)
    assert settings.socket_mode


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"SLACK_BOT_TOKEN": ""}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_SIGNING_SECRET": ""}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_APP_TOKEN": "xoxb-wrong-kind"}, "SLACK_APP_TOKEN"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"DATABASE_URL": "mysql://u@h/db"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgresql+psycopg2://u@h/db"}, "DATABASE_URL"),
        ({"SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL"),
        ({"PORT": "eighty"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
    ],
)
def test_bad_settings_name_the_variable(overrides: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load(**overrides)
    message = str(raised.value)
    assert message.startswith(named) and "\n" not in message


def test_postgres_urls_get_the_psycopg_driver() -> None:
    assert load(DATABASE_URL="postgres://u:p@db/brm").database_url == "postgresql+psycopg://u:p@db/brm"


def test_api_url_gets_its_trailing_slash() -> None:
    assert load(SLACK_API_URL="https://slack-gov.com/api").slack_api_url == "https://slack-gov.com/api/"


def test_repr_hides_secrets() -> None:
    settings = load(DATABASE_URL="postgresql+psycopg://brm:hunter2@db/brm")
    shown = repr(settings)
    assert "hunter2" not in shown and "xoxb" not in shown and "s3cret" not in shown
