"""Reading `/brm settings <name> <value>`: the few things a workspace can tune, checked before saving."""

from __future__ import annotations

from dataclasses import dataclass

import holidays

from bot.errors import InputError
from bot.numbers import read_number
from bot.text import safe_mrkdwn

MAX_DAYS = 365
EXAMPLE = "/brm settings holidays CA"


@dataclass(frozen=True)
class Change:
    column: str  # on storage.models.Workspace
    value: int | str | None
    said: str  # how the reply describes the new value


def read_setting(text: str) -> Change:
    """The change `holidays CA`, `holidays none`, `renudge 7` or `cold 45` asks for; InputError otherwise."""
    name, _, value = text.strip().partition(" ")
    name, value = name.lower(), value.strip()
    if name in ("holidays", "holiday", "state"):
        return _holidays(value)
    if name in ("renudge", "nudge", "repeat"):
        days = _days(value, "renudge 7", "days between reminders for an issue still open")
        return Change("renudge_days", days, f"an open issue is nudged again every {days} days")
    if name in ("cold", "cold-after"):
        days = _days(value, "cold 45", "days without contact after which a relationship is going cold")
        return Change("cold_after_days", days, f"relationships go cold after {days} days without contact")
    raise InputError(
        f"I can change `holidays`, `renudge` and `cold`, not “{safe_mrkdwn(name)}”.", example=EXAMPLE
    )


def _holidays(value: str) -> Change:
    if value.lower() in ("none", "federal", "off", "default"):
        return Change(
            "holiday_region", None, "only US federal holidays (or the server's default state) count"
        )
    state = value.upper()
    if state not in holidays.US.subdivisions:
        raise InputError(
            f"“{safe_mrkdwn(value)}” is not a US state or territory code. Use two letters like CA, NY or TX, "
            "or `none` for federal holidays only.",
            example=EXAMPLE,
        )
    return Change("holiday_region", state, f"no nudges on {state}'s public holidays or on federal ones")


def _days(value: str, example: str, meaning: str) -> int:
    days = read_number(value)
    if days is None or not 1 <= days <= MAX_DAYS:
        raise InputError(
            f"Give the number of {meaning}, from 1 to {MAX_DAYS}.", example=f"/brm settings {example}"
        )
    return days
