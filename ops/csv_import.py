"""Reading an import file (CSV with a header row) and reporting what an import would do or did.

Shared by every kind of import (`brm-bot import parties`, `brm-bot import contacts`): the
file is read and every row checked before anything is written, each problem is reported with its line
number, and a file with any problem writes nothing. What a row would change is a `Planned` line; the
dry run prints the plan, `--apply` carries it out in one transaction.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlmodel import Session

from ops.slack_lookup import LookupFailed
from storage.audit import record_change
from storage.models import Surface

T = TypeVar("T")

# Files from spreadsheets: a UTF-8 byte order mark is common, and tolerated.
ENCODING = "utf-8-sig"
# A file this large is not an agency list; refusing it early keeps a mistaken path from eating memory.
MAX_ROWS = 20_000


@dataclass(frozen=True)
class Row:
    """One data row: its line number in the file (the header is line 1) and its cells by column."""

    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return " ".join((self.cells.get(column) or "").split())


@dataclass(frozen=True)
class Problem:
    line: int | None  # None: the file as a whole
    why: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.why}" if self.line is not None else self.why


class BadFile(Exception):
    """The file cannot be imported; `problems` says where and why, each with its line."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Planned:
    """What importing one row does: create, change or nothing, and the words saying so."""

    line: int
    action: str  # "create", "change" or "unchanged"
    said: str


@dataclass
class Plan:
    items: list[Planned] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for item in self.items if item.action == action)

    @property
    def writes(self) -> bool:
        return any(item.action != "unchanged" for item in self.items)


def read_rows(path: Path, *, required: Sequence[str], optional: Sequence[str]) -> list[Row]:
    """The file's rows with lower-case column names; BadFile for a missing or unknown column, a file
    that is not UTF-8 text, or a row with more cells than the header has columns."""
    try:
        text = path.read_text(encoding=ENCODING)
    except UnicodeDecodeError as problem:
        raise BadFile(
            [Problem(None, f"{path} is not UTF-8 text (byte {problem.start}); save it as CSV UTF-8")]
        ) from None
    except OSError as problem:
        raise BadFile(
            [Problem(None, f"{path} cannot be read ({problem.strerror or type(problem).__name__})")]
        ) from None
    reader = csv.reader(text.splitlines(keepends=True))
    try:
        header = next(reader)
    except StopIteration:
        raise BadFile([Problem(None, f"{path} is empty: the first line names the columns")]) from None
    columns = [" ".join(name.lower().split()).replace(" ", "_") for name in header]
    problems = [
        Problem(1, f"unknown column {name!r}: the columns are {', '.join((*required, *optional))}")
        for name in columns
        if name and name not in (*required, *optional)
    ]
    problems += [Problem(1, f"the column {name!r} is missing") for name in required if name not in columns]
    problems += [
        Problem(1, f"the column {name!r} appears twice") for name in set(columns) if columns.count(name) > 1
    ]
    if problems:
        raise BadFile(problems)
    rows: list[Row] = []
    line = reader.line_num
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # blank lines, often at the end of an exported file
            if len(cells) > len(columns):
                problems.append(
                    Problem(start, f"{len(cells)} cells, but the header names {len(columns)} columns")
                )
                continue
            rows.append(Row(start, dict(zip(columns, cells, strict=False))))
            if len(rows) > MAX_ROWS:
                raise BadFile([Problem(start, f"more than {MAX_ROWS} rows; split the file")])
    except csv.Error as problem:
        problems.append(Problem(reader.line_num, f"not valid CSV ({problem})"))
    if problems:
        raise BadFile(problems)
    return rows


def each_row_checked(
    rows: Sequence[Row], check_row: Callable[[Row], tuple[T | None, list[Problem]]]
) -> tuple[list[T], list[Problem]]:
    """Every row through `check_row` (the checked line, or None, and the row's problems), all of them
    even after a bad one, so that one run names every bad line. Slack out of reach is the one problem."""
    checked: list[T] = []
    problems: list[Problem] = []
    try:
        for row in rows:
            line, row_problems = check_row(row)
            problems += row_problems
            if line is not None:
                checked.append(line)
    except LookupFailed as failed:
        raise BadFile([Problem(None, f"Slack could not be asked: {failed}")]) from None
    return checked, problems


def audit_import(session: Session, entity: str, entity_id: int, action: str, **detail: Any) -> None:
    """The audit row of one change an import made: surface "import", and (in `detail`) the source
    file and the line."""
    record_change(
        session,
        actor_id=None,  # no Slack user made it: the surface and the source say where it came from
        surface=Surface.IMPORT,
        action=action,
        entity=entity,
        entity_id=entity_id,
        **detail,
    )


def echo_problems(path: Path, problems: Sequence[Problem]) -> None:
    click.echo(
        f"{path}: {len(problems)} problem{'s' if len(problems) != 1 else ''}; nothing was written.", err=True
    )
    for problem in problems:
        click.echo(f"  {problem}", err=True)


def echo_plan(plan: Plan, *, applied: bool, what: str) -> None:
    for item in plan.items:
        if item.action != "unchanged":
            click.echo(f"line {item.line}: {item.said}")
    tense = "" if applied else "would be "
    click.echo(
        f"{plan.count('create')} {what} {tense}created, {plan.count('change')} {tense}changed, "
        f"{plan.count('unchanged')} already as the file says."
    )
    if not applied:
        click.echo("Dry run: nothing was written. Run again with --apply to write these changes.")
