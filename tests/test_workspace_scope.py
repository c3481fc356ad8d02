"""A workspace session sees and changes only its own workspace's rows, whatever the query."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, exists, func, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from storage.db import Database, WorkspaceScopeError
from storage.models import Interaction, Party


def seed(db: Database) -> dict[str, int]:
    ids = {}
    for team in ("T1", "T2"):
        with db.workspace(team) as session:
            party = Party(team_id=team, name=f"DMV {team}", name_key=f"dmv {team.lower()}")
            session.add(party)
            session.flush()
            session.add(
                Interaction(
                    team_id=team,
                    party_id=party.id,
                    occurred_at=datetime(2026, 11, 1, tzinfo=UTC),
                    summary="call",
                    logged_by="U1",
                )
            )
            ids[team] = party.id
    return ids


def test_reads_are_filtered(database: Database) -> None:
    ids = seed(database)
    with database.workspace("T1") as session:
        assert [p.name for p in session.exec(select(Party))] == ["DMV T1"]
        assert session.get(Party, ids["T2"]) is None
        assert session.exec(select(func.count()).select_from(Interaction)).one() == 1
        joined = session.exec(select(Party.name, Interaction.summary).join(Interaction)).all()
        assert joined == [("DMV T1", "call")]


def test_rows_read_through_a_subquery_are_filtered(database: Database) -> None:
    """What the digest's worst-issues window relies on: the workspace filter reaches inside a
    subquery whose columns the outer statement reads by name."""
    seed(database)
    place = func.row_number().over(partition_by=Interaction.party_id).label("place")
    ranked = select(Interaction.summary, Interaction.team_id, place).subquery()
    with database.workspace("T1") as session:
        rows = session.exec(select(ranked.c.summary, ranked.c.team_id).where(ranked.c.place <= 3)).all()
    assert rows == [("call", "T1")]


def test_bulk_updates_and_deletes_are_filtered(database: Database) -> None:
    seed(database)
    with database.workspace("T1") as session:
        session.exec(update(Party).values(name="renamed"))
        session.exec(delete(Interaction))
    with database.workspace("T2") as session:
        assert [p.name for p in session.exec(select(Party))] == ["DMV T2"]
        assert len(session.exec(select(Interaction)).all()) == 1


def test_writing_another_workspaces_row_is_refused(database: Database) -> None:
    with pytest.raises(WorkspaceScopeError), database.workspace("T1") as session:
        session.add(Party(team_id="T2", name="Intruder", name_key="intruder"))
    with database.system() as session:
        assert session.exec(select(Party)).all() == []


def test_a_session_without_a_workspace_cannot_query(database: Database) -> None:
    with Session(database.engine) as session, pytest.raises(WorkspaceScopeError):
        session.exec(select(Party)).all()


def test_aliases_and_correlated_subqueries_are_filtered(database: Database) -> None:
    """The filter is written once for every workspace-owned table: it reaches aliases of them and
    the subqueries that name them, wherever they are in the statement."""
    seed(database)
    other = aliased(Interaction)
    with database.workspace("T1") as session:
        with_calls = select(Party.name).where(exists().where(other.party_id == Party.id))
        assert session.exec(with_calls).all() == ["DMV T1"]
        calls_of_all = select(func.count()).select_from(other).scalar_subquery()
        assert session.exec(select(Party.name, calls_of_all)).all() == [("DMV T1", 1)]
        party = aliased(Party)
        # The join condition names no workspace: both aliases are filtered on their own.
        joined = select(party.name, other.summary).join(other, other.team_id != "")
        assert session.exec(joined).all() == [("DMV T1", "call")]
