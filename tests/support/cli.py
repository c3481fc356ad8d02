"""Running `brm-bot` as installed: the console script's own command object, through click's runner.

The command is loaded from the package's entry point (what `pip install` put on the PATH runs), with
the environment an operator would give it and nothing of the developer's (no SLACK_*/DATABASE_* of
the shell, no .env: the working directory is the test's own).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import click
from click.testing import CliRunner, Result

from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.support.fake_slack import FakeSlack

BRM_BOT = Path(sys.executable).parent / "brm-bot"  # the console script pip installed
_SETTINGS_PREFIXES = ("SLACK_", "DATABASE_", "BRM_", "LOG_", "PORT", "HOST", "METRICS_")


def installed_command() -> click.Command:
    [script] = entry_points(group="console_scripts", name="brm-bot")
    return script.load()


def operator_env(slack: FakeSlack, database_url: str, **more: str | None) -> dict[str, str | None]:
    """A good setup's environment; every other setting of the shell is unset."""
    env: dict[str, str | None] = {key: None for key in os.environ if key.startswith(_SETTINGS_PREFIXES)}
    env.update(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.url,
            "DATABASE_URL": database_url,
        }
    )
    env.update(more)
    return env


def run_cli(args: list[str], env: dict[str, str | None], cwd: Path) -> Result:
    """`brm-bot ARGS` in `cwd`; stdout and stderr apart (`result.stdout`, `result.stderr`).

    The command sets up logging as a process of its own would; the test session's is put back after."""
    old = Path.cwd()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    os.chdir(cwd)
    try:
        return CliRunner().invoke(installed_command(), args, env=env, catch_exceptions=False)
    finally:
        os.chdir(old)
        root.handlers[:] = handlers
        root.setLevel(level)


def launch_brm_bot(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen:
    """`brm-bot ARGS` as a process of its own, both output streams on one pipe (see stop_app)."""
    return subprocess.Popen(
        [str(BRM_BOT), *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
