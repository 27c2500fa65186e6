"""Acceptance council members declare their interests in the project before its dossier opens to them, as review
council members do per application: acceptance_members.conflict ('pending', 'none' or 'declared', checked),
conflict_reason and declared_at. A member who already submitted a rating, or sat on a concluded council, took part:
their seat reads 'none', declared when they submitted (else when the council was formed); every other seat waits for
its member's declaration.

Revision ID: 0031_acceptance_declarations
Revises: 0030_title_pairs
Create Date: 2026-12-07 15:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0031_acceptance_declarations'
down_revision = '0030_title_pairs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('acceptance_members') as batch:
        batch.add_column(sa.Column('conflict', sa.String(length=16), server_default='pending', nullable=False))
        batch.add_column(sa.Column('conflict_reason', sa.Text(), server_default='', nullable=False))
        batch.add_column(sa.Column('declared_at', sa.DateTime(), nullable=True))
        batch.create_check_constraint('conflict', "conflict IN ('pending', 'none', 'declared')")
    op.execute(
        "UPDATE acceptance_members SET conflict = 'none', declared_at = COALESCE(submitted_at, "
        "(SELECT c.created_at FROM acceptance_councils c WHERE c.id = acceptance_members.council_id)) "
        "WHERE submitted_at IS NOT NULL OR council_id IN "
        "(SELECT c.id FROM acceptance_councils c WHERE c.status = 'concluded')"
    )


def downgrade():
    with op.batch_alter_table('acceptance_members') as batch:
        batch.drop_constraint(op.f('ck_acceptance_members_conflict'), type_='check')
        batch.drop_column('declared_at')
        batch.drop_column('conflict_reason')
        batch.drop_column('conflict')
