"""How much of people's text each record keeps, and what happens to more.

The lengths are the columns' own (storage/models.py). SQLite would keep a longer value and PostgreSQL
refuse it, so nothing longer is ever handed to either: a long issue title becomes a short one with the
whole text kept in the details, and a name too long to be a name is refused with a friendly answer.
"""

from __future__ import annotations

from sqlmodel import SQLModel

from bot.errors import InputError
from bot.text import safe_mrkdwn, short_title, truncate
from storage.models import Contact, Issue, Party, PartyAlias


def _length(model: type[SQLModel], column: str) -> int:
    length = model.__table__.columns[column].type.length  # type: ignore[attr-defined]
    assert isinstance(length, int), f"{model.__name__}.{column} has no length"
    return length


TITLE_LIMIT = _length(Issue, "title")
# What a party may be called, as `/brm party ... rename|alias` allows (bot/party_args.py); the columns
# hold twice that, and a longer "name" is a sentence that was read as one.
NAME_LIMIT = 100
assert min(_length(Party, "name"), _length(PartyAlias, "alias")) >= NAME_LIMIT
CONTACT_LIMIT = min(_length(Contact, "name"), _length(Contact, "role"))


def fit_title(title: str, details: str | None) -> tuple[str, str | None]:
    """An issue's (title, details) with the title fitting its column: a title longer than that becomes
    its first sentence, cut at a word boundary with an ellipsis, and the whole text leads the details."""
    if len(title) <= TITLE_LIMIT:
        return title, details
    return short_title(title), title + (f"\n\n{details}" if details else "")


def fit_contact(text: str) -> str:
    """A contact's name or role as read from free text, cut to fit (it was read, not typed as a name)."""
    return truncate(text, CONTACT_LIMIT)


def check_name(name: str, *, example: str) -> str:
    """`name` when it fits a party's name; InputError when it is too long to be one."""
    if len(name) > NAME_LIMIT:
        raise InputError(
            f"“{safe_mrkdwn(truncate(name, 60))}” is too long for a party's name: keep it under "
            f"{NAME_LIMIT} characters. Nothing was saved.",
            example=example,
        )
    return name
