"""`brm-bot import parties FILE.csv`: an agency (or vendor, partner) list into the workspace's parties.

Columns: `name` (required), `kind` (agency, vendor, partner, internal), `aliases` (separated by
`;`), `owner_email` (a Slack user, found with users.lookupByEmail) and `home_channel` (a channel
name such as #dmv-team, or its id). An empty cell leaves what the party has; aliases are added,
never removed. Parties are matched by name the way `/brm party` matches them (case and punctuation
folded), so importing the same file twice changes nothing the second time. Every change is audited
with surface "import", the file's name and the line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from bot.errors import InputError
from bot.limits import NAME_LIMIT
from bot.party_args import read_kind
from bot.text import normalise_name
from ops.csv_import import BadFile, Plan, Planned, Problem, Row, audit_import, each_row_checked
from ops.slack_lookup import SlackLookup
from storage import parties
from storage.models import Party, PartyKind

REQUIRED = ("name",)
OPTIONAL = ("kind", "aliases", "owner_email", "home_channel")
ALIAS_SEPARATOR = ";"


@dataclass(frozen=True)
class PartyLine:
    """A checked row: what the party should have. None: the file leaves it as it is."""

    line: int
    name: str
    key: str
    kind: str | None
    aliases: tuple[tuple[str, str], ...]  # (alias, its folded key)
    owner_id: str | None
    owner_email: str | None
    channel_id: str | None
    channel: str | None


def check_rows(rows: Sequence[Row], lookup: SlackLookup) -> list[PartyLine]:
    """Every row checked, owners and channels found in Slack; BadFile naming each bad line."""
    checked, problems = each_row_checked(rows, lambda row: _check_row(row, lookup))
    problems += _clashes_within(checked)
    if problems:
        raise BadFile(sorted(problems, key=lambda p: p.line or 0))
    return checked


def _check_row(row: Row, lookup: SlackLookup) -> tuple[PartyLine | None, list[Problem]]:
    problems: list[Problem] = []

    def problem(why: str) -> None:
        problems.append(Problem(row.line, why))

    name = row.get("name")
    name_problem = _name_problem(name, "name")
    if name_problem:
        problem(name_problem)
    kind = None
    if row.get("kind"):
        try:
            kind = read_kind(row.get("kind"))
        except InputError as refused:
            problem(refused.text.replace("“", '"').replace("”", '"'))
    key = normalise_name(name)
    aliases: dict[str, str] = {}
    for alias in (" ".join(part.split()) for part in row.get("aliases").split(ALIAS_SEPARATOR)):
        if not alias:
            continue
        alias_problem = _name_problem(alias, "alias")
        if alias_problem:
            problem(alias_problem)
        elif normalise_name(alias) != key:  # an alias that is the name itself adds nothing
            aliases.setdefault(normalise_name(alias), alias)
    owner_email = row.get("owner_email") or None
    owner_id = None
    if owner_email:
        if "@" not in owner_email:
            problem(f"owner_email {owner_email!r} is not an e-mail address")
        else:
            found = lookup.person(owner_email)
            owner_id = found.id
            if found.problem:
                # Found but unfit (a bot, a deactivated account), or not found at all.
                unfit = ", which cannot own a party" if found.id else ""
                problem(f"owner_email: {found.problem}{unfit}")
    channel = row.get("home_channel") or None
    channel_id = None
    if channel:
        found = lookup.channel(channel)
        channel_id = found.id
        if found.problem:
            problem(f"home_channel: {found.problem}")
    if problems:
        return None, problems
    alias_pairs = tuple((alias, alias_key) for alias_key, alias in aliases.items())
    return PartyLine(row.line, name, key, kind, alias_pairs, owner_id, owner_email, channel_id, channel), []


def _name_problem(name: str, what: str) -> str | None:
    if not name:
        return f"the {what} is empty" if what == "name" else None
    if "<" in name or ">" in name:
        return f"the {what} {name!r} should be plain words, not a Slack mention or link"
    if len(name) > NAME_LIMIT:
        return f"the {what} is {len(name)} characters long; keep it under {NAME_LIMIT}"
    if not normalise_name(name):
        return f"the {what} {name!r} needs at least one letter or digit"
    return None


def _clashes_within(lines: Sequence[PartyLine]) -> list[Problem]:
    """Two rows naming one party, or one row's alias naming another row's party."""
    problems: list[Problem] = []
    owner: dict[str, PartyLine] = {}
    for line in lines:
        first = owner.get(line.key)
        if first is not None:
            problems.append(
                Problem(line.line, f"{line.name!r} is already on line {first.line}; one row per party")
            )
            continue
        owner[line.key] = line
    for line in lines:
        for alias, alias_key in line.aliases:
            first = owner.get(alias_key)
            if first is not None and first is not line:
                what = "the name" if first.key == alias_key else "an alias"
                problems.append(Problem(line.line, f"the alias {alias!r} is {what} of line {first.line}"))
            else:
                owner[alias_key] = line
    return problems


def import_rows(session: Session, lines: Sequence[PartyLine], *, apply: bool, source: str) -> Plan:
    """What the file changes in this workspace session's parties; written only when `apply`.

    BadFile when a row clashes with a party already there (its name or alias taken by another party):
    raised before anything is written, or, should another writer take a name meanwhile, from within
    the transaction, which the session then rolls back whole."""
    problems = [p for line in lines for p in _clashes_with_stored(session, line)]
    if problems:
        raise BadFile(problems)
    plan = Plan()
    for line in lines:
        party = parties.party_by_key(session, line.key)
        plan.items.append(
            _create(session, line, apply, source)
            if party is None
            else _change(session, party, line, apply, source)
        )
    return plan


def _clashes_with_stored(session: Session, line: PartyLine) -> list[Problem]:
    mine = parties.party_by_key(session, line.key)
    besides = mine.id if mine is not None else None
    problems = []
    other = parties.party_named(session, line.key, besides=besides)
    if mine is None and other is not None:
        problems.append(Problem(line.line, f"{line.name!r} is already an alias of the party {other.name!r}"))
    for alias, alias_key in line.aliases:
        other = parties.party_named(session, alias_key, besides=besides)
        if other is not None:
            problems.append(Problem(line.line, f"the alias {alias!r} already names the party {other.name!r}"))
    return problems


def _create(session: Session, line: PartyLine, apply: bool, source: str) -> Planned:
    kind = line.kind or PartyKind.AGENCY.value
    said = [f"create {line.name!r} ({kind}"]
    said += [f"owner {line.owner_email}"] if line.owner_email else []
    said += [f"home channel {line.channel}"] if line.channel else []
    said += [f"aliases {', '.join(alias for alias, _ in line.aliases)}"] if line.aliases else []
    planned = Planned(line.line, "create", ", ".join(said) + ")")
    if not apply:
        return planned
    party, created = parties.create_party(
        session, name=line.name, name_key=line.key, kind=kind, created_by=None
    )
    if not created:
        raise BadFile(
            [Problem(line.line, f"{line.name!r} was created by someone else meanwhile; import again")]
        )
    party.owner_id, party.home_channel_id = line.owner_id, line.channel_id
    session.flush()
    _audit(
        session,
        party,
        line,
        source,
        "created",
        name=party.name,
        kind=kind,
        owner_id=line.owner_id,
        home_channel_id=line.channel_id,
    )
    _add_aliases(session, party, line, list(line.aliases), source)
    return planned


def _change(session: Session, party: Party, line: PartyLine, apply: bool, source: str) -> Planned:
    changes: list[tuple[str, str | None, str, str]] = []  # (column, value, audit action, words)
    if line.kind and line.kind != party.kind:
        changes.append(("kind", line.kind, "kind_changed", f"kind {party.kind} -> {line.kind}"))
    if line.owner_id and line.owner_id != party.owner_id:
        changes.append(("owner_id", line.owner_id, "owner_changed", f"owner -> {line.owner_email}"))
    if line.channel_id and line.channel_id != party.home_channel_id:
        changes.append(
            ("home_channel_id", line.channel_id, "home_channel_changed", f"home channel -> {line.channel}")
        )
    known = {row.alias_key for row in parties.aliases_of(session, party.id)}  # type: ignore[arg-type]
    new_aliases = [(alias, key) for alias, key in line.aliases if key not in known]
    words = [said for *_, said in changes]
    words += [f"add alias {', '.join(alias for alias, _ in new_aliases)}"] if new_aliases else []
    if not words:
        return Planned(line.line, "unchanged", f"{party.name!r} unchanged")
    planned = Planned(line.line, "change", f"change {party.name!r}: {'; '.join(words)}")
    if not apply:
        return planned
    for column, value, action, _ in changes:
        was = getattr(party, column)
        setattr(party, column, value)
        _audit(session, party, line, source, action, **{column: value, "was": was})
    if not parties.save_party(session, party):
        raise BadFile([Problem(line.line, f"{party.name!r} could not be saved; import again")])
    _add_aliases(session, party, line, new_aliases, source)
    return planned


def _add_aliases(
    session: Session, party: Party, line: PartyLine, aliases: list[tuple[str, str]], source: str
) -> None:
    for alias, key in aliases:
        if parties.add_alias(session, party, alias=alias, alias_key=key) is None:
            raise BadFile([Problem(line.line, f"the alias {alias!r} was taken meanwhile; import again")])
        _audit(session, party, line, source, "alias_added", alias=alias)


def _audit(session: Session, party: Party, line: PartyLine, source: str, action: str, **detail: Any) -> None:
    audit_import(
        session, "party", party.id, action, source=source, line=line.line, party=party.name, **detail
    )  # type: ignore[arg-type]
