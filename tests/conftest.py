"""Fixtures: a clean database per test (SQLite, and PostgreSQL where reachable), the fake Slack,
a clock the tests control, and the real app served over HTTP exactly as in production.

PostgreSQL: BRM_TEST_POSTGRES_URL names the server (default: the local one, database `test`). Each
test session creates its own database on it. When the server cannot be reached, the PostgreSQL
tests are skipped with a notice in the summary, except in CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import BrmApp, build_app
from bot import dates
from bot.clock import FrozenClock
from settings import Settings
from storage.db import Database, make_engine, migrate
from storage.models import SQLModel
from tests.support.block_kit import unlabelled_buttons
from tests.support.fake_slack import FakeSlack
from tests.support.server import serve_in_thread
from tests.support.signing import SlackClient

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# Thursday 26 November 2026, 10:00 in New York.
START = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)

_pg_problem: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    dates.warm_up()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # type: ignore[no-untyped-def]
    if _pg_problem:
        terminalreporter.write_sep("!", "PostgreSQL tests were SKIPPED", yellow=True, bold=True)
        terminalreporter.write_line(f"PostgreSQL unreachable: {_pg_problem}")
        terminalreporter.write_line("Start it, or point BRM_TEST_POSTGRES_URL at one, to run them.")


# --------------------------------------------------------------------------- databases


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file; each test gets a copy, which is much faster than migrating again."""
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session, dropped at the end."""
    with new_postgres_database("brm_test") as url:
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        yield url


@contextmanager
def new_postgres_database(prefix: str) -> Iterator[str]:
    """An empty PostgreSQL database of its own on BRM_TEST_POSTGRES_URL's server, dropped afterwards."""
    global _pg_problem
    admin_url = os.environ.get("BRM_TEST_POSTGRES_URL", DEFAULT_PG_URL)
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as problem:
        admin.dispose()
        _pg_problem = (
            f"{make_url(admin_url).render_as_string(hide_password=True)}: {str(problem).splitlines()[0]}"
        )
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI and is unreachable: {_pg_problem}", pytrace=False)
        pytest.skip(f"PostgreSQL unreachable ({_pg_problem})")
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path, clock: FrozenClock
) -> Iterator[Database]:
    """A clean, migrated database stamping rows with the test's clock; runs once on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "brm.db"
        shutil.copy(sqlite_template, path)
        db = Database.from_url(f"sqlite:///{path}", clock=clock)
    else:
        url = request.getfixturevalue("postgres_url")
        db = Database.from_url(url, clock=clock)
        _truncate_all(db)
    yield db
    db.dispose()


def _truncate_all(db: Database) -> None:
    tables = ", ".join(f'"{table.name}"' for table in SQLModel.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


# --------------------------------------------------------------------------- Slack and the app


@pytest.fixture(scope="session")
def _slack_server() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def slack(_slack_server: FakeSlack) -> FakeSlack:
    """The fake Slack Web API, with a clean record and two people in different timezones."""
    _slack_server.reset()
    _slack_server.add_user("U1", tz="America/New_York", name="jane", real_name="Jane Doe")
    _slack_server.add_user("U2", tz="America/Los_Angeles", name="sam", real_name="Sam Lee")
    return _slack_server


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


def make_settings(slack: FakeSlack, database_url: str = "sqlite://") -> Settings:
    return Settings(
        bot_token=BOT_TOKEN,
        signing_secret=SIGNING_SECRET,
        app_token=None,
        database_url=database_url,
        slack_api_url=slack.url,
        port=0,
    )


@dataclass
class RunningApp:
    brm: BrmApp
    url: str
    db: Database
    slack: FakeSlack
    clock: FrozenClock
    client: SlackClient

    def command(self, text: str, **kwargs: object) -> dict:
        """Send `/brm <text>` signed as Slack would; return what the app posted to the response_url."""
        sent = self.client.command(text, **kwargs)  # type: ignore[arg-type]
        assert sent.status == 200, (sent.status, sent.body)
        [reply] = self.slack.wait_for_response(sent.response_name)
        return reply.body


@pytest.fixture
def app(database: Database, slack: FakeSlack, clock: FrozenClock) -> Iterator[RunningApp]:
    """The real app over HTTP, on a clean database, talking to the fake Slack."""
    brm = build_app(make_settings(slack), clock=clock, db=database)
    url, stop = serve_in_thread(brm.wsgi())
    try:
        yield RunningApp(
            brm=brm,
            url=url,
            db=database,
            slack=slack,
            clock=clock,
            client=SlackClient(url, SIGNING_SECRET, slack),
        )
    finally:
        stop()
        brm.close()


# What the bot posts that can carry buttons: messages, their updates, and views.
_POSTING_METHODS = frozenset(
    {
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.update",
        "views.open",
        "views.push",
        "views.update",
        "views.publish",
    }
)


@pytest.fixture
def every_button_labelled(slack: FakeSlack) -> Iterator[None]:
    """After the test: every button in every message and view the bot sent (Web API calls and
    response_url posts) has an accessibility label. Use with `pytest.mark.usefixtures`."""
    yield
    sent = [call.params for call in slack.calls if call.method in _POSTING_METHODS]
    sent += [response.body for response in slack.responses]
    assert [label for payload in sent for label in unlabelled_buttons(payload)] == []
