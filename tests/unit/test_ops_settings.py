"""The operations settings: HOST, LOG_FORMAT and METRICS_PORT, with their defaults and bad values."""

from __future__ import annotations

import pytest

from settings import SettingsError, load_settings

GOOD = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_SIGNING_SECRET": "s3cret"}


def load(**overrides: str):  # type: ignore[no-untyped-def]
    return load_settings({**GOOD, **overrides}, dotenv=False)


def test_defaults_stay_as_they_were() -> None:
    settings = load()
    assert (settings.host, settings.log_format, settings.metrics_port) == ("0.0.0.0", "text", None)


@pytest.mark.parametrize("host", ["127.0.0.1", "::", "::1", "10.0.0.5", "brm-bot.internal", "localhost"])
def test_host_takes_an_address_or_a_name(host: str) -> None:
    assert load(HOST=host).host == host


def test_json_logs_and_a_worker_metrics_port() -> None:
    settings = load(LOG_FORMAT="JSON", METRICS_PORT="9100")
    assert (settings.log_format, settings.metrics_port) == ("json", 9100)


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"HOST": "0.0.0.0:3000"}, "HOST"),
        ({"HOST": "http://example.gov"}, "HOST"),
        ({"LOG_FORMAT": "yaml"}, "LOG_FORMAT"),
        ({"METRICS_PORT": "0"}, "METRICS_PORT"),
        ({"METRICS_PORT": "metrics"}, "METRICS_PORT"),
    ],
)
def test_bad_values_name_the_variable(overrides: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load(**overrides)
    assert str(raised.value).startswith(named) and "\n" not in str(raised.value)
