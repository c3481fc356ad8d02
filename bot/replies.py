"""Block Kit for the bot's replies to commands: what a log understood, help, and friendly errors.

Everything a person typed goes through `safe_mrkdwn` before it is shown, so that a log containing
`<!channel>` can never make the bot ping a channel.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from bot.date_format import format_local
from bot.errors import BrmError
from bot.recording import LogReceipt
from bot.text import a_kind, safe_mrkdwn, truncate
from storage.models import Party

Blocks = list[dict[str, Any]]

SENTIMENT_EMOJI = {
    "positive": ":slightly_smiling_face:",
    "neutral": ":neutral_face:",
    "negative": ":slightly_frowning_face:",
}
KIND_EMOJI = {
    "meeting": ":handshake:",
    "call": ":telephone_receiver:",
    "email": ":email:",
    "visit": ":office:",
    "chat": ":speech_balloon:",
}


def new_party_note(party: Party, *, again: str) -> str:
    """What a reply says when the command added the party: what it was added as, and the ways back.

    `again` is how to write the record again ("log again", "raise it again"); safe mrkdwn.
    """
    name = safe_mrkdwn(party.name)
    return (
        f":new: *{name}* is a new party, so I added it as {a_kind(party.kind)}. "
        f"If you meant an existing one, `/brm undo` and {again} starting with its exact name; "
        f"if it is a vendor, a partner or internal: `/brm party {name} kind vendor`."
    )


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, 3000)}}


def context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": truncate(text, 3000)}]}


_SECTION_CHARS = 2900  # a section's text may hold 3,000


def packed_sections(lines: Iterable[str], *, between: str = "\n") -> Blocks:
    """Lines in as few sections as they fit, none cut short by Slack's limit on a section's text."""
    chunks: list[str] = []
    for line in lines:
        if chunks and len(chunks[-1]) + len(between) + len(line) <= _SECTION_CHARS:
            chunks[-1] += between + line
        else:
            chunks.append(line)
    return [section(chunk) for chunk in chunks]


def log_receipt(receipt: LogReceipt) -> tuple[str, Blocks]:
    """The ephemeral reply to `/brm log`: everything that was understood, and how to correct it."""
    interaction, party, draft = receipt.interaction, receipt.party, receipt.draft
    kind = interaction.kind
    when = format_local(interaction.occurred_at, receipt.tz)
    emoji = KIND_EMOJI.get(kind, ":memo:")
    headline = f"{emoji} Logged {a_kind(kind)} with *{safe_mrkdwn(party.name)}* · {when}"
    lines = [headline, f"*Summary:* {safe_mrkdwn(truncate(interaction.summary, 800))}"]

    match = receipt.party_match
    if match.how == "fuzzy":
        lines.append(
            f":mag: I read “{safe_mrkdwn(match.text)}” as *{safe_mrkdwn(party.name)}*, an existing party."
        )
    elif match.how == "new":
        lines.append(new_party_note(party, again="log again"))
    people = [f"<@{user_id}>" for user_id in interaction.people]
    people += [safe_mrkdwn(_contact_label(c)) for c in interaction.contacts]
    if people:
        lines.append(f"*People:* {', '.join(people)}")
    if interaction.sentiment:
        lines.append(f"*Mood:* {SENTIMENT_EMOJI.get(interaction.sentiment, '')} {interaction.sentiment}")
    if interaction.follow_up_at:
        said = f" (from “{safe_mrkdwn(draft.follow_up.phrase)}”)" if draft.follow_up else ""
        lines.append(f":alarm_clock: *Follow up:* {format_local(interaction.follow_up_at, receipt.tz)}{said}")
    for issue in receipt.issues:
        lines.append(f":warning: Opened issue *#{issue.number}*: {safe_mrkdwn(truncate(issue.title, 300))}")
    lines += [f":grey_question: {safe_mrkdwn(hint)}" for hint in draft.hints]

    blocks: Blocks = [section("\n".join(lines))]
    hint = (
        "Not quite right? `/brm undo`, then log it again with the details spelled out, e.g. `"
        + safe_mrkdwn("/brm log DMV call yesterday 2pm with Jane (CIO). follow up next Tuesday")
        + "`"
    )
    if receipt.issues:
        hint += f" · close an issue with `/brm close #{receipt.issues[0].number}`"
    blocks.append(context(hint))
    text = f"Logged {a_kind(kind, bold=False)} with {party.name}"
    return safe_mrkdwn(text), blocks


def _contact_label(contact: dict[str, Any]) -> str:
    role = contact.get("role")
    return f"{contact['name']} ({role})" if role else str(contact["name"])


# Examples are written with this issue number; replies show one that exists in the workspace instead.
EXAMPLE_NUMBER = re.compile(r"#12\b")
HELP_HINT = "`/brm help` shows everything I can do."
_FIRST_ISSUE = "There is no issue here yet: raise one with `/brm issue DMV renewal emails bounce`."


def with_issue_number(example: str, number: int | None) -> str:
    """`example` showing issue `number` (one that exists here) where it says `#12`; `#N` when the
    workspace has no issue yet, so no reply ever names an issue that is not there."""
    return EXAMPLE_NUMBER.sub(f"#{number}" if number is not None else "#N", example)


HelpLines = Sequence[tuple[str, str]]  # (what, a command to copy), one per line of `/brm help`


def help_examples(lines: HelpLines, number: int | None) -> str:
    """One line per thing people can do, with a command to copy; issue `number` is one that exists."""
    return "\n".join(
        f"• {label}: `{safe_mrkdwn(with_issue_number(example, number))}`" for label, example in lines
    )


def help_blocks(lines: HelpLines, number: int | None) -> tuple[str, Blocks]:
    """`/brm help`: what people can do, with examples (`lines`, from the subcommands' registry);
    `number`: an issue of theirs, for the examples."""
    about_n = "" if number is not None else " _#N_ stands for an issue's number, as `/brm list` shows it."
    blocks: Blocks = [
        section("*brm-bot* keeps a record of your relationships without leaving Slack. Examples:"),
        section(help_examples(lines, number)),
        context(
            "Dates are read in your Slack timezone: _tomorrow, Friday, next Tuesday, in 2 weeks, EOD, "
            "end of month, 12/5_. On any message: ⋮ → *Log BRM interaction* or *Raise BRM issue*. "
            "React ✅ on a nudge to close its issue." + about_n
        ),
    ]
    return "brm-bot help", blocks


def problem_blocks(problem: BrmError, number: int | None) -> tuple[str, Blocks]:
    """What went wrong, the example that fits the mistake, and where the rest of the help is.

    `number`: an issue that exists in the workspace, shown in examples that name one.
    """
    blocks: Blocks = [section(f":thinking_face: {problem.text}")]
    if problem.example:
        if number is None and EXAMPLE_NUMBER.search(problem.example):
            blocks.append(section(_FIRST_ISSUE))
        else:
            blocks.append(section(f"*Try:* `{safe_mrkdwn(with_issue_number(problem.example, number))}`"))
    blocks.append(context(HELP_HINT))
    return problem.text, blocks


def error_blocks(text: str, reference: str | None = None) -> tuple[str, Blocks]:
    """A friendly failure message, with an id to quote to an admin when something broke on our side."""
    message = f":warning: {text}"
    if reference:
        message += f"\nIf it keeps happening, tell your admin the reference `{reference}`."
    return text, [section(message)]
