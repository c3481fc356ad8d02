"""Reading `/brm party [<name> [history | kind|alias|unalias|owner|channel|rename <value>]]`.

Pure: no Slack, no database. Party names contain spaces ("Department of Revenue kind vendor"), so the
text is split at an action keyword; when a keyword could also be part of a name ("Office of Channel
Partners kind vendor"), the split whose name is a known party wins. Names are matched the way
`/brm log` matches them (name or alias, case and punctuation folded, a near miss). What cannot be
read becomes an `InputError` or `NotFound` with an example, so nothing is written on bad input.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.cadence import read_cadence
from bot.errors import InputError, NotFound
from bot.limits import NAME_LIMIT  # party names and aliases; the columns hold 200
from bot.party_names import KnownParty, PartyMatch, find_party
from bot.text import CHANNEL_MENTION, USER_MENTION, normalise_name, safe_mrkdwn, truncate
from storage.models import PartyKind

PARTY_EXAMPLE = "/brm party DMV kind agency"
KIND_EXAMPLE = "/brm party Acme Cloud kind vendor"
ALIAS_EXAMPLE = "/brm party Department of Motor Vehicles alias DMV"
UNALIAS_EXAMPLE = "/brm party DMV unalias Motor Vehicles"
OWNER_EXAMPLE = "/brm party DMV owner @jane"
CHANNEL_EXAMPLE = "/brm party DMV channel #dmv-team"
RENAME_EXAMPLE = "/brm party DMV rename Department of Motor Vehicles"
CADENCE_EXAMPLE = "/brm party DMV cadence every 2 weeks"
HISTORY_EXAMPLE = "/brm party DMV history"
ACTIONS = ("kind", "alias", "unalias", "owner", "channel", "rename", "cadence", "history")
EXAMPLES = {
    "kind": KIND_EXAMPLE,
    "alias": ALIAS_EXAMPLE,
    "unalias": UNALIAS_EXAMPLE,
    "owner": OWNER_EXAMPLE,
    "channel": CHANNEL_EXAMPLE,
    "rename": RENAME_EXAMPLE,
    "cadence": CADENCE_EXAMPLE,
    "history": HISTORY_EXAMPLE,
}

_ACTION_WORDS = {action: action for action in ACTIONS} | {
    "type": "kind",
    "aka": "alias",
    "remove-alias": "unalias",
    "owned-by": "owner",
    "home": "channel",
    "rename-to": "rename",
    "timeline": "history",
}
_KIND_WORDS = {kind.value: kind.value for kind in PartyKind} | {
    "agencies": PartyKind.AGENCY.value,
    "department": PartyKind.AGENCY.value,
    "vendors": PartyKind.VENDOR.value,
    "supplier": PartyKind.VENDOR.value,
    "partners": PartyKind.PARTNER.value,
    "internal team": PartyKind.INTERNAL.value,
}
_NONE_WORDS = frozenset({"none", "nobody", "no one", "noone", "-", "clear", "remove", "unset"})
_ME_WORDS = frozenset({"me", "myself", "i"})
_HERE_WORDS = frozenset({"here", "this", "this channel"})
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{8,}$")
_QUOTES = "\"'\u201c\u201d\u2018\u2019"


@dataclass(frozen=True)
class PartyCommand:
    """What `/brm party` was asked to do.

    `action` is "list", "show" or one of ACTIONS. `party` is the matched party (None for "list").
    `value`: the kind, the alias, the new name, the owner's user id, the channel id or the cadence in
    days; None for `owner none`, `channel none`, `cadence none` (and for "list" and "show").
    """

    action: str
    party: PartyMatch | None = None
    value: str | None = None


def read_party_command(
    text: str, *, parties: Sequence[KnownParty], user_id: str, channel_id: str
) -> PartyCommand:
    """Read the text after `/brm party`; `user_id` and `channel_id` stand for "me" and "here"."""
    words = text.split()
    if not words:
        return PartyCommand("list")
    name, action, value = _split(words, parties)
    party = _match(name, parties, words)
    if action is None:
        return PartyCommand("show", party)
    if action == "history":
        if value:
            raise InputError(
                "`history` takes nothing after it: *More* shows older entries.", example=HISTORY_EXAMPLE
            )
        return PartyCommand(action, party)
    if action == "kind":
        return PartyCommand(action, party, read_kind(value))
    if action in ("alias", "rename"):
        return PartyCommand(action, party, read_name(value, action=action))
    if action == "unalias":
        if not value:
            raise InputError("Which alias should go? Add it after `unalias`.", example=UNALIAS_EXAMPLE)
        return PartyCommand(action, party, value)
    if action == "owner":
        return PartyCommand(action, party, read_owner(value, user_id=user_id))
    if action == "cadence":  # days, as text like every value here; None: the kind's default
        days = read_cadence(value, example=CADENCE_EXAMPLE)
        return PartyCommand(action, party, str(days) if days else None)
    return PartyCommand(action, party, read_channel(value, channel_id=channel_id))


def _split(words: list[str], parties: Sequence[KnownParty]) -> tuple[str, str | None, str]:
    """(name, action, value): the whole text names a party, or it splits at an action keyword."""
    whole = " ".join(words)
    splits = [i for i in range(1, len(words)) if _action_word(words[i]) is not None]
    if not splits or _is_known(whole, parties, exact=True):
        return whole, None, ""
    candidates = [(" ".join(words[:i]), i) for i in splits]
    for exact in (True, False):
        for name, i in candidates:
            if _is_known(name, parties, exact=exact):
                return name, _action_word(words[i]), " ".join(words[i + 1 :])
    if _is_known(whole, parties, exact=False):
        return whole, None, ""
    name, i = candidates[0]
    return name, _action_word(words[i]), " ".join(words[i + 1 :])


def _action_word(word: str) -> str | None:
    return _ACTION_WORDS.get(word.lower().rstrip(":"))


def _is_known(name: str, parties: Sequence[KnownParty], *, exact: bool) -> bool:
    match = _find(name, parties)
    return match is not None and (not exact or match.how in ("exact", "alias"))


def _find(name: str, parties: Sequence[KnownParty]) -> PartyMatch | None:
    # Slack sends mentions and links as <...> tokens: "<!channel>" is not a typo of "Channel Partners".
    return None if "<" in name else find_party(name, parties)


def _match(name: str, parties: Sequence[KnownParty], words: list[str]) -> PartyMatch:
    match = _find(name, parties)
    if match is not None and match.party_id is not None:
        return match
    # "DMV frobnicate": a known name followed by something that is not an action.
    for end in range(len(words) - 1, 0, -1):
        known = _find(" ".join(words[:end]), parties)
        if known is not None and known.how in ("exact", "alias"):
            raise InputError(
                f"I know *{safe_mrkdwn(known.name)}*, but not “{safe_mrkdwn(truncate(words[end], 40))}”. "
                f"After the name comes one of: {', '.join(ACTIONS)}.",
                example=PARTY_EXAMPLE,
            )
    shown = ", ".join(safe_mrkdwn(p.name) for p in sorted(parties, key=lambda p: p.name.lower())[:8])
    raise NotFound(
        f"I don't know a party called “{safe_mrkdwn(truncate(name, 80))}”. "
        f"Parties I know: {shown or 'none yet'}. `/brm party` lists them all; "
        "`/brm log` adds a new one.",
        example=PARTY_EXAMPLE,
    )


def read_kind(value: str) -> str:
    key = " ".join(value.lower().strip(" .").split())
    if key in _KIND_WORDS:
        return _KIND_WORDS[key]
    said = f", not “{safe_mrkdwn(truncate(value, 40))}”" if value.strip() else ""
    raise InputError(
        f"A party's kind is one of {', '.join(kind.value for kind in PartyKind)}{said}.",
        example=KIND_EXAMPLE,
    )


def read_name(value: str, *, action: str) -> str:
    """A new name or alias: plain words, not a mention or a link, at most NAME_LIMIT characters."""
    example = EXAMPLES[action]
    what = "new name" if action == "rename" else "alias"
    name = " ".join(value.strip().strip(_QUOTES).split())
    if not name:
        raise InputError(f"What is the {what}? Add it after `{action}`.", example=example)
    if "<" in name or ">" in name:
        # Slack sends mentions, channels and links as <...> tokens; a party name is plain words.
        raise InputError(
            f"The {what} should be plain words, not a mention, a channel or a link.", example=example
        )
    if len(name) > NAME_LIMIT:
        raise InputError(f"That {what} is too long: keep it under {NAME_LIMIT} characters.", example=example)
    if not normalise_name(name):
        raise InputError(f"The {what} needs at least one letter or digit.", example=example)
    return name


def read_owner(value: str, *, user_id: str) -> str | None:
    """The owner's user id from a mention (or "me"); None for "none"."""
    key = " ".join(value.lower().split())
    if key in _NONE_WORDS:
        return None
    if key in _ME_WORDS:
        return user_id
    return _one_id(
        value,
        USER_MENTION,
        several="A party has one owner: mention only them.",
        missing="Who owns this relationship? Mention them, choosing them from Slack's @ list as you "
        "type (or `owner none`).",
        example=OWNER_EXAMPLE,
    )


def read_channel(value: str, *, channel_id: str) -> str | None:
    """The home channel's id from a channel link, an id or "here"; None for "none"."""
    text = value.strip()
    key = " ".join(text.lower().split())
    if key in _NONE_WORDS:
        return None
    if key in _HERE_WORDS:
        if not channel_id.startswith(("C", "G")):
            raise InputError(
                "This is not a channel, so it cannot be a party's home. Name a channel.",
                example=CHANNEL_EXAMPLE,
            )
        return channel_id
    if _CHANNEL_ID.match(text):
        return text
    return _one_id(
        text,
        CHANNEL_MENTION,
        several="A party has one home channel: name only one.",
        missing="Which channel? Pick it from Slack's # list as you type, so that Slack sends it as a "
        "link (or `channel here`, or `channel none`).",
        example=CHANNEL_EXAMPLE,
    )


def _one_id(text: str, token: re.Pattern[str], *, several: str, missing: str, example: str) -> str:
    """The id of the one Slack token (`<@U…>`, `<#C…>`) the text is; InputError otherwise."""
    m = token.fullmatch(text.strip())
    if m is not None:
        return m["id"]
    raise InputError(several if len(token.findall(text)) > 1 else missing, example=example)
