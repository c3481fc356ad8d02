"""The export's CSV and JSON, made by the database (storage/records_export_text.py), read back
as exactly the rows that were stored, whatever their text: quotes, commas, line breaks, control
characters, backslashes, non-ASCII, empty text and nothing at all, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import col, select

from bot.clock import FrozenClock
from bot.records.export import ExportPlan, run_export
from storage.db import Database
from storage.models import Interaction, Party
from storage.records_export_queries import ExportFilter

# Anything a person can type; PostgreSQL text cannot hold NUL, so no database stores it.
typed = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)
TRICKY = ["", ",", '"', '""', "\r\n", "\n", "\r", "a,b", 'say "hi"', "\\", "\\n", "\t", "\x01", "café ✓", " "]
texts = st.one_of(st.sampled_from(TRICKY), typed)
rows = st.lists(
    st.tuples(texts, st.lists(texts, max_size=3), st.none() | texts, st.integers(0, 10**6)),
    min_size=1,
    max_size=8,
)


def export(db: Database, team_id: str, now: datetime) -> zipfile.ZipFile:
    out = io.BytesIO()
    plan = ExportPlan(ExportFilter(), {"as_written": ""}, ("csv", "json"), "every record")
    run_export(db, plan, team_id=team_id, enterprise_id=None, requested_by="U9", requested_at=now, out=out)
    return zipfile.ZipFile(out)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stored=rows)
def test_what_the_database_writes_reads_back_as_stored(
    database: Database, clock: FrozenClock, stored: list[tuple]
) -> None:
    team_id = f"T{uuid.uuid4().hex[:8]}"  # each example its own workspace: nothing else in its export
    now = clock.now()
    with database.workspace(team_id) as session:
        party = Party(team_id=team_id, name="DMV", name_key="dmv", created_by="U1")
        session.add(party)
        session.flush()
        for summary, people, permalink, micros in stored:
            session.add(
                Interaction(
                    team_id=team_id,
                    party_id=party.id,
                    occurred_at=now - timedelta(microseconds=micros),
                    summary=summary,
                    people=people,
                    permalink=permalink,
                    logged_by="U1",
                )
            )
    with database.workspace(team_id) as session:
        expected = [
            (i.id, i.summary, i.people, i.permalink, i.occurred_at.isoformat())
            for i in session.exec(select(Interaction).order_by(col(Interaction.id)))
        ]

    archive = export(database, team_id, now)

    as_csv = list(csv.DictReader(io.StringIO(archive.read("interactions.csv").decode(), newline="")))
    assert [(int(r["id"]), r["summary"], json.loads(r["people"]), r["permalink"], r["occurred_at"])
            for r in as_csv] == [(i, s, p, link or "", when) for i, s, p, link, when in expected]  # fmt: skip
    as_json = json.loads(archive.read("interactions.json"))
    fields = ("id", "summary", "people", "permalink", "occurred_at")
    assert [tuple(r[name] for name in fields) for r in as_json] == expected
    # On PostgreSQL empty text and nothing at all stay apart, as COPY writes them: `""` and no cell.
    if database.engine.dialect.name == "postgresql" and "" in [link for _, _, link, _ in stored]:
        assert ',"",' in archive.read("interactions.csv").decode()


def test_an_export_reads_one_moment_whatever_is_written_while_it_runs(
    database: Database, clock: FrozenClock
) -> None:
    team_id = f"T{uuid.uuid4().hex[:8]}"
    now = clock.now()

    def log(session, party_id: int, summary: str) -> None:  # type: ignore[no-untyped-def]
        session.add(Interaction(team_id=team_id, party_id=party_id, occurred_at=now, summary=summary,
                                people=[], logged_by="U1"))  # fmt: skip

    with database.workspace(team_id) as session:
        party = Party(team_id=team_id, name="DMV", name_key="dmv", created_by="U1")
        session.add(party)
        session.flush()
        party_id = party.id
        log(session, party_id, "before the export")

    written: list[str] = []

    def progress(record_type: str, _rows: int) -> None:
        # The parties are written: another person logs and renames while the rest is read.
        if record_type == "parties" and not written:
            with database.workspace(team_id) as session:
                log(session, party_id, "during the export")
                session.get(Party, party_id).name = "Motor Vehicles"  # type: ignore[union-attr]
            written.append("done")

    out = io.BytesIO()
    plan = ExportPlan(ExportFilter(), {"as_written": ""}, ("csv", "json"), "every record")
    run_export(database, plan, team_id=team_id, enterprise_id=None, requested_by="U9", requested_at=now,
               out=out, progress=progress)  # fmt: skip

    assert written == ["done"]  # the write was not held up by the export
    archive = zipfile.ZipFile(out)
    assert [r["summary"] for r in json.loads(archive.read("interactions.json"))] == ["before the export"]
    assert [r["name"] for r in json.loads(archive.read("parties.json"))] == ["DMV"]
    with database.workspace(team_id) as session:  # and the write itself is kept
        assert len(session.exec(select(Interaction)).all()) == 2


def test_rows_come_in_id_order_across_chunks_and_gaps(
    database: Database, clock: FrozenClock, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import storage.records_export_queries as queries

    monkeypatch.setattr(queries, "BATCH", 3)  # ranges of 3 ids: many chunks, some of them empty
    team_id = f"T{uuid.uuid4().hex[:8]}"
    with database.workspace(team_id) as session:
        party = Party(team_id=team_id, name="DMV", name_key="dmv", created_by="U1")
        session.add(party)
        session.flush()
        logged = [Interaction(team_id=team_id, party_id=party.id, occurred_at=clock.now(), summary=f"n{n}",
                              people=[], logged_by="U1") for n in range(14)]  # fmt: skip
        session.add_all(logged)
        session.flush()
        for gone in (logged[3], logged[4], logged[5], logged[9]):  # a whole range, and one more
            session.delete(gone)
    kept = [f"n{n}" for n in range(14) if n not in (3, 4, 5, 9)]

    archive = export(database, team_id, clock.now())

    as_json = json.loads(archive.read("interactions.json"))
    assert [r["summary"] for r in as_json] == kept
    assert [r["id"] for r in as_json] == sorted(r["id"] for r in as_json)
    as_csv = list(csv.DictReader(io.StringIO(archive.read("interactions.csv").decode(), newline="")))
    assert [r["summary"] for r in as_csv] == kept
