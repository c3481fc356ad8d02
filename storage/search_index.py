"""The full-text index each database has (migration 0011_search), and how a search asks it.

SQLite: FTS5 tables over the rows (external content), ranked with bm25; the index hands out its
matches newest first (by rowid) by itself, so a window of the newest costs what it holds.
PostgreSQL: a generated `tsvector` column with a GIN index, ranked with ts_rank. GIN gives its
matches in no order, so the newest are found one of two ways: all matches read through the index and
sorted by id (cheap when they are few: each costs a visit to its row), or the newest ids walked and
each row checked (cheap when the words are common: a window fills quickly). Which, is chosen from
PostgreSQL's own estimate of how many rows match (an EXPLAIN, half a millisecond); left to itself
the planner walks the ids for a word in a few thousand rows, which costs it a hundred milliseconds.

The words arrive already read (`SearchTerms`: plain words, no query syntax) and reach the database
only as bound parameters: quoted FTS5 strings on SQLite, `plainto_tsquery` / `phraseto_tsquery` on
PostgreSQL. Nothing a person types can be read as an operator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Text, cast, func, literal_column, null, table
from sqlalchemy import column as sql_column
from sqlmodel import Session, col, select

from storage.models import Interaction, Issue

# What the index adds to the schema beside the models; Alembic's comparisons leave it out.
SEARCH_TABLES = ("interaction_fts", "issue_fts")
SEARCH_COLUMN = "search_vector"
SEARCH_INDEXES = ("ix_interaction_search", "ix_issue_search")
# bm25's column weights on SQLite (the title counts twice the details); PostgreSQL's vector is weighted.
_WEIGHTS: dict[str, tuple[float, ...]] = {"interaction": (), "issue": (2.0, 1.0)}


def outside_the_models(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    """Alembic's `include_name`: False for the index's tables (and FTS5's own shadow tables), column
    and indexes, which no model describes."""
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
class Matching:
    """How one table is searched on one database.

    `window_score` is selected with each candidate, `score(it)` ranks the window from it (bm25 needs
    the FTS5 cursor; ts_rank is worth computing only for the window)."""

    condition: ColumnElement[bool]
    source: Any
    newest: Callable[[Session], Any]
    window_score: ColumnElement[Any]
    score: Callable[[Any], ColumnElement[Any]]


def matching_for(dialect: str, name: str, terms: SearchTerms) -> Matching:
    model: Any = Interaction if name == "interaction" else Issue
    if dialect == "sqlite":
        fts = table(f"{name}_fts", sql_column("rowid"))
        whole = literal_column(f"{name}_fts")
        return Matching(
            condition=whole.op("MATCH")(fts5_query(terms)),
            source=fts.join(model, col(model.id) == fts.c.rowid),
            newest=lambda _session: fts.c.rowid.desc(),
            window_score=-func.bm25(whole, *_WEIGHTS[name]),  # bm25 is lower for a better match
            score=lambda window_score: window_score,
        )
    vector = literal_column(f"{name}.{SEARCH_COLUMN}")
    return Matching(
        condition=vector.op("@@")(_tsquery(terms)),
        source=model,
        newest=lambda session: _newest_on_postgres(session, name, terms, model),
        window_score=vector,
        score=lambda window_vector: func.ts_rank(window_vector, _tsquery(terms)),
    )


def fts5_query(terms: SearchTerms) -> str:
    """An FTS5 query of quoted strings only (implicit AND): no word can be an operator or a column."""
    strings = [*terms.words, *(" ".join(phrase) for phrase in terms.phrases)]
    return " ".join('"' + text.replace('"', '""') + '"' for text in strings)


# Fewer matches than this (PostgreSQL's estimate) are all read through the GIN index; more, and the
# newest rows are walked instead. Measured with bench/search.py: the two cost the same near 10,000.
_READ_ALL_BELOW = 10_000


def _newest_on_postgres(session: Session, name: str, terms: SearchTerms, model: Any) -> Any:
    vector = literal_column(f"{name}.{SEARCH_COLUMN}")
    estimate = select(literal_column("1")).select_from(model).where(vector.op("@@")(_tsquery(terms)))
    # The planner's estimate only (EXPLAIN runs nothing): on the Core connection, bound parameters.
    compiled = estimate.compile(dialect=session.get_bind().dialect)
    plan = session.connection().exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params).scalar()
    rows = plan[0]["Plan"]["Plan Rows"]
    # `id + 0` is not the primary key's order, so PostgreSQL cannot walk it: it reads the matches.
    return (col(model.id) + literal_column("0")).desc() if rows < _READ_ALL_BELOW else col(model.id).desc()


def _tsquery(terms: SearchTerms) -> ColumnElement[Any]:
    english = literal_column("'english'::regconfig")
    parts = []
    if terms.words:
        parts.append(func.plainto_tsquery(english, cast(" ".join(terms.words), Text)))
    parts += [func.phraseto_tsquery(english, cast(" ".join(phrase), Text)) for phrase in terms.phrases]
    query = parts[0] if parts else null()
    for part in parts[1:]:
        query = query.op("&&")(part)
    return query
