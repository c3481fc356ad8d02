"""The facts a digest and a health check are made of (storage/digest_facts.py), read with a handful of
aggregate queries.

Whatever the size of the workspace, `digest_facts` runs the same small number of statements: one per
kind of fact (GROUP BY per party, a window function for each party's worst issues, correlated
subqueries that use the (party, occurred_at) index for each party's last contact), never one per row.
Every list is capped in SQL; counts say how many there were in all, so the digest can say "and N more".

The session is a workspace session, so every statement only sees that workspace's rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, literal
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from storage.digest_facts import (
    DEFAULT_COLD_AFTER_DAYS,
    LIST_LIMIT,
    SENTIMENT_PERIOD,
    SEVERITY_RANK,
    STALE_ISSUE_AGE,
    TOP_ISSUES_PER_PARTY,
    WEEK,
    DigestFacts,
    FollowUpLine,
    IssueLine,
    Listed,
    PartyFacts,
    SentimentTally,
)
from storage.models import Interaction, Issue, IssueStatus, Party, Sentiment, Severity, Workspace


def digest_facts(session: Session, *, now: datetime, party_ids: Sequence[int] | None = None) -> DigestFacts:
    """The workspace's digest facts at `now`, for all parties or only `party_ids`."""
    week_start = now - WEEK
    ids = list(party_ids) if party_ids else None  # none or empty: every party
    return DigestFacts(
        now=now,
        week_start=week_start,
        cold_after_days=cold_after_days(session),
        mentions=bool(session.exec(select(Workspace.digest_mentions)).first()),
        parties=_party_facts(session, ids, now, with_top_issues=True),
        # An issue opened and closed within the week got better, not worse: it is listed once, as closed.
        opened=_issue_list(
            session,
            ids,
            and_(Issue.created_at >= week_start, Issue.status == IssueStatus.OPEN),  # type: ignore[arg-type]
            _worst_first(),
        ),
        closed=_issue_list(
            session,
            ids,
            and_(Issue.status == IssueStatus.CLOSED, Issue.closed_at >= week_start),  # type: ignore[operator]
            [Issue.closed_at.desc()],  # type: ignore[union-attr]
        ),
        overdue=_issue_list(
            session,
            ids,
            and_(Issue.status == IssueStatus.OPEN, Issue.follow_up_at < now),  # type: ignore[operator]
            [Issue.follow_up_at],
        ),
        missed_follow_ups=_missed_follow_ups(session, ids, week_start, now),
        opened_and_closed=_count_issues(
            session,
            ids,
            and_(Issue.status == IssueStatus.CLOSED, Issue.created_at >= week_start),  # type: ignore[arg-type]
        ),
    )


def health_facts(session: Session, *, now: datetime, party_ids: Sequence[int] | None = None) -> DigestFacts:
    """What a health check needs (every party, or only `party_ids`): each party's facts, without its
    worst issues and without the weekly lists, which a health check never shows. Reading those was
    a third of the digest's time at the size of a large state."""
    ids = list(party_ids) if party_ids else None
    return DigestFacts(
        now=now,
        week_start=now - WEEK,
        cold_after_days=cold_after_days(session),
        parties=_party_facts(session, ids, now, with_top_issues=False),
    )


def _party_facts(
    session: Session, ids: list[int] | None, now: datetime, *, with_top_issues: bool
) -> tuple[PartyFacts, ...]:
    parties = _parties(session, ids)
    open_stats = _open_issue_stats(session, ids, now)
    top = _top_open_issues(session, ids) if with_top_issues else {}
    sentiment = _sentiment(session, ids, now)
    return tuple(
        PartyFacts(
            party_id=p["id"],
            name=p["name"],
            created_at=p["created_at"],
            last_contact_at=p["last_contact_at"],
            last_contact_permalink=p["last_contact_permalink"],
            top_issues=tuple(top.get(p["id"], ())),
            **open_stats.get(p["id"], {}),
            **sentiment.get(p["id"], {}),
        )
        for p in parties
    )


def cold_after_days(session: Session) -> int:
    """The workspace's "going cold" threshold in days."""
    days = session.exec(select(Workspace.cold_after_days)).first()
    return days if days and days > 0 else DEFAULT_COLD_AFTER_DAYS


def _in_parties(column: Any, ids: Sequence[int] | None) -> list[ColumnElement[bool]]:
    return [column.in_(list(ids))] if ids is not None else []


def _parties(session: Session, party_ids: Sequence[int] | None) -> list[dict[str, Any]]:
    """Each party with its last contact, found through the (party, occurred_at) index per party."""
    latest = (
        select(Interaction.occurred_at, Interaction.permalink)
        .where(Interaction.party_id == Party.id, Interaction.team_id == Party.team_id)
        .order_by(Interaction.occurred_at.desc())  # type: ignore[attr-defined]
        .limit(1)
        .correlate(Party)
    )
    statement = select(
        Party.id,
        Party.name,
        Party.created_at,
        latest.with_only_columns(Interaction.occurred_at).scalar_subquery().label("last_contact_at"),
        latest.with_only_columns(Interaction.permalink).scalar_subquery().label("last_contact_permalink"),
    ).where(*_in_parties(Party.id, party_ids))
    return [dict(row._mapping) for row in session.exec(statement.order_by(Party.name))]


def _open_issue_stats(
    session: Session, ids: Sequence[int] | None, now: datetime
) -> dict[int, dict[str, Any]]:
    def count(condition: ColumnElement[bool]) -> Any:
        return func.sum(case((condition, 1), else_=0))

    statement = (
        select(
            Issue.party_id,
            func.count().label("open_issues"),
            count(Issue.created_at < now - STALE_ISSUE_AGE).label("stale_issues"),
            count(Issue.severity == Severity.CRITICAL).label("critical_issues"),
            count(Issue.severity == Severity.HIGH).label("high_issues"),
            count(Issue.follow_up_at < now).label("overdue_follow_ups"),  # type: ignore[operator]
            func.min(Issue.created_at).label("oldest_open_at"),
        )
        .where(Issue.status == IssueStatus.OPEN, *_in_parties(Issue.party_id, ids))
        .group_by(Issue.party_id)
    )
    stats = {}
    for row in session.exec(statement):
        values = dict(row._mapping)
        party_id = values.pop("party_id")
        stats[party_id] = {k: (int(v) if k != "oldest_open_at" else v) for k, v in values.items()}
    return stats


def _severity_rank() -> Any:
    return case(
        *((Issue.severity == name, literal(rank)) for name, rank in SEVERITY_RANK.items()), else_=literal(0)
    )


def _worst_first() -> list[Any]:
    return [_severity_rank().desc(), Issue.created_at, Issue.number]


# In IssueLine's field order, so that a row makes an IssueLine by position (no mapping per row: the
# digest reads thousands of them).
_ISSUE_COLUMNS = (
    Issue.number,
    Issue.party_id,
    Issue.title,
    Issue.severity,
    Issue.owner_id,
    Issue.created_at,
    Issue.follow_up_at,
    Issue.permalink,
    Issue.closed_at,
    Issue.closed_by,
)


def _top_open_issues(session: Session, ids: Sequence[int] | None) -> dict[int, list[IssueLine]]:
    """Each party's worst few open issues (most severe, then oldest), with one window function.

    The engines want the window written differently. SQLite ranks only ids, from the covering index
    ix_issue_open_work, and joins the few rows kept back by primary key. PostgreSQL misjudges how
    few rows the ranking keeps and joins them back with a scan of the whole table (twice the time at
    100,000 issues), so there the window carries the columns itself and nothing is joined.
    """
    place = func.row_number().over(partition_by=Issue.party_id, order_by=_worst_first()).label("place")
    open_issues = [Issue.status == IssueStatus.OPEN, *_in_parties(Issue.party_id, ids)]
    if session.get_bind().dialect.name == "postgresql":
        ranked = select(*_ISSUE_COLUMNS, place).where(*open_issues).subquery()
        statement = (
            select(*(ranked.c[column.key] for column in _ISSUE_COLUMNS))
            .where(ranked.c.place <= TOP_ISSUES_PER_PARTY)
            .order_by(ranked.c.party_id, ranked.c.place)
        )
    else:
        ranked = select(Issue.id, place).where(*open_issues).subquery()
        statement = (
            select(*_ISSUE_COLUMNS)
            .join(ranked, ranked.c.id == Issue.id)
            .where(ranked.c.place <= TOP_ISSUES_PER_PARTY)
            .order_by(Issue.party_id, ranked.c.place)
        )
    top: dict[int, list[IssueLine]] = {}
    for row in session.exec(statement):
        top.setdefault(row.party_id, []).append(IssueLine(*row))
    return top


def _issue_list(
    session: Session,
    ids: Sequence[int] | None,
    condition: ColumnElement[bool],
    order: list[Any],
    limit: int = LIST_LIMIT,
) -> Listed:
    where = [condition, *_in_parties(Issue.party_id, ids)]
    rows = session.exec(select(*_ISSUE_COLUMNS).where(*where).order_by(*order).limit(limit))
    items = tuple(IssueLine(*row) for row in rows)
    return Listed(items=items, total=_count_issues(session, ids, condition))


def _count_issues(session: Session, ids: Sequence[int] | None, condition: ColumnElement[bool]) -> int:
    where = [condition, *_in_parties(Issue.party_id, ids)]
    return int(session.exec(select(func.count()).select_from(Issue).where(*where)).one())


def _sentiment(session: Session, ids: Sequence[int] | None, now: datetime) -> dict[int, dict[str, Any]]:
    """Sentiment counts per party for the last period and the one before.

    PostgreSQL groups the period's interactions by party with a hash. SQLite can only group by
    sorting, and sorting the 120 days' interactions of a large state was the largest part of a health
    check over every party; there each party's six counts are ranges of the (party, sentiment,
    occurred_at) index instead, read without the table. PostgreSQL is slower that way (a subplan per
    party and count)."""
    middle, start = now - SENTIMENT_PERIOD, now - 2 * SENTIMENT_PERIOD
    moods = (Sentiment.POSITIVE, Sentiment.NEUTRAL, Sentiment.NEGATIVE)

    def period(recent: bool) -> list[ColumnElement[bool]]:
        if recent:
            return [Interaction.occurred_at >= middle, Interaction.occurred_at <= now]  # type: ignore[list-item]
        return [Interaction.occurred_at >= start, Interaction.occurred_at < middle]  # type: ignore[list-item]

    if session.get_bind().dialect.name == "sqlite":

        def count(recent: bool, sentiment: str) -> Any:
            return (
                select(func.count())
                .select_from(Interaction)
                .where(
                    Interaction.team_id == Party.team_id,
                    Interaction.party_id == Party.id,
                    Interaction.sentiment == sentiment,
                    *period(recent),
                )
                .correlate(Party)
                .scalar_subquery()
            )

        statement = select(
            Party.id, *(count(recent, mood) for recent in (True, False) for mood in moods)
        ).where(*_in_parties(Party.id, ids))
    else:

        def count(recent: bool, sentiment: str) -> Any:
            return func.sum(case((and_(*period(recent), Interaction.sentiment == sentiment), 1), else_=0))

        statement = (
            select(
                Interaction.party_id,
                *(count(recent, mood) for recent in (True, False) for mood in moods),
            )
            .where(
                Interaction.occurred_at >= start,
                Interaction.occurred_at <= now,
                Interaction.sentiment.is_not(None),  # type: ignore[union-attr]
                *_in_parties(Interaction.party_id, ids),
            )
            .group_by(Interaction.party_id)
        )
    result = {}
    for party_id, *counts in session.exec(statement):
        now_counts, before_counts = [int(c or 0) for c in counts[:3]], [int(c or 0) for c in counts[3:]]
        result[party_id] = {
            "sentiment_now": SentimentTally(*now_counts),
            "sentiment_before": SentimentTally(*before_counts),
        }
    return result


def _missed_follow_ups(
    session: Session, ids: Sequence[int] | None, week_start: datetime, now: datetime
) -> Listed:
    """Interaction follow-ups due this week, not marked done, with nothing logged with the party since."""
    later = aliased(Interaction)
    nothing_since = ~exists().where(
        later.team_id == Interaction.team_id,
        later.party_id == Interaction.party_id,
        later.occurred_at > Interaction.occurred_at,
    )
    where = [
        Interaction.follow_up_at >= week_start,  # type: ignore[operator]
        Interaction.follow_up_at < now,  # type: ignore[operator]
        Interaction.follow_up_done_at.is_(None),  # type: ignore[union-attr]
        nothing_since,
        *_in_parties(Interaction.party_id, ids),
    ]
    total = session.exec(select(func.count()).select_from(Interaction).where(*where)).one()
    rows = session.exec(
        select(
            Interaction.party_id,
            Interaction.summary,
            Interaction.follow_up_at,
            Interaction.logged_by,
            Interaction.permalink,
        )
        .where(*where)
        .order_by(Interaction.follow_up_at)
        .limit(LIST_LIMIT)
    )
    return Listed(items=tuple(FollowUpLine(**row._mapping) for row in rows), total=int(total))


def party_open_issues(session: Session, party_id: int, limit: int = LIST_LIMIT) -> Listed:
    """One party's open issues, worst first."""
    return _issue_list(session, [party_id], Issue.status == IssueStatus.OPEN, _worst_first(), limit)
