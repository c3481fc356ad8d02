"""The export's text, made by the database: each row's CSV cells and, on PostgreSQL, its JSON object.

An export of a million rows spent most of its time in Python turning each row's values into CSV
cells and JSON values. On PostgreSQL the server does it all as it reads the rows: `COPY` writes the
CSV, and a second `COPY` the JSON objects this module builds, one a line. SQLite formats the times
and Python writes the rest (storage/records_export_rows.py). The text:

- CSV whose cells are quoted (their quotes doubled) when they hold a comma, a quote, a CR or an
  LF; NULL is an empty cell. COPY's way on PostgreSQL: lines end with LF, empty text is `""`;
  Python's on SQLite: lines end with CRLF, empty text is an empty cell too.
- JSON objects with the columns in order, text as JSON strings (non-ASCII as written), NULL as
  null, JSON columns as the JSON they hold.
- Times are ISO 8601 with their offset, as `datetime.isoformat` writes a UTC time.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Integer,
    String,
    Text,
    TypeDecorator,
    case,
    cast,
    func,
    literal_column,
    type_coerce,
)


def csv_cells(columns: list[Any], dialect: str) -> list[Any]:
    """The columns as the CSV holds them: times as ISO text, JSON as its text, the rest as stored."""
    return [(column if _kind(column) == "number" else _as_text(column, dialect)).label(column.key)
            for column in columns]  # fmt: skip


def json_object(columns: list[Any], dialect: str) -> Any:
    """The row as one JSON object's text."""
    members = []
    for index, column in enumerate(columns):
        members.append(_sql_text(("{" if index == 0 else ",") + json.dumps(column.key) + ":"))
        members.append(_json_value(column, dialect))
    members.append(_sql_text("}"))
    return _joined(members).label("json_object")


def _kind(column: Any) -> str:
    kind = column.type
    if isinstance(kind, TypeDecorator) and isinstance(kind.impl_instance, DateTime):
        return "time"
    if isinstance(kind, Integer):
        return "number"
    return "json" if isinstance(kind, JSON) else "text"


def _as_text(column: Any, dialect: str) -> Any:
    kind = _kind(column)
    if kind == "time":
        return type_coerce(iso_utc(column, dialect), String)
    return cast(column, Text) if kind in ("json", "number") else column


def _json_value(column: Any, dialect: str) -> Any:
    kind, text = _kind(column), _as_text(column, dialect)
    if kind == "time":  # ISO text needs no escapes
        return func.coalesce(_sql_text('"') + text + _sql_text('"'), _sql_text("null"))
    if kind == "number":
        return func.coalesce(text, _sql_text("null"))
    if kind == "json":
        if dialect == "postgresql":
            # Valid JSON holds CR, LF and tab only as whitespace between its tokens, where a space
            # means the same; without them an object is one line of COPY's output, never quoted.
            text = func.translate(text, _sql_text("\r\n\t"), _sql_text("   "))
        return func.coalesce(text, _sql_text("null"))  # the JSON as it is stored
    if dialect == "postgresql":
        return func.coalesce(cast(func.to_json(column), Text), _sql_text("null"))
    return func.json_quote(column)  # NULL reads "null"


def iso_utc(column: Any, dialect: str) -> Any:
    """`2026-11-30T14:00:00+00:00` (`.123456` before the offset when there are microseconds), as
    `datetime.isoformat` writes a UTC time; NULL stays NULL. On PostgreSQL the transaction's time
    zone must be UTC (storage/records_export_queries.py sets it)."""
    if dialect == "postgresql":
        # Six digits always, then none when they are all zero, as isoformat writes them (the cast
        # to text drops trailing zeros instead). In UTC: the transaction's time zone.
        every_digit = func.to_char(column, _sql_text('YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'))
        return func.replace(every_digit, _sql_text(".000000+"), _sql_text("+"))
    # SQLite keeps "2026-11-30 14:00:00.000000", in UTC.
    whole = func.replace(func.substr(column, 1, 19), " ", "T")
    fraction = func.replace(column, " ", "T")
    return case((func.substr(column, 21, 6) == "000000", whole), else_=fraction).concat("+00:00")


def _sql_text(value: str) -> Any:
    # A constant of the export's own (column names, punctuation), written into the statement
    # rather than bound: COPY takes no parameters, and PostgreSQL cannot type one between `||`s.
    return literal_column("'" + value.replace("'", "''") + "'", Text)


def _joined(parts: list[Any], separator: Any = None) -> Any:
    joined = parts[0]
    for part in parts[1:]:
        joined = (joined + separator + part) if separator is not None else (joined + part)
    return joined
