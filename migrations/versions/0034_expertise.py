"""expertise: what council members are expert in (expert_profiles with their sectors, priority items and keywords,
the most applications each reviews per council) and the organizations they worked for (expert_affiliations), from
which reviewers are proposed and conflicts detected; regimes.conflict_years, how recent a past job must be to make
a conflict (existing regimes get the default of policies/data/regimes.yaml, 3 years).

Revision ID: 0034_expertise
Revises: 0033_flags
Create Date: 2026-12-07 23:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0034_expertise'
down_revision = '0033_flags'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('expert_profiles',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('keywords', sa.Text(), nullable=False),
    sa.Column('max_reviews', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('max_reviews IS NULL OR max_reviews BETWEEN 0 AND 1000', name=op.f('ck_expert_profiles_max_reviews')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_expert_profiles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_expert_profiles'))
    )
    op.create_table('expert_affiliations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('organization_name', sa.String(length=255), nullable=False),
    sa.Column('tax_code', sa.String(length=16), nullable=False),
    sa.Column('from_year', sa.Integer(), nullable=True),
    sa.Column('to_year', sa.Integer(), nullable=True),
    sa.CheckConstraint('from_year IS NULL OR to_year IS NULL OR from_year <= to_year', name=op.f('ck_expert_affiliations_years')),
    sa.ForeignKeyConstraint(['user_id'], ['expert_profiles.user_id'], name=op.f('fk_expert_affiliations_user_id_expert_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_affiliations'))
    )
    with op.batch_alter_table('expert_affiliations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_affiliations_user_id'), ['user_id'], unique=False)

    op.create_table('expert_sectors',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sector_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['sector_id'], ['sectors.id'], name=op.f('fk_expert_sectors_sector_id_sectors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['expert_profiles.user_id'], name=op.f('fk_expert_sectors_user_id_expert_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'sector_id', name=op.f('pk_expert_sectors'))
    )
    op.create_table('expert_priority_items',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('priority_item_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['priority_item_id'], ['priority_items.id'], name=op.f('fk_expert_priority_items_priority_item_id_priority_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['expert_profiles.user_id'], name=op.f('fk_expert_priority_items_user_id_expert_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'priority_item_id', name=op.f('pk_expert_priority_items'))
    )
    with op.batch_alter_table('regimes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('conflict_years', sa.Integer(), nullable=False, server_default=sa.text("'3'")))
    with op.batch_alter_table('regimes', schema=None) as batch_op:
        batch_op.alter_column('conflict_years', existing_type=sa.Integer(), existing_nullable=False, server_default=None)
        batch_op.create_check_constraint('conflict_years', 'conflict_years BETWEEN 0 AND 20')


def downgrade():
    with op.batch_alter_table('regimes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_regimes_conflict_years'), type_='check')
        batch_op.drop_column('conflict_years')
    op.drop_table('expert_priority_items')
    op.drop_table('expert_sectors')
    with op.batch_alter_table('expert_affiliations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_affiliations_user_id'))
    op.drop_table('expert_affiliations')
    op.drop_table('expert_profiles')
