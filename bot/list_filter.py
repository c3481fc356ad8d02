"""Reading `/brm list [party] [open|closed|mine|overdue|all]`: which issues to show.

Pure: words it cannot read become an `InputError` with an example that works."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.errors import InputError, NotFound
from bot.issue_args import OWNER_MENTION, known_party
from bot.party_names import KnownParty, PartyMatch
from bot.text import safe_mrkdwn

LIST_EXAMPLE = "/brm list DMV overdue"
LIST_FILTERS = ("open", "closed", "mine", "overdue", "all")


_STATUS_WORDS = {
    "open": "open",
    "opened": "open",
    "closed": "closed",
    "done": "closed",
    "resolved": "closed",
    "all": "all",
    "any": "all",
    "everything": "all",
}
_MINE_WORDS = frozenset({"mine", "my", "me"})
_OVERDUE_WORDS = frozenset({"overdue", "late"})


@dataclass(frozen=True)
class ListFilter:
    """Which issues `/brm list` shows; the filters combine."""

    status: str = "open"  # "open", "closed" or "all"
    owner_id: str | None = None  # "mine", or a mentioned person
    overdue: bool = False  # open issues whose follow-up date has passed
    party: PartyMatch | None = None


def read_list_filter(text: str, *, parties: Sequence[KnownParty], user_id: str) -> ListFilter:
    """Read `/brm list [party] [open|closed|mine|overdue|all] [@person]`, in any order."""
    statuses: set[str] = set()
    owners = list(dict.fromkeys(m["id"] for m in OWNER_MENTION.finditer(text)))
    words = []
    overdue = False
    for word in OWNER_MENTION.sub(" ", text).split():
        key = word.lower().strip(",.;")
        if key in _STATUS_WORDS:
            statuses.add(_STATUS_WORDS[key])
        elif key in _MINE_WORDS:
            owners.append(user_id)
        elif key in _OVERDUE_WORDS:
            overdue = True
        elif key:
            words.append(word)
    owners = list(dict.fromkeys(owners))
    if len(owners) > 1:
        raise InputError("List one person's issues at a time.", example="/brm list mine overdue")
    status = (
        "all"
        if "all" in statuses or {"open", "closed"} <= statuses
        else (statuses.pop() if statuses else "open")
    )
    if overdue and status == "closed":
        raise InputError("Only open issues can be overdue.", example=LIST_EXAMPLE)
    party = None
    if words:
        name = " ".join(words)
        party = known_party(name, parties)
        if party is None:
            raise NotFound(
                f"I don't know a party called “{safe_mrkdwn(name)}”. "
                f"Filters you can add: {', '.join(LIST_FILTERS)}.",
                example=LIST_EXAMPLE,
            )
    return ListFilter(
        status="open" if overdue else status,
        owner_id=owners[0] if owners else None,
        overdue=overdue,
        party=party,
    )
