"""Full-text search over interaction summaries and issue titles and details, with the database's own
index (storage/search_index.py: FTS5 on SQLite, a `tsvector` column with a GIN index on PostgreSQL).

Each kind of record is searched apart, the best of each merged. Ranking reads every candidate's
statistics, so it runs over the newest WINDOW matches only (all of them, for most searches); the
answer says when there were more. Queries name the workspace's rows through the ORM (the session's
workspace filter applies) and say so themselves too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal_column, null, or_
from sqlmodel import Session, col, select

from storage.models import Interaction, Issue, Party, PartyAlias
from storage.search_index import SearchTerms, matching_for


@dataclass(frozen=True)
class Hit:
    """One record that matched; `score` is higher for a better match."""

    record: str  # "interaction" or "issue"
    id: int
    score: float
    at: datetime  # when the interaction happened, when the issue was raised
    party_id: int
    party_name: str
    text: str  # the summary, or the issue's title
    permalink: str | None
    kind: str | None = None  # the interaction's kind
    number: int | None = None  # the issue's number
    status: str | None = None  # the issue's status


# A word in tens of thousands of records would take longer to rank than a person waits.
WINDOW = 1_000


@dataclass(frozen=True)
class Found:
    """The best matches, and whether the ranking was over only the newest WINDOW of some kind of record."""

    hits: list[Hit]
    window_full: bool
    window: int = WINDOW


def search_records(
    session: Session,
    terms: SearchTerms,
    *,
    party_id: int | None = None,
    since: datetime | None = None,
    limit: int = 10,
) -> Found:
    """The best `limit` matches among the workspace's interactions and issues, best first (newest
    first among equals); one more when there are more, so the caller can say so."""
    dialect = session.get_bind().dialect.name
    hits: list[Hit] = []
    window_full = False
    for record in ("interaction", "issue"):
        found = _hits(session, dialect, terms, record, party_id, since, limit + 1)
        hits += found.hits
        window_full = window_full or found.window_full
    hits.sort(key=lambda hit: (-hit.score, -hit.at.timestamp(), hit.record, -hit.id))
    return Found(hits[: limit + 1], window_full, WINDOW)


def parties_named(session: Session, keys: set[str]) -> list[tuple[int, str, tuple[str, ...]]]:
    """(id, name, aliases) of the parties whose name or an alias has one of these keys (normalised
    names): the few a search may name, found by the unique keys' indexes, not by reading every party."""
    if not keys:
        return []
    by_alias = select(PartyAlias.party_id).where(col(PartyAlias.alias_key).in_(keys))
    found = session.exec(
        select(Party.id, Party.name).where(or_(col(Party.name_key).in_(keys), col(Party.id).in_(by_alias)))
    ).all()
    aliases: dict[int, list[str]] = {party_id: [] for party_id, _ in found}
    for party_id, alias in session.exec(
        select(PartyAlias.party_id, PartyAlias.alias).where(col(PartyAlias.party_id).in_(list(aliases)))
    ):
        aliases[party_id].append(alias)
    return [(party_id, name, tuple(aliases[party_id])) for party_id, name in found]  # type: ignore[misc]


def _hits(
    session: Session,
    dialect: str,
    terms: SearchTerms,
    record: str,
    party_id: int | None,
    since: datetime | None,
    limit: int,
) -> Found:
    model: Any = Interaction if record == "interaction" else Issue
    if record == "interaction":
        when = col(Interaction.occurred_at)
        shown = (Interaction.summary, Interaction.permalink, Interaction.kind, null(), null())
    else:
        when = col(Issue.created_at)
        shown = (Issue.title, Issue.permalink, null(), Issue.number, Issue.status)
    matching = matching_for(dialect, record, terms)
    names = ("text", "permalink", "kind", "number", "status")
    window = (
        select(
            col(model.id).label("id"),
            when.label("at"),
            col(model.party_id).label("party_id"),
            *(column.label(name) for column, name in zip(shown, names, strict=True)),
            matching.window_score.label("score"),
        )
        .select_from(matching.source)
        .where(matching.condition, model.team_id == session.info["team_id"])
    )
    if party_id is not None:
        window = window.where(model.party_id == party_id)
    if since is not None:
        window = window.where(when >= since)
    # The newest matches, in the index's order where it has one; only they are ranked.
    ranked = window.order_by(matching.newest(session)).limit(WINDOW).subquery()
    statement = (
        select(
            ranked.c.id,
            ranked.c.at,
            ranked.c.party_id,
            Party.name,
            *(ranked.c[name] for name in names),
            matching.score(ranked.c.score).label("score"),
            func.count().over().label("matched"),
        )
        .join(Party, col(Party.id) == ranked.c.party_id)
        .order_by(literal_column("score").desc(), ranked.c.at.desc(), ranked.c.id.desc())
        .limit(limit)
    )
    rows = session.exec(statement).all()  # type: ignore[call-overload]
    hits = [Hit(record, r[0], float(r[9]), *r[1:9]) for r in rows]
    return Found(hits, bool(rows) and rows[0][-1] >= WINDOW, WINDOW)
