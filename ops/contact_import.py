"""`brm-bot import contacts FILE.csv`: people at the workspace's parties, from a CSV file.

Columns: `party` (required: a party already there, by its name or an alias), `name` (required),
`role` (sponsor, decision maker, technical lead, account manager, champion, other), `title` (their
job title, such as CIO) and `email` (their Slack user, found with users.lookupByEmail; someone not in
this Slack workspace is imported without one). A contact is matched at its party by name (case and
punctuation folded), so importing the same file twice changes nothing the second time; an empty
cell leaves what the contact has. Every change is audited with surface "import", the file and the line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from bot.contact_args import read_person_name, read_role, read_title
from bot.errors import InputError
from bot.text import normalise_name
from ops.csv_import import BadFile, Plan, Planned, Problem, Row, audit_import, each_row_checked
from ops.slack_lookup import SlackLookup
from storage import contacts as store
from storage import parties
from storage.models import Contact, Party

REQUIRED = ("party", "name")
OPTIONAL = ("role", "title", "email")
EXAMPLE = "/brm contact add DMV Jane Doe, CIO, sponsor"


@dataclass(frozen=True)
class ContactLine:
    """A checked row. None: the file leaves it as it is."""

    line: int
    party: str
    party_key: str
    name: str
    key: str
    role: str | None
    title: str | None
    email: str | None
    slack_user_id: str | None


def check_rows(rows: Sequence[Row], lookup: SlackLookup) -> list[ContactLine]:
    """Every row checked, Slack users found by e-mail; BadFile naming each bad line."""
    checked, problems = each_row_checked(rows, lambda row: _check_row(row, lookup))
    first: dict[tuple[str, str], int] = {}
    for line in checked:
        seen = first.setdefault((line.party_key, line.key), line.line)
        if seen != line.line:
            problems.append(Problem(line.line, f"{line.name!r} at {line.party!r} is already on line {seen}"))
    if problems:
        raise BadFile(sorted(problems, key=lambda p: p.line or 0))
    return checked


def _check_row(row: Row, lookup: SlackLookup) -> tuple[ContactLine | None, list[Problem]]:
    problems: list[Problem] = []

    def read(column: str, reader: Any) -> Any:
        if not row.get(column):
            return None
        try:
            return reader(row.get(column))
        except InputError as refused:
            problems.append(Problem(row.line, f"{column}: {_plain(refused.text)}"))
            return None

    party = row.get("party")
    if not party or not normalise_name(party):
        problems.append(Problem(row.line, "the party is empty"))
    name = read("name", lambda value: read_person_name(value, example=EXAMPLE))
    if not row.get("name"):
        problems.append(Problem(row.line, "the name is empty"))
    role = read("role", read_role)
    title = read("title", read_title)
    email = row.get("email") or None
    slack_user_id = None
    if email:
        if "@" not in email:
            problems.append(Problem(row.line, f"email {email!r} is not an e-mail address"))
        else:
            found = lookup.person(email)
            if found.is_bot:
                problems.append(Problem(row.line, f"email: {found.problem}, not a person"))
            slack_user_id = found.id
    if problems or name is None:
        return None, problems
    key = normalise_name(name)
    return ContactLine(
        row.line, party, normalise_name(party), name, key, role, title, email, slack_user_id
    ), []


def _plain(text: str) -> str:
    """A refusal written for Slack, read in a terminal: no mrkdwn, straight quotes."""
    return text.replace("“", '"').replace("”", '"').replace("*", "").replace("`", "")


def import_rows(session: Session, lines: Sequence[ContactLine], *, apply: bool, source: str) -> Plan:
    """What the file changes in this workspace session's contacts; written only when `apply`.
    BadFile, before anything is written, for a party that is not there."""
    found: dict[str, Party | None] = {}
    problems = []
    for line in lines:
        if line.party_key not in found:
            found[line.party_key] = parties.party_named(session, line.party_key)
        if found[line.party_key] is None:
            problems.append(
                Problem(line.line, f"no party is called {line.party!r}: import the parties first")
            )
    if problems:
        raise BadFile(problems)
    plan = Plan()
    for line in lines:
        party = found[line.party_key]
        assert party is not None
        existing = next(
            (c for c in store.contacts_of(session, party.id) if normalise_name(c.name) == line.key),  # type: ignore[arg-type]
            None,
        )
        plan.items.append(
            _create(session, party, line, apply, source)
            if existing is None
            else _change(session, party, existing, line, apply, source)
        )
    return plan


def _create(session: Session, party: Party, line: ContactLine, apply: bool, source: str) -> Planned:
    said = [f"add {line.name!r} at {party.name!r}"]
    said += [f"role {line.role}"] if line.role else []
    said += [f"title {line.title}"] if line.title else []
    said += [f"Slack user {line.email}"] if line.slack_user_id else []
    said += [f"no Slack user has {line.email}"] if line.email and not line.slack_user_id else []
    planned = Planned(line.line, "create", ", ".join(said))
    if apply:
        contact = store.add_contact(
            session,
            Contact(
                team_id=party.team_id,
                enterprise_id=party.enterprise_id,
                party_id=party.id,  # type: ignore[arg-type]
                name=line.name,
                name_key=line.key,
                role=line.role,
                title=line.title,
                slack_user_id=line.slack_user_id,
            ),
        )
        _audit(session, contact, line, source, "created", party=party.name, role=contact.role)
    return planned


def _change(
    session: Session, party: Party, contact: Contact, line: ContactLine, apply: bool, source: str
) -> Planned:
    wanted = {"role": line.role, "title": line.title, "slack_user_id": line.slack_user_id}
    changes = {
        column: value for column, value in wanted.items() if value and value != getattr(contact, column)
    }
    if not changes:
        return Planned(line.line, "unchanged", f"{contact.name!r} at {party.name!r} unchanged")
    words = "; ".join(f"{column.replace('_', ' ')} -> {value}" for column, value in changes.items())
    planned = Planned(line.line, "change", f"change {contact.name!r} at {party.name!r}: {words}")
    if apply:
        for column, value in changes.items():
            before = getattr(contact, column)
            setattr(contact, column, value)
            _audit(session, contact, line, source, f"{column}_changed", before=before, after=value)
        session.add(contact)
    return planned


def _audit(
    session: Session, contact: Contact, line: ContactLine, source: str, action: str, **detail: Any
) -> None:
    session.flush()  # a changed contact's row first, as its audit row follows it
    audit_import(
        session, "contact", contact.id, action, source=source, line=line.line, name=contact.name, **detail
    )  # type: ignore[arg-type]
