"""The records brm-bot keeps, as SQLModel tables.

Every table carries the Slack workspace it belongs to (`team_id`, plus `enterprise_id` on Enterprise
Grid). Sessions opened for a workspace only ever see that workspace's rows: see `storage.db`.
Timestamps are timezone-aware UTC (SQLModel maps `datetime` to its UTC-aware column type).
Enumerated values are stored as short strings so that PostgreSQL and SQLite share one schema.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def stamped() -> Any:
    """A time the database session fills in from the app's clock when the row is first written.

    Rows never read the wall clock themselves: the clock the app was built with (a test's frozen
    clock included) is the only one, see `storage.db`."""
    return Field(default=None, nullable=False, sa_column_kwargs={"info": {STAMPED: True}})


STAMPED = "stamped_by_clock"

# For tables whose ids the audit log, holds and exports name: SQLite must never hand a deleted row's
# id (`/brm undo`, retention) to a new record, which would inherit its history (PostgreSQL never does).
NO_ID_REUSE: dict[str, Any] = {"sqlite_autoincrement": True}


class PartyKind(StrEnum):
    AGENCY = "agency"
    VENDOR = "vendor"
    PARTNER = "partner"
    INTERNAL = "internal"


class InteractionKind(StrEnum):
    MEETING = "meeting"
    CALL = "call"
    EMAIL = "email"
    VISIT = "visit"
    CHAT = "chat"


class Sentiment(StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


class IssueStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Surface(StrEnum):
    """Where in Slack a change came from, for the audit log."""

    COMMAND = "command"
    SHORTCUT = "shortcut"
    MODAL = "modal"
    REACTION = "reaction"
    BUTTON = "button"
    SCHEDULER = "scheduler"
    IMPORT = "import"  # `brm-bot import`: the detail names the file and the line


class NudgeStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class WorkspaceScoped(SQLModel):
    """Columns every workspace-owned table has; the session filter keys on this class."""

    team_id: str = Field(max_length=32, index=True)
    enterprise_id: str | None = Field(default=None, max_length=32)


class Workspace(WorkspaceScoped, table=True):
    """One Slack workspace using the bot, with its own settings and issue counter."""

    __table_args__ = (UniqueConstraint("team_id", name="uq_workspace_team"), NO_ID_REUSE)

    id: int | None = Field(default=None, primary_key=True)
    issue_seq: int = Field(default=0)
    holiday_region: str | None = Field(default=None, max_length=8)  # a US state code such as "CA"
    # The month (1-12) the fiscal year starts; None: the holiday state's usual month (July for most).
    fiscal_year_start: int | None = Field(default=None)
    renudge_days: int = Field(default=7)
    cold_after_days: int = Field(default=30)
    # The weekly digest names owners in plain text unless this is on: a mention notifies them every week.
    digest_mentions: bool = Field(default=False)
    # Touchpoint cadence in days per party kind ("agency": 14); a kind not named has none.
    cadence_by_kind: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = stamped()


class Party(WorkspaceScoped, table=True):
    """An organisation a BRM has a relationship with."""

    __table_args__ = (UniqueConstraint("team_id", "name_key", name="uq_party_name"), NO_ID_REUSE)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200)  # normalised name: case and punctuation folded
    kind: str = Field(default=PartyKind.AGENCY, max_length=16)
    owner_id: str | None = Field(default=None, max_length=32)
    home_channel_id: str | None = Field(default=None, max_length=32)
    created_by: str | None = Field(default=None, max_length=32)
    cadence_days: int | None = Field(default=None)  # None: the workspace's default for its kind
    touched_at: datetime | None = Field(default=None)  # a touchpoint nudge marked done or not needed
    created_at: datetime = stamped()


class PartyAlias(WorkspaceScoped, table=True):
    __tablename__ = "party_alias"
    __table_args__ = (UniqueConstraint("team_id", "alias_key", name="uq_party_alias"),)

    id: int | None = Field(default=None, primary_key=True)
    party_id: int = Field(foreign_key="party.id", index=True)
    alias: str = Field(max_length=200)
    alias_key: str = Field(max_length=200)


class Contact(WorkspaceScoped, table=True):
    """A person at a party: `role` from storage.contact_models.ContactRole, `title` as known ("CIO")."""

    __table_args__ = (Index("ix_contact_name", "team_id", "name_key"), NO_ID_REUSE)

    id: int | None = Field(default=None, primary_key=True)
    party_id: int = Field(foreign_key="party.id", index=True)
    name: str = Field(max_length=200)
    name_key: str = Field(default="", max_length=200)  # normalised name: case and punctuation folded
    role: str | None = Field(default=None, max_length=200)
    title: str | None = Field(default=None, max_length=200)
    slack_user_id: str | None = Field(default=None, max_length=32)
    cadence_days: int | None = Field(default=None)  # a key contact's own touchpoint cadence
    touched_at: datetime | None = Field(default=None)
    created_at: datetime = stamped()


# Interactions whose follow-up is still to be acted on: a small share of all of them, so the
# indexes that list them (`/brm follow-ups`, the Home tab) hold only those rows.
OPEN_FOLLOW_UP = "follow_up_at IS NOT NULL AND follow_up_done_at IS NULL"


def open_follow_up_index(name: str, *columns: str) -> Index:
    """An index over interactions with an open follow-up only (a partial index, on both databases)."""
    return Index(name, *columns, sqlite_where=text(OPEN_FOLLOW_UP), postgresql_where=text(OPEN_FOLLOW_UP))


class Interaction(WorkspaceScoped, table=True):
    """One logged touchpoint with a party."""

    __table_args__ = (
        Index("ix_interaction_party_when", "team_id", "party_id", "occurred_at"),
        # One record per captured message and kind; rows logged by command (no message) never clash.
        Index("ix_interaction_source_message", "team_id", "channel_id", "message_ts", unique=True),
        # The digest: sentiment per party over recent weeks (covering), follow-ups that fell due.
        Index("ix_interaction_when", "team_id", "occurred_at", "party_id", "sentiment"),
        Index("ix_interaction_follow_up", "team_id", "follow_up_at"),
        # A command's work that runs again (a worker died after saving) finds its record, not a twin.
        Index("ix_interaction_request", "team_id", "request_id", unique=True),
        # Health and the digest: each party's interactions of one sentiment in a period, counted
        # from the index alone (covering).
        Index("ix_interaction_party_sentiment", "team_id", "party_id", "sentiment", "occurred_at"),
        # Open follow-ups soonest first: everyone's, one person's, one party's.
        open_follow_up_index("ix_interaction_open_follow_up", "team_id", "follow_up_at"),
        open_follow_up_index("ix_interaction_open_follow_up_by", "team_id", "logged_by", "follow_up_at"),
        open_follow_up_index("ix_interaction_open_follow_up_party", "team_id", "party_id", "follow_up_at"),
        NO_ID_REUSE,
    )

    id: int | None = Field(default=None, primary_key=True)
    party_id: int = Field(foreign_key="party.id")
    occurred_at: datetime
    kind: str = Field(default=InteractionKind.CHAT, max_length=16)
    summary: str = Field(sa_column=Column(Text, nullable=False))
    people: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    contacts: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    sentiment: str | None = Field(default=None, max_length=16)
    follow_up_at: datetime | None = Field(default=None)
    follow_up_has_time: bool = Field(default=False)
    follow_up_done_at: datetime | None = Field(default=None)  # someone marked the follow-up done
    follow_up_done_by: str | None = Field(default=None, max_length=32)
    source: str = Field(default=Surface.COMMAND, max_length=16)
    channel_id: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    permalink: str | None = Field(default=None, max_length=500)
    request_id: str | None = Field(default=None, max_length=128)  # the command or form that logged it
    logged_by: str = Field(max_length=32)
    created_at: datetime = stamped()


class Issue(WorkspaceScoped, table=True):
    """Something that is not working, numbered per workspace (#12)."""

    __table_args__ = (
        UniqueConstraint("team_id", "number", name="uq_issue_number"),
        Index("ix_issue_status", "team_id", "status", "party_id"),
        Index("ix_issue_source_message", "team_id", "channel_id", "message_ts", unique=True),
        # The digest: open issues per party ranked without reading the table (covering), issues
        # opened or closed this week, overdue follow-ups.
        Index(
            "ix_issue_open_work",
            *("team_id", "status", "party_id", "severity", "created_at", "follow_up_at", "number"),
        ),
        Index("ix_issue_created", "team_id", "created_at"),
        Index("ix_issue_closed", "team_id", "closed_at"),
        Index("ix_issue_open_follow_up", "team_id", "status", "follow_up_at"),
        Index("ix_issue_request", "team_id", "request_id", unique=True),
        # Follow-ups leave out interactions that raised an issue: one probe each, not a table scan.
        Index("ix_issue_interaction", "team_id", "interaction_id"),
        # `/brm list`: one party's issues, open and closed; someone's open issues in list order
        # (covering, for `list mine` and the Home tab); closed issues most recently closed first.
        Index("ix_issue_party", "team_id", "party_id", "status", "closed_at", "created_at", "number"),
        Index(
            "ix_issue_owner_work",
            *("team_id", "owner_id", "status", "severity", "created_at", "follow_up_at", "number"),
        ),
        Index("ix_issue_closed_list", "team_id", "status", "closed_at", "created_at", "number"),
        NO_ID_REUSE,
    )

    id: int | None = Field(default=None, primary_key=True)
    number: int
    party_id: int = Field(foreign_key="party.id")
    interaction_id: int | None = Field(default=None, foreign_key="interaction.id")
    title: str = Field(max_length=500)
    details: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    severity: str = Field(default=Severity.MEDIUM, max_length=16)
    owner_id: str = Field(max_length=32)
    status: str = Field(default=IssueStatus.OPEN, max_length=16)
    follow_up_at: datetime | None = Field(default=None)
    follow_up_has_time: bool = Field(default=False)
    source: str = Field(default=Surface.COMMAND, max_length=16)
    channel_id: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    permalink: str | None = Field(default=None, max_length=500)
    request_id: str | None = Field(default=None, max_length=128)  # the `/brm issue` or form that raised it
    raised_by: str = Field(max_length=32)
    created_at: datetime = stamped()
    updated_at: datetime = stamped()
    closed_at: datetime | None = Field(default=None)
    closed_by: str | None = Field(default=None, max_length=32)
    close_surface: str | None = Field(default=None, max_length=16)
    resolution: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class AuditEvent(WorkspaceScoped, table=True):
    """Every change to a record: who, when, from which Slack surface, and what changed."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_entity", "team_id", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = stamped()
    actor_id: str | None = Field(default=None, max_length=32)  # None: the bot itself
    surface: str = Field(max_length=16)
    action: str = Field(max_length=32)
    entity: str = Field(max_length=16)
    entity_id: int
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Nudge(WorkspaceScoped, table=True):
    """A follow-up reminder to post; the database, not the scheduler, is its source of truth."""

    __table_args__ = (
        Index("ix_nudge_due", "status", "due_at"),
        # A paced sender caught up claims the oldest due nudge of each channel whose slot has come.
        Index("ix_nudge_channel_due", "team_id", "target_channel_id", "status", "due_at"),
        Index("ix_nudge_message", "team_id", "channel_id", "message_ts"),
        NO_ID_REUSE,
    )

    id: int | None = Field(default=None, primary_key=True)
    issue_id: int | None = Field(default=None, foreign_key="issue.id", index=True)
    interaction_id: int | None = Field(default=None, foreign_key="interaction.id", index=True)
    # A touchpoint nudge (a relationship past its cadence): the party, and the key contact if it is one.
    party_id: int | None = Field(default=None, foreign_key="party.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    owner_id: str = Field(max_length=32)
    due_at: datetime
    sequence: int = Field(default=1)  # the how-manieth nudge for this record
    status: str = Field(default=NudgeStatus.PENDING, max_length=16)
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, max_length=500)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = Field(default=None)
    target_channel_id: str | None = Field(default=None, max_length=32)  # where it should go
    channel_id: str | None = Field(default=None, max_length=32)  # where it went
    message_ts: str | None = Field(default=None, max_length=32)
    escalated_to: str | None = Field(default=None, max_length=32)
    # The last attempt may have reached Slack (timeout, 5xx, a claim that died): look before posting.
    check_before_post: bool = Field(default=False)
    # Not before this: a rate limit or a failed attempt (due_at stays when the nudge was due).
    next_attempt_at: datetime | None = Field(default=None)
    sent_at: datetime | None = Field(default=None)
    created_at: datetime = stamped()


class DigestSubscription(WorkspaceScoped, table=True):
    """A channel that gets the weekly "what is not working" digest."""

    __tablename__ = "digest_subscription"
    __table_args__ = (UniqueConstraint("team_id", "channel_id", name="uq_digest_channel"), NO_ID_REUSE)

    id: int | None = Field(default=None, primary_key=True)
    channel_id: str = Field(max_length=32)
    weekday: int = Field(default=0)  # Monday is 0
    time_of_day: str = Field(default="09:00", max_length=5)
    timezone: str = Field(default="UTC", max_length=64)
    party_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = Field(default=True)
    next_due_at: datetime | None = Field(default=None, index=True)
    created_by: str = Field(max_length=32)
    created_at: datetime = stamped()


class DigestDelivery(WorkspaceScoped, table=True):
    """One digest for one channel and one week: the unique key makes delivery exactly-once."""

    __tablename__ = "digest_delivery"
    __table_args__ = (UniqueConstraint("subscription_id", "week_key", name="uq_digest_week"),)

    id: int | None = Field(default=None, primary_key=True)
    subscription_id: int = Field(foreign_key="digest_subscription.id")
    week_key: str = Field(max_length=10)  # ISO week, e.g. 2026-W48
    status: str = Field(default="sending", max_length=16)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime = stamped()
    message_ts: str | None = Field(default=None, max_length=32)
    last_error: str | None = Field(default=None, max_length=500)
    sent_at: datetime | None = Field(default=None)


class ProcessedEvent(WorkspaceScoped, table=True):
    """Slack re-sends unacknowledged events; each event_id is acted on once."""

    __tablename__ = "processed_event"

    event_id: str = Field(primary_key=True, max_length=64)
    received_at: datetime = stamped()


class JobStatus(StrEnum):
    QUEUED = "queued"  # waiting for its run_after, or for the jobs before it with the same key
    RUNNING = "running"  # claimed by a worker, which holds a lease on it
    DONE = "done"
    FAILED = "failed"  # its last attempt failed: kept, logged, and the person was told


class Job(WorkspaceScoped, table=True):
    """One piece of work after Slack's acknowledgement, kept until it is done (see storage/jobs.py)."""

    __table_args__ = (
        Index("ix_job_due", "status", "run_after"),
        # One key's jobs run in the order they were enqueued: "is an earlier one still unfinished?"
        Index("ix_job_key", "key", "status", "id"),
        NO_ID_REUSE,
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=64)
    key: str | None = Field(default=None, max_length=128)  # whose: "team:user"; None runs in any order
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=JobStatus.QUEUED, max_length=16)
    run_after: datetime
    attempts: int = Field(default=0)
    max_attempts: int = Field(default=3)
    time_limit_seconds: int = Field(default=60)  # past it, the key's later jobs no longer wait for this one
    lease_holder: str | None = Field(default=None, max_length=128)
    lease_expires_at: datetime | None = Field(default=None)
    deadline_at: datetime | None = Field(default=None)  # this attempt's start plus the time limit
    # How many Slack posts this job has made so far: a second run skips that many (posts nothing twice).
    posts_done: int = Field(default=0)
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = stamped()
    updated_at: datetime = stamped()
    finished_at: datetime | None = Field(default=None)
