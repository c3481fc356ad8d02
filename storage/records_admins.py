"""The records administrators named with `/brm admin add`, per workspace."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storage.records_models import RecordsAdmin


def named_admins(session: Session) -> list[RecordsAdmin]:
    return list(
        session.exec(select(RecordsAdmin).order_by(col(RecordsAdmin.created_at), col(RecordsAdmin.id)))
    )


def named_admin(session: Session, user_id: str) -> RecordsAdmin | None:
    return session.exec(select(RecordsAdmin).where(col(RecordsAdmin.user_id) == user_id)).first()


def add_named_admin(session: Session, user_id: str, *, added_by: str) -> RecordsAdmin:
    admin = RecordsAdmin(user_id=user_id, added_by=added_by)
    session.add(admin)
    session.flush()
    return admin


def remove_named_admin(session: Session, admin: RecordsAdmin) -> None:
    session.delete(admin)
    session.flush()
