"""read indexes: what every read a person can trigger needs to answer at the size of a large state

With 100,000 issues and 1,000,000 interactions, `/brm follow-ups` and the Home tab asked, for every
interaction with a follow-up, whether an issue was raised with it: without an index on
issue.interaction_id each of those questions read the whole issue table. Interactions with an open
follow-up get partial indexes (everyone's, one person's, one party's, soonest first), which hold only
those rows. `/brm list` gets indexes for one party's issues, one owner's open issues in list order
and closed issues most recently closed first, so a page is read from an index instead of sorting
every issue. Health and the digest count each party's interactions by sentiment from an index of
their own instead of sorting the last 120 days' interactions to group them.

Revision ID: 0005_read_indexes
Revises: 0004_digest_mentions
Create Date: 2026-12-01 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_read_indexes"
down_revision = "0004_digest_mentions"
branch_labels = None
depends_on = None


ISSUE_INDEXES = {
    "ix_issue_interaction": ["team_id", "interaction_id"],
    "ix_issue_party": ["team_id", "party_id", "status", "closed_at", "created_at", "number"],
    "ix_issue_owner_work": [
        "team_id",
        "owner_id",
        "status",
        "severity",
        "created_at",
        "follow_up_at",
        "number",
    ],
    "ix_issue_closed_list": ["team_id", "status", "closed_at", "created_at", "number"],
}
OPEN_FOLLOW_UP = "follow_up_at IS NOT NULL AND follow_up_done_at IS NULL"
OPEN_FOLLOW_UP_INDEXES = {
    "ix_interaction_open_follow_up": ["team_id", "follow_up_at"],
    "ix_interaction_open_follow_up_by": ["team_id", "logged_by", "follow_up_at"],
    "ix_interaction_open_follow_up_party": ["team_id", "party_id", "follow_up_at"],
}


SENTIMENT_INDEX = ["team_id", "party_id", "sentiment", "occurred_at"]


def upgrade() -> None:
    for name, columns in ISSUE_INDEXES.items():
        op.create_index(name, "issue", columns)
    op.create_index("ix_interaction_party_sentiment", "interaction", SENTIMENT_INDEX)
    where = sa.text(OPEN_FOLLOW_UP)
    for name, columns in OPEN_FOLLOW_UP_INDEXES.items():
        op.create_index(name, "interaction", columns, sqlite_where=where, postgresql_where=where)


def downgrade() -> None:
    for name in OPEN_FOLLOW_UP_INDEXES:
        op.drop_index(name, table_name="interaction")
    op.drop_index("ix_interaction_party_sentiment", table_name="interaction")
    for name in ISSUE_INDEXES:
        op.drop_index(name, table_name="issue")
