"""The export's text on SQLite, which has no COPY: rows read as text, written by Python's C writers.

SQLite formats the times and hands over the JSON columns as their text (storage/records_export_text.py);
Python's `csv` writer makes the CSV a batch at a time, and the JSON encoder the objects a column of
a batch at a time. Measured against SQLite writing each row's CSV line and JSON object itself (string
concatenation in its bytecode), this costs less CPU, so SQLite stays with it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection


def csv_and_json_chunks(
    connection: Connection, statement: Any, columns: Sequence[str], json_columns: frozenset[str], batch: int,
    formats: tuple[str, ...],
) -> Iterator[tuple[str, bytes, int]]:  # fmt: skip
    """("csv" or "json", text, rows) for each `batch` rows of `statement` (its columns as text)."""
    template = object_template(columns)
    is_json = [name in json_columns for name in columns]
    buffer = io.StringIO()
    # CRLF: with it the writer quotes a cell holding a lone CR (it quotes what its line end holds).
    writer = csv.writer(buffer, lineterminator="\r\n")
    if "csv" in formats:
        writer.writerow(columns)
        yield "csv", buffer.getvalue().encode(), 0  # the header
        buffer.seek(0)
        buffer.truncate()
    result = connection.execute(statement)
    # The DBAPI cursor's own rows: no result processing is wanted (every value is text or a number),
    # and SQLAlchemy's row objects cost as much as the CSV writer. Nothing is fetched ahead without
    # `stream_results`, so the cursor holds every row.
    cursor = result.cursor
    try:
        while rows := cursor.fetchmany(batch):
            if "csv" in formats:
                writer.writerows(rows)
                yield "csv", buffer.getvalue().encode(), len(rows)
                buffer.seek(0)
                buffer.truncate()
            if "json" in formats:
                yield "json", json_objects(template, is_json, rows).encode(), len(rows)
    finally:
        result.close()


def object_template(columns: Sequence[str]) -> str:
    """`{"id":%s,"name":%s}`: one JSON object, its values to fill in already encoded."""
    return "{" + ",".join(f"{json.dumps(name)}:%s" for name in columns) + "}"


# Never in JSON text: the encoder escapes every control character inside strings, so this
# separator splits one encoded list back into its encoded values.
_SPLIT = "\x00"


def json_objects(template: str, json_columns: Sequence[bool], rows: Sequence[Sequence[Any]]) -> str:
    """The rows as JSON objects, one a line, comma-separated.

    Each column of the batch is encoded in one call of the JSON encoder (in C) instead of one call
    per row: encoding row by row, the keys again each time, was most of an export's time. Columns
    holding JSON text (lists of people, audit details) are written as the JSON they are."""
    encoded = []
    for is_json, values in zip(json_columns, zip(*rows, strict=True), strict=True):
        if is_json:
            encoded.append(["null" if value is None else value for value in values])
        else:
            text = json.dumps(values, ensure_ascii=False, separators=(_SPLIT, ":"))
            encoded.append(text[1:-1].split(_SPLIT))
    return ",\n".join(template % row for row in zip(*encoded, strict=True))
