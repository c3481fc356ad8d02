"""A Slack message is captured once per kind of record, even when two saves race each other."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.models import Interaction, Party


def interaction(party_id: int, message_ts: str | None) -> Interaction:
    return Interaction(
        team_id="T1",
        party_id=party_id,
        occurred_at=datetime(2026, 11, 2, tzinfo=UTC),
        summary="call",
        logged_by="U1",
        channel_id="C1",
        message_ts=message_ts,
    )


def test_the_database_refuses_a_second_record_of_one_message(database: Database) -> None:
    with database.workspace("T1") as session:
        party = Party(team_id="T1", name="DMV", name_key="dmv")
        session.add(party)
        session.flush()
        party_id = party.id
        session.add(interaction(party_id, "1764150000.000100"))
        # Logged by command, with no message: any number of them.
        session.add(interaction(party_id, None))
        session.add(interaction(party_id, None))

    with pytest.raises(IntegrityError), database.workspace("T1") as session:
        session.add(interaction(party_id, "1764150000.000100"))
        session.flush()
