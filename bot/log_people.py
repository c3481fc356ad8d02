"""The kind of touchpoint (meeting, call, email, visit, chat) and the people in a `/brm log` text:
Slack mentions, and contacts at the party such as "Jane (CIO)" or "with Bob Smith". Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.log_clauses import Clause, word_set
from bot.party_names import (
    PartyMatch,
)
from bot.text import mentioned_users, normalise_name

KINDS = ("meeting", "call", "email", "visit", "chat")
DEFAULT_KIND = "chat"


@dataclass(frozen=True)
class ContactMention:
    """A person at the party named in the text: "Jane (CIO)", "with Bob Smith", "<@U123> (CTO)"."""

    name: str
    role: str | None = None
    user_id: str | None = None


# --- kind, people, contacts ---------------------------------------------------------------------

_KIND_WORDS = [
    ("meeting", r"met|meet|meeting|meetings|mtg|sync|synced|1:1|1-on-1|one-on-one|lunch|coffee"),
    ("call", r"call|called|calls|phone|phoned|rang|zoom|webex|video\s+call"),
    ("email", r"email|emailed|emails|e-mail|e-mailed|mailed"),
    ("visit", r"visit|visited|onsite|on-site|on\s+site"),
    ("chat", r"chat|chatted|slack|slacked|dm|dm['\u2019]?d|dmed|talked|spoke|texted|messaged"),
]
_KIND = re.compile("|".join(f"(?P<{kind}>\\b(?:{words})\\b)" for kind, words in _KIND_WORDS), re.IGNORECASE)
_MENTION = re.compile(r"<@(?P<id>[UW][A-Z0-9]+)(?:\|(?P<label>[^>]*))?>")
_NAME_WORD = r"[A-Z][a-z][\w'\u2019-]*"
_NAME_WITH_ROLE = re.compile(
    r"(?P<name><@[UW][A-Z0-9]+(?:\|[^>]*)?>|" + _NAME_WORD + r"(?:\s+" + _NAME_WORD + r"){0,2})"
    r"\s*\((?P<role>[^()\d]{1,40})\)"
)
_NAME_AFTER_VERB = re.compile(
    r"\b(?:with|met|called|emailed|phoned|visited|and|spoke\s+(?:to|with)|talked\s+(?:to|with))\s+"
    r"(?P<name>" + _NAME_WORD + r"(?:\s+" + _NAME_WORD + r"){0,2})"
)
# Capitalised words that are not people: sentence starts, days, months.
_NOT_A_NAME = word_set(
    "met with and called emailed spoke talked the a an i we they monday tuesday wednesday thursday "
    "friday saturday sunday january february march april may june july august september october "
    "november december today tomorrow yesterday mon tue tues wed weds thu thur thurs fri sat sun jan "
    "feb mar apr jun jul aug sep sept oct nov dec eod eow eom cob"
)


def read_kind(main_text: str) -> str:
    m = _KIND.search(main_text)
    return m.lastgroup if m and m.lastgroup else DEFAULT_KIND


def read_people(text: str) -> tuple[str, ...]:
    return tuple(mentioned_users(text))


def read_contacts(
    text: str, clauses: Sequence[Clause], party: PartyMatch | None
) -> tuple[ContactMention, ...]:
    # Issue words are about systems, not people ("login with Okta fails"), so they are left out.
    issue_spans = [(c.start, c.end) for c in clauses if c.kind == "issue"]
    outside = "".join(
        " " * len(ch) if any(s <= i < e for s, e in issue_spans) else ch for i, ch in enumerate(text)
    )
    party_names = [f" {normalise_name(party.text)} ", f" {normalise_name(party.name)} "] if party else []

    def is_party(name: str) -> bool:
        # "Parks and Rec met ..." must not give a contact called "Rec"; "with Acme" is the party too.
        return any(f" {normalise_name(name)} " in known for known in party_names)

    found: dict[str, ContactMention] = {}
    for m in _NAME_WITH_ROLE.finditer(outside):
        contact = _contact(m["name"], m["role"].strip())
        if contact is not None and not is_party(contact.name):
            found.setdefault(contact.name.lower(), contact)
    for m in _NAME_AFTER_VERB.finditer(outside):
        contact = _contact(m["name"], None)
        if contact is not None and not is_party(contact.name):
            found.setdefault(contact.name.lower(), contact)
    return tuple(found.values())


def _contact(raw_name: str, role: str | None) -> ContactMention | None:
    mention = _MENTION.fullmatch(raw_name)
    if mention:
        return ContactMention(mention["label"] or mention["id"], role or None, mention["id"])
    words = raw_name.split()
    while words and words[0].lower().rstrip(".") in _NOT_A_NAME:
        words.pop(0)  # "Met Jane (CIO)" at the start of a sentence
    for index, word in enumerate(words):
        if word.lower().rstrip(".") in _NOT_A_NAME:
            words = words[:index]  # "Ann Lee Fri": the name stops where the date starts
            break
    if not words:
        return None
    return ContactMention(" ".join(words), role or None)
