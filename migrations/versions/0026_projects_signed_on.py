"""Projects read in the order their contracts were signed (the public list, newest first) and the first and last
signing date (the year filters' choices) through ix_projects_signed_on (signed_on, id), instead of a scan and a sort
of every project. Plain CREATE INDEX: the table is not rebuilt (its search triggers stay).

Revision ID: 0026_projects_signed_on
Revises: 0025_waiting_queues
Create Date: 2026-12-07 08:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0026_projects_signed_on'
down_revision = '0025_waiting_queues'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_projects_signed_on', 'projects', ['signed_on', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_projects_signed_on', table_name='projects')
