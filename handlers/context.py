"""What a listener reads from Bolt's context: the process's services and the request's workspace."""

from __future__ import annotations

from slack_bolt import BoltContext

from runtime.services import Services


def team_of(context: BoltContext) -> str:
    """The workspace a request's records belong to: the Slack workspace, or for an org-wide install
    on Enterprise Grid (GovSlack is one) the whole organisation. In an org-wide install a request names
    the workspace it came from, or none at all (events authorised at the org level carry no team), so
    the organisation's id stands in: the BRMs of every workspace in the org then share one set of
    parties, issues and digests, as one CIO's office does.

    Read from the request each time, not stored in the context: a job rebuilds the context from the
    request's fields (handlers/after_ack.py)."""
    if context.is_enterprise_install and context.enterprise_id:
        return context.enterprise_id
    return str(context.team_id or "")


def services_of(context: dict) -> Services:
    return context["services"]
