"""The export's text, made by the database a chunk of rows at a time: CSV lines and JSON objects.

An export of a million rows spent most of its time in Python turning each row's values into CSV
cells and JSON values, or in the client library reading a million one-row messages of `COPY`. Here
one query reads the next `BATCH` rows of a table in id order and the database writes them as text
and joins them: all of a chunk's CSV lines as one value, all of its JSON objects as another
(`string_agg` on PostgreSQL, `group_concat` on SQLite). The client reads a few hundred values for
a million rows, and SQLite's work runs without Python's interpreter lock, beside the compression.
The text, the same on both databases:

- CSV lines end with CRLF (RFC 4180). Numbers are written as they are; every other value is quoted,
  its quotes doubled, so a comma, a quote or a line break inside it never splits a cell; NULL is
  an empty cell, and empty text is `""`, so the two stay apart.
- JSON objects with the columns in order, text as JSON strings (non-ASCII as written), NULL as
  null, JSON columns as the JSON they hold.
- Times are ISO 8601 with their offset, as `datetime.isoformat` writes a UTC time.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Integer,
    Text,
    TypeDecorator,
    and_,
    bindparam,
    cast,
    func,
    literal_column,
    select,
    type_coerce,
)

CSV_LINE_END = "\r\n"
JSON_SEPARATOR = ",\n"


def chunk_statement(
    statement: Any, id_column: Any, dialect: str, formats: tuple[str, ...], width: int
) -> Any:
    """The rows of `statement` whose `id_column` is above the id bound as `after` and at most the one
    bound as `upto` (no more than `width` ids apart), as one row: (CSV lines, JSON objects, how many
    rows). The text of a format not in `formats` is NULL; so are both when the range has no rows."""
    columns = list(statement.selected_columns)
    kinds = {column.key: _kind(column) for column in columns}
    nullable = {column.key for column in columns if getattr(column, "nullable", True)}
    # The times as text once, in the chunk's own query: its LIMIT (never reached: the range holds
    # `width` ids) keeps the database from folding it into the outer one, where each time would
    # be formatted twice, once for each format.
    within = and_(
        id_column > bindparam("after", type_=Integer), id_column <= bindparam("upto", type_=Integer)
    )
    rows = (
        statement.with_only_columns(*[_value(column, dialect).label(column.key) for column in columns])
        .where(within)
        .limit(width)
        .subquery("chunk")
    )
    texts = []
    for wanted, text, separator in (
        ("csv", _csv_line(rows, kinds, nullable, dialect), CSV_LINE_END),
        ("json", _json_object(rows, kinds, dialect), JSON_SEPARATOR),
    ):
        if wanted not in formats:
            texts.append(literal_column("NULL", Text))
        else:
            # Both databases join the rows in the order the chunk's query hands them on: by id. (A
            # plain aggregate over a subquery with ORDER BY and LIMIT; sorting each chunk again
            # inside `string_agg` cost PostgreSQL a sixth of its work on the export.)
            join = func.string_agg if dialect == "postgresql" else func.group_concat
            texts.append(join(text, _sql_text(separator)))
    return select(*texts, func.count()).select_from(rows)


def _kind(column: Any) -> str:
    kind = column.type
    if isinstance(kind, TypeDecorator) and isinstance(kind.impl_instance, DateTime):
        return "time"
    if isinstance(kind, Integer):
        return "number"
    return "json" if isinstance(kind, JSON) else "text"


def _value(column: Any, dialect: str) -> Any:
    """The column as the chunk's query hands it on: times as ISO text, the rest as stored."""
    return type_coerce(iso_utc(column, dialect), Text) if _kind(column) == "time" else column


def _csv_line(rows: Any, kinds: dict[str, str], nullable: set[str], dialect: str) -> Any:
    """The row's CSV line, written by one call of the database's `printf` (SQLite) or `format`
    (PostgreSQL): a third of SQLite's CPU, and seven parts in eight of PostgreSQL's, of joining the
    cells with `||`. Each call's arguments (at most 3 a column) stay below both databases' limit of
    100 a call."""
    quote = _sql_text('"')
    cells, arguments = [], []
    for name, kind in kinds.items():
        value = rows.c[name]
        if kind == "number":
            cells.append("%s")  # NULL prints nothing
            arguments.append(value)
            continue
        text = cast(value, Text) if kind == "json" else type_coerce(value, Text)
        if dialect == "postgresql":
            doubled = func.replace(text, quote, _sql_text('""'), type_=Text)
            if name in nullable:  # NULL, no quotes around it, is an empty cell: `%s` of NULL
                cells.append("%s")
                arguments.append(quote + doubled + quote)
            else:
                cells.append('"%s"')
                arguments.append(doubled)
        elif name in nullable:  # `%w` doubles the quotes, and writes NULL as "(NULL)"
            around = func.iif(value.is_(None), _sql_text(""), quote)
            cells.append("%s%w%s")
            arguments += [around, func.coalesce(text, _sql_text("")), around]
        else:  # never NULL: no test for it (a third of SQLite's work on a line)
            cells.append('"%w"')
            arguments.append(text)
    write = func.format if dialect == "postgresql" else func.printf
    return write(_sql_text(",".join(cells)), *arguments, type_=Text)


def _json_object(rows: Any, kinds: dict[str, str], dialect: str) -> Any:
    if dialect == "postgresql":
        # The chunk's columns are the export's, in order, times already as text.
        return cast(func.row_to_json(rows.table_valued()), Text)
    members: list[Any] = []
    for name, kind in kinds.items():
        value = rows.c[name]
        members += [_sql_text(name), func.json(value) if kind == "json" else value]
    return func.json_object(*members, type_=Text)


def iso_utc(column: Any, dialect: str) -> Any:
    """`2026-11-30T14:00:00+00:00` (`.123456` before the offset when there are microseconds), as
    `datetime.isoformat` writes a UTC time; NULL stays NULL. On PostgreSQL the transaction's time
    zone must be UTC (storage/records_export_queries.py sets it)."""
    if dialect == "postgresql":
        # Six digits always, then none when they are all zero, as isoformat writes them (the cast
        # to text drops trailing zeros instead). In UTC: the transaction's time zone.
        every_digit = func.to_char(column, _sql_text('YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'))
        return func.replace(every_digit, _sql_text(".000000+"), _sql_text("+"))
    # SQLite keeps "2026-11-30 14:00:00.000000", in UTC: ".000000" can only be the microseconds.
    with_t = func.replace(column, _sql_text(" "), _sql_text("T"), type_=Text)
    return func.replace(with_t, _sql_text(".000000"), _sql_text(""), type_=Text) + _sql_text("+00:00")


def _sql_text(value: str) -> Any:
    # A constant of the export's own (column names, punctuation), written into the statement
    # rather than bound: PostgreSQL cannot type a parameter between `||`s.
    return literal_column("'" + value.replace("'", "''") + "'", Text)
