"""council_assignments.sheet_submitted: whether the member's sheet for the application is submitted, kept by the
flush that moves the sheet, and ix_council_assignments_member_conflict gains it (member_id, conflict,
sheet_submitted): what a member has still to score (their home page's queue) is read from the index, where it looked
for the sheet of each of their assignments (11,000 for a member of a large council: 14 ms on PostgreSQL to find
none, and 40 ms to count them). Filled from the submitted sheets. Plain ADD COLUMN, CREATE and DROP INDEX.

Revision ID: 0029_assignment_sheet_submitted
Revises: 0028_projects_to_recover
Create Date: 2026-12-07 12:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0029_assignment_sheet_submitted'
down_revision = '0028_projects_to_recover'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        'council_assignments', sa.Column('sheet_submitted', sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.execute(
        "UPDATE council_assignments SET sheet_submitted = EXISTS (SELECT 1 FROM score_sheets s "
        "WHERE s.assignment_id = council_assignments.id AND s.status = 'submitted')"
    )
    op.drop_index('ix_council_assignments_member_conflict', table_name='council_assignments')
    op.create_index(
        'ix_council_assignments_member_conflict',
        'council_assignments',
        ['member_id', 'conflict', 'sheet_submitted'],
        unique=False,
    )


def downgrade():
    op.drop_index('ix_council_assignments_member_conflict', table_name='council_assignments')
    op.create_index(
        'ix_council_assignments_member_conflict', 'council_assignments', ['member_id', 'conflict'], unique=False
    )
    with op.batch_alter_table('council_assignments') as batch:
        batch.drop_column('sheet_submitted')
