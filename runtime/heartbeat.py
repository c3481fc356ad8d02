"""A worker process's heartbeat in the database, read by the health check of the web processes.

The first beat is written before the worker says it is ready, then one every `BEAT_EVERY`, each
saying whether the process's scheduler still runs; the row is deleted on a clean stop. A worker
killed outright stops beating, and after `STALE_AFTER` the web processes' /healthz says so.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from runtime.services import Services
from storage import heartbeats

log = logging.getLogger(__name__)


class Heartbeat:
    def __init__(self, services: Services, worker: str, scheduler_running: Callable[[], bool]) -> None:
        self._services = services
        self._worker = worker
        self._scheduler_running = scheduler_running
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat_forever, name="brm-heartbeat", daemon=True)

    def start(self) -> None:
        self._beat()  # raises when the database cannot take it: the worker is not ready then
        self._thread.start()

    def _beat(self) -> None:
        with self._services.db.system() as session:
            heartbeats.beat(
                session,
                self._worker,
                now=self._services.clock.now(),
                scheduler_running=self._scheduler_running(),
            )

    def _beat_forever(self) -> None:
        while not self._stop.wait(heartbeats.BEAT_EVERY.total_seconds()):
            try:
                self._beat()
            except Exception:
                log.exception("could not write this worker's heartbeat; trying again")

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        try:
            with self._services.db.system() as session:
                heartbeats.stopped(session, self._worker)
        except Exception:
            log.exception("could not remove this worker's heartbeat; it goes stale by itself")
