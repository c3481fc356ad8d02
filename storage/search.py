"""Full-text search over interaction summaries and issue titles and details, with the database's own
index: FTS5 on SQLite, a `tsvector` column with a GIN index on PostgreSQL (migration 0011_search).

The words to look for arrive already read (`SearchTerms`: plain words, no query syntax), and reach the
database only as bound parameters, quoted as FTS5 strings on SQLite and through `plainto_tsquery` /
`phraseto_tsquery` on PostgreSQL: nothing a person types can be read as an operator. Queries name the
workspace's rows through the ORM (the session's workspace filter applies) and say so themselves too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Text, cast, func, literal_column, null, or_, table
from sqlalchemy import column as sql_column
from sqlmodel import Session, col, select

from storage.models import Interaction, Issue, Party, PartyAlias

# What the search index adds to the schema beside the models; Alembic's comparisons leave it out.
SEARCH_TABLES = ("interaction_fts", "issue_fts")
SEARCH_COLUMN = "search_vector"
SEARCH_INDEXES = ("ix_interaction_search", "ix_issue_search")


def outside_the_models(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    """Alembic's `include_name`: False for the search index's tables (and FTS5's own shadow
    tables), column and indexes, which no model describes."""
    if type_ == "table":
        return not (name or "").startswith(SEARCH_TABLES)
    if type_ == "column":
        return name != SEARCH_COLUMN
    if type_ == "index":
        return name not in SEARCH_INDEXES
    return True


@dataclass(frozen=True)
class SearchTerms:
    """What to look for: every word, and every phrase as consecutive words, must be in a record."""

    words: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()


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


# Ranking reads every match's statistics; a word in tens of thousands of records would take longer
# than a person waits. So the best matches are chosen among the newest WINDOW matches (all of them when
# there are fewer, as for most searches), and the answer says when there were more.
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


def fts5_query(terms: SearchTerms) -> str:
    """An FTS5 query of quoted strings only (implicit AND): no word can be an operator or a column."""
    strings = [*terms.words, *(" ".join(phrase) for phrase in terms.phrases)]
    return " ".join('"' + text.replace('"', '""') + '"' for text in strings)


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
    match, score, source, newest = _matching(record, dialect, terms)
    names = ("text", "permalink", "kind", "number", "status")
    window = (
        select(
            col(model.id).label("id"),
            when.label("at"),
            col(model.party_id).label("party_id"),
            *(column.label(name) for column, name in zip(shown, names, strict=True)),
            score.label("score"),
        )
        .select_from(source)
        .where(match, model.team_id == session.info["team_id"])
    )
    if party_id is not None:
        window = window.where(model.party_id == party_id)
    if since is not None:
        window = window.where(when >= since)
    # The newest matches come straight from the index, in order, without ranking the rest.
    ranked = window.order_by(newest).limit(WINDOW).subquery()
    statement = (
        select(
            ranked.c.id,
            ranked.c.at,
            ranked.c.party_id,
            Party.name,
            *(ranked.c[name] for name in names),
            ranked.c.score,
            func.count().over().label("matched"),
        )
        .join(Party, col(Party.id) == ranked.c.party_id)
        .order_by(ranked.c.score.desc(), ranked.c.at.desc(), ranked.c.id.desc())
        .limit(limit)
    )
    rows = session.exec(statement).all()  # type: ignore[call-overload]
    hits = [Hit(record, r[0], float(r[9]), *r[1:9]) for r in rows]
    return Found(hits, bool(rows) and rows[0][-1] >= WINDOW, WINDOW)


# bm25's column weights on SQLite (the title counts twice the details); PostgreSQL's vector is weighted.
_WEIGHTS: dict[str, tuple[float, ...]] = {"interaction": (), "issue": (2.0, 1.0)}


def _matching(
    name: str, dialect: str, terms: SearchTerms
) -> tuple[ColumnElement[bool], ColumnElement[Any], Any, Any]:
    """(the match condition, the score, what to select from, newest first) for table `name` on this
    database."""
    model = Interaction if name == "interaction" else Issue
    weights = _WEIGHTS[name]
    if dialect == "sqlite":
        fts = table(f"{name}_fts", sql_column("rowid"))
        source = fts.join(model, col(model.id) == fts.c.rowid)  # type: ignore[arg-type]
        whole = literal_column(f"{name}_fts")
        rank = func.bm25(whole, *weights)  # lower for a better match
        return whole.op("MATCH")(fts5_query(terms)), -rank, source, fts.c.rowid.desc()
    vector = literal_column(f"{name}.{SEARCH_COLUMN}")
    query = _tsquery(terms)
    return vector.op("@@")(query), func.ts_rank(vector, query), model, col(model.id).desc()


def _tsquery(terms: SearchTerms) -> ColumnElement[Any]:
    english = literal_column("'english'::regconfig")
    parts = []
    if terms.words:
        parts.append(func.plainto_tsquery(english, cast(" ".join(terms.words), Text)))
    parts += [func.phraseto_tsquery(english, cast(" ".join(phrase), Text)) for phrase in terms.phrases]
    query = parts[0]
    for part in parts[1:]:
        query = query.op("&&")(part)
    return query
