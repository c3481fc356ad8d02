"""Reading `/brm settings <name> <value>`: the few things a workspace can tune, checked before saving."""

from __future__ import annotations

import calendar
from dataclasses import dataclass

import holidays
from sqlmodel import Session, select

from bot.date_context import DateCalendar
from bot.date_periods import fiscal_year_start_for
from bot.errors import InputError
from bot.numbers import read_number
from bot.plural import counted
from bot.text import safe_mrkdwn
from storage.models import Workspace

MAX_DAYS = 365
EXAMPLE = "/brm settings holidays CA"


@dataclass(frozen=True)
class Change:
    column: str  # on storage.models.Workspace
    value: int | str | None
    said: str  # how the reply describes the new value


def read_setting(text: str) -> Change:
    """The change `holidays CA`, `holidays none`, `renudge 7`, `cold 45` or `fiscal-year april` asks for;
    InputError otherwise."""
    name, _, value = text.strip().partition(" ")
    name, value = name.lower(), value.strip()
    if name in ("holidays", "holiday", "state"):
        return _holidays(value)
    if name in ("renudge", "nudge", "repeat"):
        days = _days(value, "renudge 7", "days between reminders for an issue still open")
        return Change("renudge_days", days, f"an open issue is nudged again {every_days(days)}")
    if name in ("digest-mentions", "mentions"):
        return _digest_mentions(value)
    if name in ("cold", "cold-after"):
        days = _days(value, "cold 45", "days without contact after which a relationship is going cold")
        return Change(
            "cold_after_days", days, f"relationships go cold after {counted(days, 'day')} without contact"
        )
    if name in ("fiscal-year", "fiscal_year", "fiscal", "fy"):
        return _fiscal_year(value)
    raise InputError(
        f"I can change `holidays`, `renudge`, `cold`, `fiscal-year` and `digest-mentions`, "
        f"not “{safe_mrkdwn(name)}”.",
        example=EXAMPLE,
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


_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name} | {"sept": 9}
FISCAL_EXAMPLE = "/brm settings fiscal-year april"


def _fiscal_year(value: str) -> Change:
    word = value.lower().strip(" .")
    if word in ("default", "none", "state"):
        return Change("fiscal_year_start", None, "the fiscal year starts in the holiday state's usual month")
    month = read_number(word) or _MONTHS.get(word)
    if month is None or not 1 <= month <= 12:
        raise InputError(
            f"“{safe_mrkdwn(value)}” is not a month. Give the month the fiscal year starts in, like "
            "`july`, `october` or `4`, or `default` for the holiday state's usual month.",
            example=FISCAL_EXAMPLE,
        )
    return Change("fiscal_year_start", month, f"the fiscal year starts on 1 {calendar.month_name[month]}")


def fiscal_year_start(workspace: Workspace | None, default_state: str | None) -> tuple[int, bool]:
    """The month the workspace's fiscal year starts, and whether that was set (not the state's usual)."""
    if workspace is not None and workspace.fiscal_year_start:
        return workspace.fiscal_year_start, True
    return fiscal_year_start_for(_holiday_state(workspace, default_state)), False


def workspace_calendar(session: Session, default_state: str | None) -> DateCalendar:
    """The calendar dates are read with in this workspace; read only (a new workspace gets defaults)."""
    workspace = session.exec(select(Workspace)).first()
    month, _ = fiscal_year_start(workspace, default_state)
    return DateCalendar(holiday_region=_holiday_state(workspace, default_state), fiscal_year_start=month)


def _holiday_state(workspace: Workspace | None, default_state: str | None) -> str | None:
    return (workspace.holiday_region if workspace is not None else None) or default_state


DIGEST_MENTIONS_EXAMPLE = "/brm settings digest-mentions on"


def _digest_mentions(value: str) -> Change:
    """Whether the weekly digest @-mentions people (notifying them every week) or only names them."""
    word = value.lower()
    if word in ("on", "yes", "true"):
        return Change("digest_mentions", True, "the weekly digest @-mentions the people it names")
    if word in ("off", "no", "false"):
        return Change("digest_mentions", False, "the weekly digest names people without notifying them")
    raise InputError(
        "Say `on` to @-mention people in the weekly digest, or `off` to name them without a ping.",
        example=DIGEST_MENTIONS_EXAMPLE,
    )


def every_days(days: int) -> str:
    """How often, said as people say it: "every day", "every 7 days"."""
    return "every day" if days == 1 else f"every {days} days"
