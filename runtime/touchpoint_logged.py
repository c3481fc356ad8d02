"""A touchpoint nudge answered by logging the touchpoint: saving the log form that the nudge's *Log a
touchpoint* button opened marks the nudge as acted on, and its message in Slack is updated to say
who logged it and when, without its buttons.

The mark (an audit event, like done, snoozed and not needed in runtime/touchpoint_messages.py) and
the job that updates the message are written in the transaction that saves the form: a process that
dies after the save still updates the message, and the job updates it through `post_once`.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlmodel import Session

from bot import touchpoints
from runtime.kinds import JobRun, job_kind
from runtime.services import Services
from runtime.touchpoint_messages import LOGGED, audit_touchpoint, render_touchpoint, touchpoint_facts
from slack_api.failures import SLACK_FAILURES, failure_code
from storage.models import Interaction, Nudge, NudgeStatus
from storage.nudges import nudge_by_id
from storage.nudges_posted import posted_touchpoint_nudges

log = logging.getLogger(__name__)

LOGGED_JOB = "touchpoint_logged"


def answer_touchpoints(
    services: Services,
    session: Session,
    interaction: Interaction,
    *,
    actor_id: str,
    surface: str,
    from_nudge: int | None = None,
) -> int:
    """In the transaction that saves `interaction`: the posted touchpoint nudges it answers, marked
    and their messages queued for update (how many). The nudge whose *Log a touchpoint* button
    opened the form (`from_nudge`) is answered whatever the form says; any other posted nudge of
    the party when the log touches whom it is about (the party, or a contact it names) later than
    the touch the nudge counted from. A log of an older meeting answers nothing."""
    answered = 0
    if from_nudge is not None:
        answered += mark_logged_from_nudge(
            services,
            session,
            nudge_id=from_nudge,
            interaction=interaction,
            actor_id=actor_id,
            surface=surface,
        )
    session.flush()
    for nudge in posted_touchpoint_nudges(session, interaction.party_id):
        facts = touchpoint_facts(session, nudge, fresh=False)
        if facts is None or facts.outcome is not None or facts.last_contact_at is None:
            continue
        if facts.last_contact_at + timedelta(days=facts.cadence_days) <= nudge.due_at:
            continue  # the last touch is still the one the nudge counted from
        audit_touchpoint(
            session, nudge, facts, what=LOGGED, actor_id=actor_id, surface=surface,
            occurred_at=interaction.occurred_at, interaction_id=interaction.id,
        )  # fmt: skip
        _queue_update(services, session, nudge)
        answered += 1
    return answered


def mark_logged_from_nudge(
    services: Services,
    session: Session,
    *,
    nudge_id: int,
    interaction: Interaction,
    actor_id: str,
    surface: str,
) -> bool:
    """In the form's own transaction: mark the posted nudge as answered by `interaction`, and queue
    the update of its message. False (nothing written) when the form no longer answers it: the nudge
    is gone or was acted on meanwhile, or the form was saved for another party."""
    nudge = nudge_by_id(session, nudge_id)
    facts = touchpoint_facts(session, nudge, fresh=False) if nudge is not None else None
    if nudge is None or facts is None or facts.outcome is not None or nudge.party_id != interaction.party_id:
        log.info("touchpoint nudge %s: the form logged by %s does not answer it", nudge_id, actor_id)
        return False
    audit_touchpoint(
        session, nudge, facts, what=LOGGED, actor_id=actor_id, surface=surface,
        occurred_at=interaction.occurred_at, interaction_id=interaction.id,
    )  # fmt: skip
    # Logged from this nudge is a touchpoint with whom it is about, whatever the form's date or people
    # say: the next one is due a cadence from now, as for *Done*.
    (facts.contact or facts.party).touched_at = services.clock.now()
    session.add(facts.contact or facts.party)
    touchpoints.replan(session, facts.party)
    _queue_update(services, session, nudge)
    return True


def _queue_update(services: Services, session: Session, nudge: Nudge) -> None:
    if nudge.status == NudgeStatus.SENT and nudge.channel_id and nudge.message_ts:
        services.jobs.enqueue_in(
            session,
            LOGGED_JOB,
            {"nudge_id": nudge.id},
            team_id=nudge.team_id,
            enterprise_id=nudge.enterprise_id,
        )


@job_kind(LOGGED_JOB)
def touchpoint_logged_job(services: Services, job: JobRun) -> None:
    nudge_id = int(job.payload["nudge_id"])
    now: datetime = services.clock.now()
    with services.db.workspace(job.team_id, job.enterprise_id) as session:
        nudge = nudge_by_id(session, nudge_id)
        facts = touchpoint_facts(session, nudge, fresh=False) if nudge is not None else None
    if nudge is None or facts is None:
        log.info("touchpoint nudge %s is gone or has no cadence now; its message stays", nudge_id)
        return
    tz = services.directory.timezone(job.team_id, nudge.owner_id, services.client)
    text, blocks = render_touchpoint(facts, tz=tz, now=now)
    try:
        job.post_once(
            lambda: services.client.chat_update(
                channel=nudge.channel_id, ts=nudge.message_ts, text=text, blocks=blocks
            )
        )
    except SLACK_FAILURES as problem:
        # The touchpoint is logged and the person was told; only the old message still shows buttons.
        log.warning("could not update touchpoint nudge %s: %s", nudge_id, failure_code(problem))
