"""The hourly housekeeping sweep forgets handled Slack event ids once Slack can no longer retry them."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from runtime.scheduler import forget_handled_events
from storage.models import ProcessedEvent
from tests.conftest import RunningApp


def test_old_event_ids_are_forgotten_recent_ones_kept(app: RunningApp) -> None:
    now = app.clock.now()
    with app.db.workspace("T1") as session:
        session.add(ProcessedEvent(team_id="T1", event_id="Ev-old", received_at=now - timedelta(days=2)))
        session.add(ProcessedEvent(team_id="T1", event_id="Ev-new", received_at=now - timedelta(hours=2)))
    with app.db.workspace("T2") as session:
        session.add(ProcessedEvent(team_id="T2", event_id="Ev-old-2", received_at=now - timedelta(days=3)))

    assert forget_handled_events(app.brm.services) == 2

    with app.db.system() as session:
        assert [row.event_id for row in session.exec(select(ProcessedEvent))] == ["Ev-new"]
