"""The workspace row: per-workspace settings and the issue number counter."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from storage.db import stamp_time
from storage.models import Workspace


def ensure_workspace(session: Session) -> Workspace:
    """The session's workspace row, created on first use (safe when two requests race)."""
    workspace = session.exec(select(Workspace)).first()
    if workspace is not None:
        return workspace
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(Workspace)
        .values(
            team_id=session.info["team_id"],
            enterprise_id=session.info.get("enterprise_id"),
            created_at=stamp_time(session),
        )
        .on_conflict_do_nothing(index_elements=["team_id"])
    )
    return session.exec(select(Workspace)).one()


def next_issue_number(session: Session) -> int:
    """Allocate the workspace's next issue number (#1, #2, ...) atomically."""
    ensure_workspace(session)
    result = session.execute(
        update(Workspace)
        .values(issue_seq=Workspace.issue_seq + 1)
        .returning(Workspace.issue_seq)
        .execution_options(synchronize_session=False)
    )
    return int(result.scalar_one())
