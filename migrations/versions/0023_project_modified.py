"""projects.modified_at: when anything of the project last changed, the open data's dateModified (reports/open_data.py).
Existing projects take the time of their last recorded event, else their creation. Added in place (a constant
server default, so SQLite does not rebuild the table and its search triggers stay).

Revision ID: 0023_project_modified
Revises: 0022_ledger_dates
Create Date: 2026-12-04 21:47:13.678791

"""
from alembic import op
import sqlalchemy as sa

from core.search import create_statements


# revision identifiers, used by Alembic.
revision = '0023_project_modified'
down_revision = '0022_ledger_dates'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        'projects',
        sa.Column('modified_at', sa.DateTime(), nullable=False, server_default=sa.text("'2000-01-01 00:00:00'")),
    )
    op.execute(
        "UPDATE projects SET modified_at = COALESCE((SELECT MAX(e.created_at) FROM audit_events e "
        "WHERE e.object_type = 'project' AND e.object_id = projects.id), created_at)"
    )


def downgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_column('modified_at')
    # SQLite rebuilt the projects table, and the triggers keeping its search index (0011_search) went with it.
    for statement in create_statements(op.get_bind().dialect.name, "projects", "search_text"):
        op.execute(statement)
