"""The worker process that runs the work after each ack (handlers/work.py), driven directly."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from handlers.services import Services, build_services
from handlers.work import ProcessWork
from settings import Settings

jobs_run: list[tuple[int, str]] = []
job_ran = threading.Event()


def die(services: Services) -> None:
    os._exit(3)  # what an out-of-memory kill or a crash in a C extension looks like from outside


def touch(services: Services, path: str) -> None:
    Path(path).write_text(str(os.getpid()))


def note_where_it_ran(services: Services, label: str) -> None:
    jobs_run.append((os.getpid(), label))
    job_ran.set()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        bot_token="xoxb-test",
        signing_secret="s",
        app_token=None,
        database_url=f"sqlite:///{tmp_path / 'brm.db'}",
        slack_api_url="http://127.0.0.1:9/api/",  # nothing listens: these jobs never call Slack
        port=0,
    )


def test_jobs_run_in_this_process_when_no_worker_can_be_started(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    work = ProcessWork(settings, threads=1)
    services = build_services(settings, work=work)
    work.start()
    try:
        worker = work._process
        assert worker is not None and worker.pid is not None

        def cannot_start(*args: object, **kwargs: object) -> None:
            raise RuntimeError("out of memory")

        monkeypatch.setattr(work, "_start_locked", cannot_start)
        os.kill(worker.pid, signal.SIGKILL)
        worker.join(timeout=10)
        work.submit(note_where_it_ran, "after the worker died")
        assert job_ran.wait(timeout=10), "the job was lost"
        assert jobs_run == [(os.getpid(), "after the worker died")]
    finally:
        work.shutdown(timeout=10)
        services.db.dispose()
    assert "running them in this process" in caplog.text


def test_a_job_that_kills_its_worker_is_given_up_after_a_second_try(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    work = ProcessWork(settings, threads=1)
    services = build_services(settings, work=work)
    work.start()
    try:
        work.submit(die)
        proof = tmp_path / "ran"
        deadline = time.monotonic() + 60
        # The first worker dies, its replacement gets the job again and dies too, the third does not.
        while "giving up on job die" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.1)
        work.submit(touch, str(proof))
        while not proof.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert proof.exists(), caplog.text
        assert int(proof.read_text()) != os.getpid()  # in a worker process, not here
    finally:
        work.shutdown(timeout=10)
        services.db.dispose()
    assert caplog.text.count("the worker process died") == 2
    assert "handing 1 jobs the last worker had not finished to the new one" in caplog.text
    assert "giving up on job die" in caplog.text
