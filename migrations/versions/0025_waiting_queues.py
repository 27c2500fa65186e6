"""The work queues (notifications.waiting) read through indexes: each application counts its submissions and keeps
when it was last submitted (filled from its versions), with ix_proposals_waiting (status, submissions,
last_submitted_at) and ix_proposals_waiting_since (status, last_submitted_at); draft decisions and acceptance
councils being formed are found by their state. Plain ADD COLUMN and CREATE INDEX: the proposals table is not rebuilt
(its search triggers stay).

Revision ID: 0025_waiting_queues
Revises: 0024_dashboard_indexes
Create Date: 2026-12-07 06:10:00

"""
import sqlalchemy as sa
from alembic import op

from core.search import create_statements


# revision identifiers, used by Alembic.
revision = '0025_waiting_queues'
down_revision = '0024_dashboard_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('proposals', sa.Column('submissions', sa.Integer(), server_default='0', nullable=False))
    op.add_column('proposals', sa.Column('last_submitted_at', sa.DateTime(), nullable=True))
    op.execute(
        "UPDATE proposals SET "
        "submissions = (SELECT count(*) FROM proposal_versions v WHERE v.proposal_id = proposals.id), "
        "last_submitted_at = (SELECT max(v.submitted_at) FROM proposal_versions v WHERE v.proposal_id = proposals.id)"
    )
    op.create_index('ix_proposals_waiting', 'proposals', ['status', 'submissions', 'last_submitted_at'], unique=False)
    op.create_index('ix_proposals_waiting_since', 'proposals', ['status', 'last_submitted_at'], unique=False)
    op.create_index('ix_decisions_status', 'decisions', ['status', 'created_at'], unique=False)
    op.create_index('ix_acceptance_councils_status', 'acceptance_councils', ['status', 'created_at'], unique=False)


def downgrade():
    op.drop_index('ix_acceptance_councils_status', table_name='acceptance_councils')
    op.drop_index('ix_decisions_status', table_name='decisions')
    op.drop_index('ix_proposals_waiting_since', table_name='proposals')
    op.drop_index('ix_proposals_waiting', table_name='proposals')
    with op.batch_alter_table('proposals') as batch:
        batch.drop_column('last_submitted_at')
        batch.drop_column('submissions')
    # SQLite rebuilt the proposals table, and the triggers keeping its two search indexes went with it.
    for column in ("search_text", "match_text"):
        for statement in create_statements(op.get_bind().dialect.name, "proposals", column):
            op.execute(statement)
