"""Block Kit for `/brm contact`: a party's people, one person's card, and the outcome of a change.

Names and titles are people's words and go through `safe_mrkdwn`; Slack users are shown as `<@U…>`
(an ephemeral reply notifies nobody). Lists stay inside Slack's limits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.cadence import describe_cadence
from bot.contact_args import ADD_EXAMPLE, CONTACT_CADENCE_EXAMPLE, REMOVE_EXAMPLE, ROLE_EXAMPLE, SHOW_EXAMPLE
from bot.contact_links import contact_label
from bot.contacts import ContactChange
from bot.date_format import format_local
from bot.plural import counted
from bot.replies import Blocks, context, packed_sections, section
from bot.text import safe_mrkdwn, truncate
from storage.contact_models import ContactRole
from storage.models import Contact, Issue, Party

LIST_LIMIT = 60
_HOW_TO_CHANGE = (
    f"Change: `{ROLE_EXAMPLE}` · `title …`, `slack @…`, `rename …` · `{CONTACT_CADENCE_EXAMPLE}` · "
    f"`{REMOVE_EXAMPLE}`"
)


def contact_help() -> tuple[str, Blocks]:
    """`/brm contact` alone: what it does, with examples."""
    roles = ", ".join(role.value for role in ContactRole)
    lines = [
        "*Contacts* are the people at each party. Examples:",
        f"• Add one: `{ADD_EXAMPLE}`",
        "• A party's people: `/brm contact DMV`",
        f"• One person: `{SHOW_EXAMPLE}`",
        f"• Change one: `{ROLE_EXAMPLE}` (also `title`, `slack`, `rename`, `cadence`)",
        f"• Remove one: `{REMOVE_EXAMPLE}`",
    ]
    return "Contacts", [section("\n".join(lines)), context(f"Roles: {roles}.")]


def contact_list(
    party: Party, contacts: Sequence[Contact], last: Mapping[int, datetime], *, tz: ZoneInfo
) -> tuple[str, Blocks]:
    """The party's people, by name, with role, Slack user and last touchpoint."""
    name = safe_mrkdwn(party.name)
    if not contacts:
        text = f"{party.name} has no contacts yet."
        return safe_mrkdwn(text), [
            section(f"*{name}* has no contacts yet."),
            context(f"Add one: `{safe_mrkdwn(ADD_EXAMPLE.replace('DMV', party.name))}`"),
        ]
    heading = f":busts_in_silhouette: *{name}*: {counted(len(contacts), 'contact')}"
    lines = [_line(contact, last.get(contact.id), tz) for contact in contacts[:LIST_LIMIT]]  # type: ignore[arg-type]
    blocks: Blocks = [section(heading), *packed_sections(lines)]
    if len(contacts) > LIST_LIMIT:
        blocks.append(context(f"…and {len(contacts) - LIST_LIMIT} more."))
    blocks.append(context(f"One person: `{SHOW_EXAMPLE}` · add: `{ADD_EXAMPLE}`"))
    return safe_mrkdwn(f"{party.name}: {counted(len(contacts), 'contact')}"), blocks


def _line(contact: Contact, last: datetime | None, tz: ZoneInfo) -> str:
    parts = [f"*{contact_label(contact)}*"]
    if contact.slack_user_id:
        parts.append(f"<@{contact.slack_user_id}>")
    parts.append(f"last contact {format_local(last, tz, with_time=False)}" if last else "no touchpoint yet")
    if contact.cadence_days:
        parts.append(describe_cadence(contact.cadence_days))
    return "• " + " · ".join(parts)


def contact_card(
    contact: Contact,
    party: Party,
    *,
    last: datetime | None,
    issues: Sequence[Issue],
    tz: ZoneInfo,
    change: ContactChange | None = None,
) -> tuple[str, Blocks]:
    """One person: party, role, title, Slack user, last contact, cadence, open issues raised with them."""
    lines = []
    if change is not None:
        lines.append((":white_check_mark: " if change.changed else ":information_source: ") + change.said)
    lines += [
        f":bust_in_silhouette: *{safe_mrkdwn(contact.name)}*",
        f"*Party:* {safe_mrkdwn(party.name)}",
        f"*Role:* {contact.role or 'not set'}",
        f"*Title:* {safe_mrkdwn(contact.title) if contact.title else 'not set'}",
        f"*Slack:* {f'<@{contact.slack_user_id}>' if contact.slack_user_id else 'none'}",
        f"*Last contact:* {format_local(last, tz, with_time=False) if last else 'none yet'}",
    ]
    if contact.cadence_days:
        lines.append(f"*Cadence:* {describe_cadence(contact.cadence_days)}")
    if issues:
        lines.append(f"*Open issues involving them:* {len(issues)}")
        lines += [f"• *#{issue.number}* {safe_mrkdwn(truncate(issue.title, 200))}" for issue in issues]
    else:
        lines.append("*Open issues involving them:* none")
    text = change.said if change is not None else safe_mrkdwn(contact.name)
    return text, [section("\n".join(lines)), context(_HOW_TO_CHANGE)]


def added(contact: Contact, party: Party) -> tuple[str, Blocks]:
    said = f":white_check_mark: Added *{contact_label(contact)}* as a contact at *{safe_mrkdwn(party.name)}*"
    if contact.slack_user_id:
        said += f" (<@{contact.slack_user_id}> in Slack)"
    hint = "Logs that name them are linked to them from now on."
    if not contact.role:
        hint += f" Give them a role: `{ROLE_EXAMPLE.replace('Jane Doe', contact.name)}`"
    return safe_mrkdwn(f"Added {contact.name} at {party.name}"), [
        section(said + "."),
        context(safe_mrkdwn(hint)),
    ]


def removed(said: str) -> tuple[str, Blocks]:
    return said, [section(f":wastebasket: {said} Their interactions stay, with the name as written.")]
