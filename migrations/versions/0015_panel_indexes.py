"""panel_indexes: the monitoring page's panels read by index. The money totals per call and per sector scan an index
holding the sums' columns instead of visiting every project row in the order of its call or sector (43 ms at 20,000
projects); final dossiers due and recoveries overdue are found and ordered by date through (dossier_submitted_at,
dossier_due_on) and (recovery_due_on) instead of a scan of every project. The covering indexes replace the plain ones on call_id and sector_id, whose lookups they
serve as well.

Revision ID: 0015_panel_indexes
Revises: 0014_title_words
Create Date: 2026-12-03 06:20:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015_panel_indexes'
down_revision = '0014_title_words'
branch_labels = None
depends_on = None

MONEY = ["approved_vnd", "paid_vnd", "settled_vnd"]


def upgrade():
    op.create_index("ix_projects_call_money", "projects", ["call_id", *MONEY])
    op.create_index("ix_projects_sector_money", "projects", ["sector_id", *MONEY])
    op.create_index("ix_projects_dossier_due", "projects", ["dossier_submitted_at", "dossier_due_on"])
    op.create_index("ix_projects_recovery_due", "projects", ["recovery_due_on"])
    op.drop_index("ix_projects_call_id", table_name="projects")
    op.drop_index("ix_projects_sector_id", table_name="projects")


def downgrade():
    op.create_index("ix_projects_call_id", "projects", ["call_id"])
    op.create_index("ix_projects_sector_id", "projects", ["sector_id"])
    op.drop_index("ix_projects_recovery_due", table_name="projects")
    op.drop_index("ix_projects_dossier_due", table_name="projects")
    op.drop_index("ix_projects_sector_money", table_name="projects")
    op.drop_index("ix_projects_call_money", table_name="projects")
