"""`/brm health [party]`: one party's relationship health with its interactions and open issues,
or, without a party, every party's health worst first."""

from __future__ import annotations

from bot.errors import NotFound
from bot.health_report import RecentInteraction, render_health, render_health_overview
from bot.party_names import find_party
from bot.recording import known_parties
from bot.text import safe_mrkdwn
from handlers.commands.registry import subcommand
from handlers.commands.request import CommandRequest
from storage.digest_queries import cold_after_days, health_facts, party_open_issues
from storage.records import recent_interactions

RECENT_INTERACTIONS = 5
OPEN_ISSUES_SHOWN = 15


@subcommand("health", help="A party's health", example="/brm health DMV")
def run(request: CommandRequest) -> None:
    services = request.services
    tz = services.directory.timezone(request.team_id, request.user_id, request.client)
    now = services.clock.now()
    name = request.text.strip()
    with services.db.workspace(request.team_id, request.enterprise_id) as session:
        if not name:
            message = render_health_overview(health_facts(session, now=now), tz=tz)
            request.reply(message.text, message.blocks)
            return
        parties = known_parties(session)
        match = find_party(name, parties)
        if match is None or match.party_id is None:
            known = ", ".join(safe_mrkdwn(p.name) for p in parties[:8]) or "none yet"
            raise NotFound(
                f"I don't know a party called “{safe_mrkdwn(name)}”. Parties I know: {known}.",
                example="/brm health DMV",
            )
        [facts] = health_facts(session, now=now, party_ids=[match.party_id]).parties
        interactions = [
            RecentInteraction(i.occurred_at, i.kind, i.summary, i.sentiment, i.permalink)
            for i in recent_interactions(session, match.party_id, limit=RECENT_INTERACTIONS)
        ]
        message = render_health(
            facts,
            now=now,
            tz=tz,
            cold_after_days=cold_after_days(session),
            interactions=interactions,
            issues=party_open_issues(session, match.party_id, limit=OPEN_ISSUES_SHOWN),
        )
    request.reply(message.text, message.blocks)
