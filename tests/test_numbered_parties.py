"""Numbered parties end to end: names that differ in a number are different parties, while a real
typo still finds the known one. Signed `/brm log` commands, parties read back from the database, on
SQLite and PostgreSQL."""

from __future__ import annotations

from storage.models import Interaction, Party
from tests.conftest import RunningApp
from tests.test_log_command import add_party, reply_text, rows


def test_thirty_numbered_names_make_thirty_parties(app: RunningApp) -> None:
    names = [f"Agency{n:02d}" for n in range(30)]
    for name in names:
        shown = reply_text(app.command(f"log {name} met Jane about the grant portal"))
        assert "is a new party" in shown and "existing party" not in shown

    assert sorted(party.name for party in rows(app, Party)) == names
    by_id = {party.id: party.name for party in rows(app, Party)}
    assert sorted(by_id[i.party_id] for i in rows(app, Interaction)) == names  # each under its own name


def test_districts_regions_and_units_stay_apart(app: RunningApp) -> None:
    names = [
        "District 3",
        "District 4",
        "Local 1199",
        "Local 1190",
        "Region IV",
        "Region V",
        "Unit A",
        "Unit B",
    ]
    for name in names:
        app.command(f"log {name} met Sam about the budget")
    assert sorted(party.name for party in rows(app, Party)) == sorted(names)


def test_a_typo_still_finds_the_known_party(app: RunningApp) -> None:
    labor = add_party(app, "Department of Labor")
    add_party(app, "Department of Transportation")

    shown = reply_text(app.command("log Departmnet of Labor met Jane about unemployment claims"))

    assert "I read “Departmnet of Labor” as *Department of Labor*, an existing party" in shown
    [interaction] = rows(app, Interaction)
    assert interaction.party_id == labor
    assert len(rows(app, Party)) == 2
