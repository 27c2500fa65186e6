"""signer_title: the title above the signature of the agency's decisions and contracts (GIÁM ĐỐC by default, or
"KT. GIÁM ĐỐC" over "PHÓ GIÁM ĐỐC" when a deputy signs), a setting the official documents read, with the name
printed under it when a document names no signer of its own.

Revision ID: 0019_signer_title
Revises: 0018_assignment_sequence
Create Date: 2026-12-03 16:53:54.686627

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_signer_title'
down_revision = '0018_assignment_sequence'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agency_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signer_title', sa.String(length=128), server_default='GIÁM ĐỐC', nullable=False))
        batch_op.add_column(sa.Column('signer_name', sa.String(length=255), server_default='', nullable=False))



def downgrade():
    with op.batch_alter_table('agency_settings', schema=None) as batch_op:
        batch_op.drop_column('signer_name')
        batch_op.drop_column('signer_title')

