"""The money still to recover read through a partial index, ix_projects_to_recover (recovery_due_on, id) of the
projects where recovered_vnd < recovery_vnd, instead of ix_projects_recovery_due over every project: finance's queue
of recoveries to receive compares two columns, which no index of either serves, and scanned every project to find a
few (7 ms at 20,000 on SQLite); the overdue recoveries of the monitoring page read the same index in the same order.
Plain CREATE/DROP INDEX: the table is not rebuilt (its search triggers stay).

Revision ID: 0028_projects_to_recover
Revises: 0027_stored_title_words
Create Date: 2026-12-07 12:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0028_projects_to_recover'
down_revision = '0027_stored_title_words'
branch_labels = None
depends_on = None

TO_RECOVER = sa.text('recovered_vnd < recovery_vnd')


def upgrade():
    op.create_index(
        'ix_projects_to_recover',
        'projects',
        ['recovery_due_on', 'id'],
        unique=False,
        sqlite_where=TO_RECOVER,
        postgresql_where=TO_RECOVER,
    )
    op.drop_index('ix_projects_recovery_due', table_name='projects')


def downgrade():
    op.create_index('ix_projects_recovery_due', 'projects', ['recovery_due_on'], unique=False)
    op.drop_index('ix_projects_to_recover', table_name='projects')
