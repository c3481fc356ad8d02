"""`/brm admin add @person | remove @person | list`: name the people who may do records work.

Slack's workspace owners and admins always are records administrators; these commands add others
(a records officer, a paralegal). Anyone may see the list, so a refusal's "ask one of them" can be
followed; only records administrators may change it, and each change is in the audit log.
"""

from __future__ import annotations

from sqlmodel import Session

from bot.errors import InputError
from bot.replies import context, section
from bot.text import mentioned_users
from handlers.commands.registry import subcommand
from handlers.commands.request import CommandRequest
from handlers.records_access import require_for_command
from storage.audit import record_change
from storage.models import Surface
from storage.records_admins import add_named_admin, named_admin, named_admins, remove_named_admin

ADMIN_EXAMPLE = "/brm admin add @jane"
ENTITY = "records_admin"


@subcommand(
    "admin",
    help="Records administrators: who may export, set retention and place holds",
    example="/brm admin add @jane",
    aliases=("admins",),
)
def run(request: CommandRequest) -> None:
    action, _, rest = request.text.strip().partition(" ")
    action = action.lower()
    if action in ("", "list", "ls"):
        _list(request)
    elif action in ("add", "remove", "rm"):
        require_for_command(request, "name records administrators")
        user_id = _one_person(rest, action)
        if action == "add":
            _add(request, user_id)
        else:
            _remove(request, user_id)
    else:
        raise InputError(
            "`/brm admin` takes `add @person`, `remove @person` or `list`.", example=ADMIN_EXAMPLE
        )


def _one_person(text: str, action: str) -> str:
    people = mentioned_users(text)
    if len(people) != 1:
        raise InputError(
            f"Name exactly one person to {action}, with an @-mention.", example=f"/brm admin {action} @jane"
        )
    return people[0]


def _add(request: CommandRequest, user_id: str) -> None:
    person = request.services.directory.person(request.team_id, user_id, request.client)
    if person.cannot_own:
        raise InputError(
            f"<@{user_id}> is {person.cannot_own}, so it cannot be a records administrator.",
            example=ADMIN_EXAMPLE,
        )
    with request.services.db.workspace(request.team_id, request.enterprise_id) as session:
        if named_admin(session, user_id) is not None:
            request.reply(f"<@{user_id}> is already a records administrator.")
            return
        admin = add_named_admin(session, user_id, added_by=request.user_id)
        _audit(session, request, "admin_added", admin.id, user_id)  # type: ignore[arg-type]
    request.reply(
        f"Done: <@{user_id}> is a records administrator",
        [
            section(f":key: Done: <@{user_id}> is now a records administrator of this workspace."),
            context("They may export records, set retention and place legal holds. `/brm admin list`"),
        ],
    )


def _remove(request: CommandRequest, user_id: str) -> None:
    with request.services.db.workspace(request.team_id, request.enterprise_id) as session:
        admin = named_admin(session, user_id)
        if admin is None:
            raise InputError(
                f"<@{user_id}> was not named with `/brm admin add`, so there is nothing to remove. "
                "Slack's workspace owners and admins are records administrators through Slack: "
                "change their role there.",
                example="/brm admin list",
            )
        admin_id = admin.id
        remove_named_admin(session, admin)
        _audit(session, request, "admin_removed", admin_id, user_id)  # type: ignore[arg-type]
    request.reply(f":key: Done: <@{user_id}> is no longer a records administrator.")


def _audit(session: Session, request: CommandRequest, action: str, admin_id: int, user_id: str) -> None:
    record_change(
        session,
        actor_id=request.user_id,
        surface=Surface.COMMAND,
        action=action,
        entity=ENTITY,
        entity_id=admin_id,
        user=user_id,
    )


def _list(request: CommandRequest) -> None:
    with request.services.db.workspace(request.team_id, request.enterprise_id) as session:
        admins = [(a.user_id, a.added_by) for a in named_admins(session)]
    lines = [f"• <@{user_id}> (added by <@{added_by}>)" for user_id, added_by in admins]
    named = "\n".join(lines) if lines else "• nobody named yet"
    request.reply(
        "Records administrators",
        [
            section(
                ":key: *Records administrators* of this workspace: its Slack owners and admins, and\n" + named
            ),
            context(
                "They export records, set retention and place legal holds. Add one: `/brm admin add @jane`"
            ),
        ],
    )
