"""`brm-bot digest preview --channel C…`: the channel's digest as it would be posted now, as text.

Composed as the weekly sweep composes it (`digest_for`), with the channel's subscription (its
parties, its timezone) when it has one, and printed block by block: the main message, then each
part of its thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import click

from bot.digest import digest_for
from ops.setup import CannotRun, services_or_stop, settings_or_stop, workspace_or_stop
from runtime.digest_sender import display_names
from storage import digests


def blocks_text(blocks: Sequence[dict[str, Any]]) -> str:
    """The words of a message's blocks, one paragraph per block, as Slack would show them (mrkdwn)."""
    paragraphs = []
    for block in blocks:
        if block.get("type") == "divider":
            paragraphs.append("---")
            continue
        texts = [block.get("text"), *list(block.get("fields") or []), *list(block.get("elements") or [])]
        words = [t.get("text", "") for t in texts if isinstance(t, dict) and isinstance(t.get("text"), str)]
        if words:
            paragraphs.append("\n".join(words))
    return "\n\n".join(paragraphs)


@click.group()
def digest() -> None:
    """The weekly "what is not working" digest."""


@digest.command()
@click.option("--channel", required=True, help="The channel's id (C…), as in the channel's details.")
@click.option("--tz", "timezone", help="Timezone for dates (default: the subscription's, else UTC).")
def preview(channel: str, timezone: str | None) -> None:
    """Print the digest this channel would get now, without posting anything."""
    settings = settings_or_stop()
    services = services_or_stop(settings)
    workspace = workspace_or_stop(services)
    with services.db.workspace(workspace.team_id, workspace.enterprise_id) as session:
        subscription = digests.subscription_for_channel(session, channel.strip())
        active = subscription is not None and subscription.active
        try:
            tz = ZoneInfo(timezone or (subscription.timezone if active and subscription else "UTC"))
        except (ValueError, KeyError):
            raise CannotRun(f"--tz {timezone!r} is not a timezone such as America/New_York") from None
        rendered = digest_for(
            session,
            now=services.clock.now(),
            tz=tz,
            party_ids=subscription.party_ids if active and subscription else [],
            name_of=display_names(services, workspace.team_id),
        )
    if not active:
        click.echo(f"({channel} has no weekly digest; this is what one would say, for every party)", err=True)
    click.echo(blocks_text(rendered.main.blocks))
    for number, part in enumerate(rendered.thread, start=1):
        click.echo(f"\n--- thread, part {number} of {len(rendered.thread)} ---\n")
        click.echo(blocks_text(part.blocks))
