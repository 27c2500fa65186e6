"""ix_ledger_entries_occurred (occurred_on, id): the department's ledger page (reports.ledger) reads every
project's entries newest first, by year. A plain CREATE INDEX: the append-only table is not rebuilt (its triggers
stay).

Revision ID: 0022_ledger_dates
Revises: 0021_counting_head
Create Date: 2026-12-04 19:10:24.932557

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0022_ledger_dates'
down_revision = '0021_counting_head'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_ledger_entries_occurred', 'ledger_entries', ['occurred_on', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_ledger_entries_occurred', table_name='ledger_entries')
