"""The audit log: one row for every change, with who made it and from which Slack surface."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from storage.models import AuditEvent


def record_change(
    session: Session,
    *,
    actor_id: str | None,
    surface: str,
    action: str,
    entity: str,
    entity_id: int,
    **detail: Any,
) -> AuditEvent:
    event = AuditEvent(
        **change_row(
            team_id=session.info["team_id"],
            enterprise_id=session.info.get("enterprise_id"),
            actor_id=actor_id,
            surface=surface,
            action=action,
            entity=entity,
            entity_id=entity_id,
            **detail,
        )
    )
    session.add(event)
    return event


def change_row(
    *,
    team_id: str,
    enterprise_id: str | None,
    actor_id: str | None,
    surface: str,
    action: str,
    entity: str,
    entity_id: int,
    **detail: Any,
) -> dict[str, Any]:
    """`record_change`'s row as plain columns, for writing many at once (storage/nudge_batches.py);
    `at` is the writer's to stamp."""
    return dict(
        team_id=team_id,
        enterprise_id=enterprise_id,
        actor_id=actor_id,
        surface=surface,
        action=action,
        entity=entity,
        entity_id=entity_id,
        detail={key: _jsonable(value) for key, value in detail.items()},
    )


def history(session: Session, entity: str, entity_id: int) -> list[AuditEvent]:
    statement = (
        select(AuditEvent)
        .where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return list(session.exec(statement))


def _jsonable(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value
