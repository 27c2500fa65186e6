"""sheet_versions: each score sheet records the submitted version of the application it was written against
(score_sheets.proposal_version), so that a sheet written before a new version says so and links to the difference.
Existing sheets get the last version submitted before the sheet was last saved (the version the member had before
them), or the application's last version when none is older than the sheet.

Revision ID: 0032_sheet_versions
Revises: 0031_acceptance_declarations
Create Date: 2026-12-07 19:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0032_sheet_versions'
down_revision = '0031_acceptance_declarations'
branch_labels = None
depends_on = None

VERSIONS_OF_THE_SHEET = (
    "SELECT MAX(v.number) FROM proposal_versions v JOIN council_assignments a ON a.proposal_id = v.proposal_id "
    "WHERE a.id = score_sheets.assignment_id"
)


def upgrade():
    with op.batch_alter_table('score_sheets') as batch:
        batch.add_column(sa.Column('proposal_version', sa.Integer(), nullable=True))
    op.execute(
        f"UPDATE score_sheets SET proposal_version = COALESCE(({VERSIONS_OF_THE_SHEET} "
        f"AND v.submitted_at <= score_sheets.updated_at), ({VERSIONS_OF_THE_SHEET}))"
    )


def downgrade():
    with op.batch_alter_table('score_sheets') as batch:
        batch.drop_column('proposal_version')
