"""A worker: claims due jobs from the table, runs them on a few threads, records how each ended.

While a job runs, its lease is renewed; a worker that dies stops renewing, and once the lease has
expired any worker claims the job again (one on the same machine at once: see `release_the_dead`).
An attempt that raises is retried with backoff while attempts are left; after the last one the job
is kept as failed, logged, and the person is told (the kind's `on_failure`). A job claimed for more
attempts than it has (its worker died during each) is given up the same way without running again.

Tests drive the same code with the clock they control: `run_due_jobs(services)` runs every job that
is due now, in this thread, and returns how many ran.
"""

from __future__ import annotations

import logging
import os
import queue
import socket
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from datetime import timedelta

from runtime.kinds import JobKind, JobRun, kind_named
from runtime.services import Services
from storage import jobs
from storage.jobs import ClaimedJob

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=30)
RENEW_EVERY_SECONDS = 5.0
POLL_SECONDS = 1.0  # a fallback: wake-ups normally start a claim at once
THREADS = 4  # concurrent jobs per worker: enough to overlap Slack round trips
# On a stop: keep taking due jobs this long (what was acknowledged just before), then let the
# running ones finish this long, then hand back what is left for another worker or the next start.
DRAIN_SECONDS = 5.0
FINISH_SECONDS = 10.0


def worker_name() -> str:
    """Who holds a lease: host and process id first, so a worker can tell its dead neighbours."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def run_claimed(services: Services, claimed: ClaimedJob, worker: str) -> None:
    """Run one claimed job and record how it ended (never raises)."""
    now = services.clock.now
    kind = kind_named(claimed.kind)
    run = JobRun(claimed, services.db)
    if kind is None:
        _give_up(services, claimed, worker, None, run, f"no job kind named {claimed.kind!r} in this version")
        return
    if claimed.attempt > claimed.max_attempts:
        _give_up(
            services,
            claimed,
            worker,
            kind,
            run,
            f"its worker stopped during each of its {claimed.max_attempts} attempts",
        )
        return
    try:
        kind.run(services, run)
    except Exception as problem:
        error = "".join(traceback.format_exception(problem))
        if claimed.attempt < claimed.max_attempts:
            retry_at = now() + kind.retry_delay(claimed.attempt)
            log.warning(
                "job %d (%s) failed on attempt %d of %d; trying again at %s: %s",
                claimed.id,
                claimed.kind,
                claimed.attempt,
                claimed.max_attempts,
                retry_at.isoformat(timespec="seconds"),
                type(problem).__name__,
            )
            with services.db.system() as session:
                jobs.retry_later(
                    session, claimed.id, worker=worker, now=now(), retry_at=retry_at, error=error
                )
            return
        log.exception("job %d (%s) failed on its last attempt", claimed.id, claimed.kind)
        _give_up(services, claimed, worker, kind, run, error)
        return
    with services.db.system() as session:
        if not jobs.finish(session, claimed.id, worker=worker, now=now()):
            log.warning("job %d (%s) finished after another worker took it over", claimed.id, claimed.kind)


def _give_up(
    services: Services, claimed: ClaimedJob, worker: str, kind: JobKind | None, run: JobRun, error: str
) -> None:
    reference = f"job-{claimed.id}"
    # The payload stays out of the log: it holds what people typed and response_urls.
    log.error("job %d (%s) failed for good (%s): %s", claimed.id, claimed.kind, reference, error.strip())
    with services.db.system() as session:
        jobs.mark_failed(session, claimed.id, worker=worker, now=services.clock.now(), error=error)
    if kind is not None and kind.on_failure is not None:
        try:
            kind.on_failure(services, run, reference)
        except Exception:
            log.exception("could not tell the person that job %d failed", claimed.id)


def run_due_jobs(services: Services, *, worker: str = "here", limit: int = 1000) -> int:
    """Run the jobs due now in this thread, one key's jobs in order, until none is left; for tests
    and for the operator's command line. Returns how many ran."""
    ran = 0
    while ran < limit:
        with services.db.system() as session:
            claimed = jobs.claim_due(session, now=services.clock.now(), worker=worker, limit=1, lease=LEASE)
        if not claimed:
            return ran
        run_claimed(services, claimed[0], worker)
        ran += 1
    return ran


def release_the_dead(services: Services) -> int:
    """Jobs held by a worker of this machine whose process is gone are claimable at once, instead of
    when their lease expires (a restart after SIGKILL answers in seconds, not a lease later)."""
    host = socket.gethostname()
    released = 0
    with services.db.system() as session:
        for holder in jobs.running_holders(session):
            holder_host, _, rest = holder.partition(":")
            pid_text = rest.partition(":")[0]
            if holder_host != host or not pid_text.isdigit() or _alive(int(pid_text)):
                continue
            count = jobs.release_holder(session, holder, now=services.clock.now())
            if count:
                log.warning("%d jobs of a worker that is gone (%s) are claimed again now", count, holder)
            released += count
    return released


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Worker:
    """Claims and runs jobs on `threads` threads until stopped; see the module docstring."""

    def __init__(
        self,
        services: Services,
        *,
        threads: int = THREADS,
        name: str | None = None,
        give_way: Callable[[], float] | None = None,
    ) -> None:
        """`give_way()` is waited for before each claim and each job (runtime/give_way.py)."""
        self.services = services
        self._give_way = give_way
        self.name = name or worker_name()
        self._threads = threads
        self._tasks: queue.Queue[ClaimedJob | None] = queue.Queue()
        self._running: set[int] = set()
        self._claiming = 0  # claims under way: what they take is busy before it is in `_running`
        self._lock = threading.Lock()
        self._stop = threading.Event()  # stop claiming (after the drain)
        self._stopped = threading.Event()  # every thread told to end
        self._wake = services.jobs.wake
        self._started: list[threading.Thread] = []
        self.alive = False

    def start(self) -> None:
        release_the_dead(self.services)
        self._wake.listen(self._stopped)
        for n in range(self._threads):
            self._spawn(self._run_tasks, f"brm-job-{n}")
        self._spawn(self._claim_loop, "brm-claim")
        self._spawn(self._renew_loop, "brm-lease")
        self.alive = True
        log.info("worker %s started with %d threads", self.name, self._threads)

    def _spawn(self, target: object, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)  # type: ignore[arg-type]
        thread.start()
        self._started.append(thread)

    def busy(self) -> int:
        """Jobs running here, with a claim under way counted too: a job its claim has committed is
        no longer waiting, and a stop must not take this worker for idle before the job is handed on."""
        with self._lock:
            return len(self._running) + self._claiming

    def _claim_loop(self) -> None:
        while not self._stop.is_set():
            self._wake.local.clear()
            try:
                claimed = self._claim()
            except Exception:
                log.exception("could not claim jobs; trying again in %.0f s", POLL_SECONDS)
                claimed = 0
            if not claimed:
                self._wake.local.wait(POLL_SECONDS)

    def _claim(self) -> int:
        if self._give_way is not None:
            self._give_way()
        with self._lock:
            free = self._threads - len(self._running)
            if free <= 0 or self._stop.is_set():
                return 0
            self._claiming += 1
        try:
            with self.services.db.system() as session:
                claimed = jobs.claim_due(
                    session, now=self.services.clock.now(), worker=self.name, limit=free, lease=LEASE
                )
            with self._lock:
                self._running.update(job.id for job in claimed)
            for job in claimed:
                self._tasks.put(job)
        finally:
            with self._lock:
                self._claiming -= 1
        return len(claimed)

    def _run_tasks(self) -> None:
        while True:
            claimed = self._tasks.get()
            if claimed is None:
                return
            try:
                if self._give_way is not None:
                    self._give_way()
                run_claimed(self.services, claimed, self.name)
            finally:
                with self._lock:
                    self._running.discard(claimed.id)
                self._wake.local.set()  # a thread is free, and the key's next job may be due

    def _renew_loop(self) -> None:
        while not self._stopped.wait(RENEW_EVERY_SECONDS):
            with self._lock:
                held = list(self._running)
            if not held:
                continue
            try:
                with self.services.db.system() as session:
                    jobs.renew(session, held, worker=self.name, now=self.services.clock.now(), lease=LEASE)
            except Exception:
                log.exception("could not renew the lease on %d jobs", len(held))

    def stop(self, *, drain: float = DRAIN_SECONDS, finish: float = FINISH_SECONDS) -> None:
        """Take what is due for `drain` seconds at most, let the running jobs finish for `finish`
        seconds at most, then hand back what is still running (it runs again elsewhere or at the
        next start, where it writes nothing twice and posts nothing twice)."""
        if not self.alive:
            return
        self._drain(drain)
        with self._lock:  # a claim starts before this (and is waited for below) or not at all
            self._stop.set()
        self._wake.local.set()
        if not self._wait_idle(finish):
            with self._lock:
                left = list(self._running)
            with self.services.db.system() as session:
                handed = jobs.hand_back(session, left, worker=self.name, now=self.services.clock.now())
            log.warning("handing back %d jobs still running at the stop: they run again later", handed)
        self._stopped.set()
        for _ in range(self._threads):
            self._tasks.put(None)
        self.alive = False
        log.info("worker %s stopped", self.name)

    def _drain(self, seconds: float) -> None:
        def drained() -> bool:
            if self.busy() == 0 and not self._due_now():
                return True
            self._wake.local.set()  # a claim now, not at the next poll
            return False

        _wait_until(drained, seconds, every=0.05)

    def _due_now(self) -> bool:
        with self.services.db.system() as session:
            health = jobs.queue_health(session, now=self.services.clock.now())
        return health.waiting > 0

    def _wait_idle(self, seconds: float) -> bool:
        return _wait_until(lambda: self.busy() == 0, seconds, every=0.02)


def _wait_until(condition: Callable[[], bool], seconds: float, *, every: float) -> bool:
    """Whether `condition` came true within `seconds` of real time (looked at every `every` s)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(every)
    return True
