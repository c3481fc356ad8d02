"""The tables of public-records work: records administrators, retention rules, legal holds, and the
day each workspace's retention last ran.

They live apart from `storage.models` (the BRM's own records) and are registered on the same
metadata; `storage.db` imports this module so that every session scopes them to their workspace.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field

from storage.models import WorkspaceScoped, stamped


class RecordsAdmin(WorkspaceScoped, table=True):
    """Someone named with `/brm admin add`; Slack's owners and admins need no row (see bot/records)."""

    __tablename__ = "records_admin"
    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_records_admin"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(max_length=32)
    added_by: str = Field(max_length=32)
    created_at: datetime = stamped()


class RetentionRule(WorkspaceScoped, table=True):
    """How long one record type is kept, and what happens after: delete, or redact the free text."""

    __tablename__ = "retention_rule"
    __table_args__ = (UniqueConstraint("team_id", "record_type", name="uq_retention_type"),)

    id: int | None = Field(default=None, primary_key=True)
    record_type: str = Field(max_length=32)  # see bot.records.retention_rules.RECORD_TYPES
    period_count: int
    period_unit: str = Field(max_length=8)  # days, weeks, months, years
    disposition: str = Field(default="delete", max_length=8)  # delete | redact
    set_by: str = Field(max_length=32)
    created_at: datetime = stamped()


class LegalHold(WorkspaceScoped, table=True):
    """A named hold over a party, a date range, a person, or any mix; active until released."""

    __tablename__ = "legal_hold"
    __table_args__ = (Index("ix_legal_hold_active", "team_id", "released_at"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    party_id: int | None = Field(default=None, foreign_key="party.id")
    starts_at: datetime | None = Field(default=None)  # inclusive
    ends_at: datetime | None = Field(default=None)  # exclusive: the day after the last day held
    user_id: str | None = Field(default=None, max_length=32)
    placed_by: str = Field(max_length=32)
    created_at: datetime = stamped()
    released_at: datetime | None = Field(default=None)
    released_by: str | None = Field(default=None, max_length=32)


class RetentionRun(WorkspaceScoped, table=True):
    """One row per workspace and day: the unique key lets exactly one process start that day's run."""

    __tablename__ = "retention_run"
    __table_args__ = (UniqueConstraint("team_id", "day", name="uq_retention_day"),)

    id: int | None = Field(default=None, primary_key=True)
    day: str = Field(max_length=10)  # ISO date, UTC
    created_at: datetime = stamped()
