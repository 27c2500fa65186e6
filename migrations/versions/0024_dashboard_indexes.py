"""The dashboard's counts of applications (reports/dashboard.py) read from indexes alone: ix_proposals_sector becomes
ix_proposals_sector_status (sector_id, status, year), ix_proposals_org_year gains the status (the count by former
province goes through the organizations), and ix_proposals_dashboard (year, status, sector_id, submitted_at, call_id)
is new. Plain CREATE and DROP INDEX: the table is not rebuilt (its search triggers stay).

Revision ID: 0024_dashboard_indexes
Revises: 0023_project_modified
Create Date: 2026-12-04 22:24:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0024_dashboard_indexes'
down_revision = '0023_project_modified'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_proposals_sector_status', 'proposals', ['sector_id', 'status', 'year'], unique=False)
    op.create_index('ix_proposals_dashboard', 'proposals', ['year', 'status', 'sector_id', 'submitted_at', 'call_id'], unique=False)
    op.drop_index('ix_proposals_sector', table_name='proposals')
    op.drop_index('ix_proposals_org_year', table_name='proposals')
    op.create_index('ix_proposals_org_year', 'proposals', ['organization_id', 'year', 'status'], unique=False)


def downgrade():
    op.drop_index('ix_proposals_org_year', table_name='proposals')
    op.create_index('ix_proposals_org_year', 'proposals', ['organization_id', 'year'], unique=False)
    op.create_index('ix_proposals_sector', 'proposals', ['sector_id'], unique=False)
    op.drop_index('ix_proposals_dashboard', table_name='proposals')
    op.drop_index('ix_proposals_sector_status', table_name='proposals')
