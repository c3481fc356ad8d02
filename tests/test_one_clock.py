"""One clock: the app reads time only from the clock it was built with, so tests pass on any date.

Two checks. The first reads the app's source: only `bot/clock.py` may ask the operating system
for the time of day. The second runs the tests that show ages and due dates ("opened 2 days ago",
"Open for 5 days") with the wall clock moved 400 days away from the tests' frozen clock, under
libfaketime: a record stamped from the wall clock then shows an age that is off by a year.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP_PACKAGES = ("bot", "handlers", "playground", "runtime", "slack_api", "storage", "web")
APP_SOURCES = [
    *(ROOT / name for name in ("app.py", "settings.py", "logs.py")),
    *sorted(path for package in APP_PACKAGES for path in (ROOT / package).rglob("*.py")),
]
THE_CLOCK = ROOT / "bot" / "clock.py"
# Calls that read the time of day. Durations (time.monotonic, perf_counter) are not the time of day.
WALL_CLOCK_CALLS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
    ("time", "localtime"),
    ("time", "gmtime"),
}
# A line may read real time on purpose (a timer library that keeps real time); it says so.
ON_PURPOSE = "real time on purpose:"

SLICE = [
    "tests/test_issue_commands.py",
    "tests/test_nudges.py",
    "tests/test_follow_ups_command.py",
    "tests/test_show_command.py",
    "tests/test_home.py",
    "tests/test_undo_command.py",
]


def wall_clock_reads(path: Path, root: Path = ROOT) -> list[str]:
    source = path.read_text()
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        owner = node.func.value
        name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
        if (name, node.func.attr) in WALL_CLOCK_CALLS and ON_PURPOSE not in lines[node.lineno - 1]:
            found.append(f"{path.relative_to(root)}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    return found


def test_only_the_clock_module_reads_the_time_of_day() -> None:
    reads = [read for path in APP_SOURCES if path != THE_CLOCK for read in wall_clock_reads(path)]
    assert reads == [], "read the time from the app's clock (services.clock.now()) instead:\n" + "\n".join(
        reads
    )


def test_the_check_finds_a_wall_clock_read(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import datetime, time\n"
        "a = datetime.datetime.now(datetime.UTC)\n"
        "b = time.time()\n"
        "c = time.monotonic()\n"
        "d = datetime.date.today()  # real time on purpose: a reason\n"
    )
    reads = wall_clock_reads(sample, root=tmp_path)
    assert [read.split(":")[1] for read in reads] == ["2", "3"]


def test_the_suite_passes_with_the_wall_clock_far_from_the_tests_clock() -> None:
    faketime = shutil.which("faketime")
    if faketime is None:
        if os.environ.get("CI"):
            pytest.fail("faketime is required in CI (Debian package faketime)", pytrace=False)
        pytest.skip("faketime is not installed (apt-get install faketime)")
    pytest_slice = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", "-k", "sqlite"]
    run = subprocess.run(
        [faketime, "-f", "+400d", *pytest_slice, *SLICE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    tail = "\n".join(run.stdout.splitlines()[-30:])
    assert run.returncode == 0, tail
    assert " passed" in tail and "failed" not in tail, tail
