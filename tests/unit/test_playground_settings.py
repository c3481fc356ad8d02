"""When `python app.py` means the playground: no Slack setting at all; and PORT alone is read for it."""

from __future__ import annotations

import pytest

from settings import SettingsError, port_setting, slack_settings_given


def test_no_slack_setting_at_all_means_the_playground() -> None:
    assert slack_settings_given({}, dotenv=False) == []
    assert (
        slack_settings_given({"DATABASE_URL": "sqlite://", "PORT": "3000", "SLACK_API_URL": "http://x/"})
        == []
    )
    assert slack_settings_given({"SLACK_BOT_TOKEN": "  "}) == [], "a blank value is no setting"


@pytest.mark.parametrize("name", ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"])
def test_any_one_slack_setting_means_slack(name: str) -> None:
    assert slack_settings_given({name: "x"}) == [name]


def test_the_playground_reads_port_alone() -> None:
    assert port_setting({}) == 3000
    assert port_setting({"PORT": "4100"}) == 4100
    with pytest.raises(SettingsError, match="PORT"):
        port_setting({"PORT": "web"})
