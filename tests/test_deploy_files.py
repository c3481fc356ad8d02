"""The container files, checked where Docker cannot run: the Dockerfile's commands run as the image
would run them (the package installed from exactly what the Dockerfile copies, in a fresh virtual
environment), compose.yaml's services and settings checked against what the app reads, and
.env.example listing every setting."""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

from settings import load_settings
from tests.support.cli import installed_command, run_cli
from tests.support.fake_slack import FakeSlack
from tests.test_startup import free_port, wait_for_health

ROOT = Path(__file__).resolve().parent.parent
# Compose's own variables (the database's password), not settings of the app.
COMPOSE_ONLY = {"POSTGRES_PASSWORD"}


def settings_read() -> set[str]:
    """Every variable settings.py reads: `env.get("X")`, `env["X"]` and `"X" in env`."""
    tree = ast.parse((ROOT / "settings.py").read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            owner = node.func.value
            if isinstance(owner, ast.Name) and owner.id == "env" and isinstance(node.args[0], ast.Constant):
                found.add(node.args[0].value)
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "env":
            if isinstance(node.slice, ast.Constant):
                found.add(node.slice.value)
        elif (
            isinstance(node, ast.Compare)
            and isinstance(node.left, ast.Constant)
            and any(isinstance(c, ast.Name) and c.id == "env" for c in node.comparators)
        ):
            found.add(node.left.value)
    return found


def test_the_reader_of_settings_finds_them() -> None:
    # Guards the check below: were it to read nothing, any .env.example would pass.
    assert {
        "SLACK_BOT_TOKEN",
        "DATABASE_URL",
        "PORT",
        "HOST",
        "LOG_FORMAT",
        "METRICS_PORT",
    } <= settings_read()


def test_env_example_lists_every_setting_and_nothing_else() -> None:
    text = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))
    assert listed - COMPOSE_ONLY == settings_read()
    # Its uncommented values are good settings (the tokens once filled in).
    values = dict(re.findall(r"^([A-Z][A-Z0-9_]+)=(.*)$", text, flags=re.MULTILINE))
    values |= {"SLACK_BOT_TOKEN": "xoxb-filled-in", "SLACK_SIGNING_SECRET": "filled-in"}
    load_settings(values, dotenv=False)


# --------------------------------------------------------------------------- compose.yaml


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def substituted(value: str) -> str:
    """`${NAME}` and `${NAME:?message}` as compose fills them in, with a password from .env."""
    return re.sub(
        r"\$\{([A-Z_]+)(?::\?[^}]*)?\}", lambda m: {"POSTGRES_PASSWORD": "pw123"}[m.group(1)], value
    )


def brm_bot_commands(command: list[str]) -> list[list[str]]:
    """The `brm-bot ...` invocations a service's command runs (directly, or in `sh -c "a && b"`)."""
    if command[:2] == ["sh", "-c"]:
        return [shlex.split(part.strip().removeprefix("exec ")) for part in command[2].split("&&")]
    return [command]


def test_compose_runs_postgresql_a_web_and_a_worker(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"db", "web", "worker"}
    assert services["db"]["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert brm_bot_commands(services["web"]["command"]) == [
        ["brm-bot", "migrate"],
        ["brm-bot", "serve", "--role", "web"],
    ]
    assert brm_bot_commands(services["worker"]["command"]) == [["brm-bot", "serve", "--role", "worker"]]
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["db"] == {"condition": "service_healthy"}
        assert services[name]["env_file"] == ".env"


@pytest.mark.parametrize("service", ["web", "worker"])
def test_compose_gives_each_service_settings_the_app_accepts(compose: dict[str, Any], service: str) -> None:
    environment = {
        key: substituted(str(value)) for key, value in compose["services"][service]["environment"].items()
    }
    assert set(environment) <= settings_read(), set(environment) - settings_read()
    settings = load_settings(
        {**environment, "SLACK_BOT_TOKEN": "xoxb-from-env-file", "SLACK_SIGNING_SECRET": "from-env-file"},
        dotenv=False,
    )
    assert settings.database_url == "postgresql+psycopg://brm:pw123@db:5432/brm"
    assert settings.role == service
    db = compose["services"]["db"]["environment"]
    assert (db["POSTGRES_USER"], db["POSTGRES_DB"]) == ("brm", "brm")
    if service == "web":
        assert compose["services"]["web"]["ports"] == [f"127.0.0.1:{settings.port}:{settings.port}"]
    else:
        [check] = [part for part in compose["services"]["worker"]["healthcheck"]["test"] if "urlopen" in part]
        assert f"http://127.0.0.1:{settings.metrics_port}/metrics" in check


def test_every_command_compose_and_the_dockerfile_run_exists(compose: dict[str, Any], tmp_path: Path) -> None:
    commands = [c for s in ("web", "worker") for c in brm_bot_commands(compose["services"][s]["command"])]
    commands += brm_bot_commands(dockerfile_cmd())
    for command in commands:
        assert command[0] == "brm-bot"
        result = run_cli([*command[1:], "--help"], {}, tmp_path)
        assert result.exit_code == 0, (command, result.output)
    assert installed_command().name == "main"


# --------------------------------------------------------------------------- the Dockerfile


def dockerfile() -> str:
    # Continued lines joined, as Docker reads them.
    return (ROOT / "Dockerfile").read_text().replace("\\\n", " ")


def dockerfile_cmd() -> list[str]:
    [line] = [line for line in dockerfile().splitlines() if line.startswith("CMD ")]
    return json.loads(line[4:])


def dockerfile_healthcheck() -> str:
    [line] = [line for line in dockerfile().splitlines() if line.startswith("HEALTHCHECK ")]
    return line.split(" CMD ", 1)[1].strip()


def test_the_image_is_slim_runs_as_a_user_and_checks_health() -> None:
    text = dockerfile()
    [base] = re.findall(r"^FROM (\S+)", text, flags=re.MULTILINE)
    assert base.startswith("python:3.11") and base.endswith("-slim")
    users = re.findall(r"^USER (\S+)", text, flags=re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    assert "/healthz" in dockerfile_healthcheck()
    assert brm_bot_commands(dockerfile_cmd()) == [["brm-bot", "migrate"], ["brm-bot", "serve"]]


def copied_by_dockerfile(into: Path) -> None:
    """The build context as the Dockerfile's COPY lines take it, copied to `into`."""
    for line in dockerfile().splitlines():
        if not line.startswith("COPY "):
            continue
        sources = line.split()[1:-1]
        for source in sources:
            path = ROOT / source
            destination = into / source  # every COPY keeps the name: `COPY x ./x`, `COPY a b ./`
            if path.is_dir():
                shutil.copytree(path, destination, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy(path, destination)


def test_the_dockerfile_copies_every_module_the_package_has() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    packages = [name.rstrip("*") for name in project["packages"]["find"]["include"]]
    copied = {
        part for line in dockerfile().splitlines() if line.startswith("COPY ") for part in line.split()[1:-1]
    }
    assert {f"{module}.py" for module in project["py-modules"]} | set(packages) <= copied
    assert {"pyproject.toml", "README.md", "LICENSE"} <= copied


def test_the_images_commands_run_in_a_fresh_virtual_environment(tmp_path: Path) -> None:
    """`pip install .` from what the Dockerfile copies, then its CMD and HEALTHCHECK, as the image runs
    them (Docker itself cannot run here)."""
    source, data, venv = tmp_path / "src", tmp_path / "data", tmp_path / "venv"
    source.mkdir()
    data.mkdir()
    copied_by_dockerfile(source)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    installed = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", str(source)], capture_output=True, text=True, timeout=600
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    with FakeSlack() as slack:
        port = free_port()
        env = {
            "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
            "HOME": str(data),
            "SLACK_BOT_TOKEN": "xoxb-image-token",
            "SLACK_SIGNING_SECRET": "image-secret",
            "SLACK_API_URL": slack.url,
            "PORT": str(port),
            "DATABASE_URL": f"sqlite:///{data / 'brm-bot.db'}",
        }
        process = subprocess.Popen(
            dockerfile_cmd(), cwd=data, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        try:
            health = wait_for_health(port)
            assert health["status"] == "ok"
            check = subprocess.run(["sh", "-c", dockerfile_healthcheck()], env=env, timeout=30)
            assert check.returncode == 0
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
                assert b"brm_jobs_waiting" in response.read()
        finally:
            process.terminate()
            output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert "the schema is current" in output  # `brm-bot migrate` ran before serving
    gone = subprocess.run(["sh", "-c", dockerfile_healthcheck()], env=env, timeout=30, capture_output=True)
    assert gone.returncode != 0  # the health check fails when nothing answers
    assert os.path.exists(data / "brm-bot.db")
