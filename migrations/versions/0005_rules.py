"""rules with one source: the regimes' tranche split and report dates become typed JSON lists, the legal figures lose
the server defaults that repeated policies/data/regimes.yaml, and public holidays get their table

Revision ID: 0005_rules
Revises: 0004_projects
Create Date: 2026-12-01 20:51:12.461189

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_rules'
down_revision = '0004_projects'
branch_labels = None
depends_on = None

# The figures whose server defaults (added with their columns in 0002 and 0004, to fill the rows then present) repeated
# the yaml: a regime now gets them from policies/data/regimes.yaml only. Downgrading puts them back.
FIGURE_DEFAULTS = {
    'supplement_working_days': (sa.Integer(), '10'),
    'final_dossier_days': (sa.Integer(), "'30'"),
    'reminder_days_before': (sa.Integer(), "'7'"),
    'inspection_month': (sa.Integer(), "'10'"),
    'acceptance_rule': (sa.String(length=16), "'tt11_2014'"),
    'acceptance_share': (sa.String(length=8), "'3/4'"),
    'points_excellent': (sa.Integer(), "'85'"),
    'points_pass': (sa.Integer(), "'50'"),
    'acceptance_council_min': (sa.Integer(), "'5'"),
    'acceptance_council_max': (sa.Integer(), "'9'"),
    'acceptance_quorum': (sa.String(length=8), "'2/3'"),
    'spending_lag_percent': (sa.Integer(), "'40'"),
}

# The rows as this migration reads and writes them (the models may change later; this must not).
regimes = sa.table(
    'regimes',
    sa.column('id', sa.Integer()),
    sa.column('tranche_percents', sa.String()),
    sa.column('report_due_dates', sa.String()),
    sa.column('tranche_split', sa.JSON()),
    sa.column('report_dates', sa.JSON()),
)


def _percents(text):
    """"50, 30, 20" (or with semicolons) → [50, 30, 20], as the admin form used to read it."""
    return [int(part) for part in text.replace(';', ',').split(',') if part.strip()]


def _day_months(text):
    """"15/3, 15/9" → [[15, 3], [15, 9]] in the order they fall in a year, as the model used to read it."""
    pairs = [[int(number) for number in part.strip().split('/')] for part in text.replace(';', ',').split(',')]
    return sorted(pairs, key=lambda pair: (pair[1], pair[0]))


def upgrade():
    op.create_table('public_holidays',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('name_en', sa.String(length=255), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_holidays')),
    sa.UniqueConstraint('day', name=op.f('uq_public_holidays_day'))
    )
    with op.batch_alter_table('regimes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tranche_split', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('report_dates', sa.JSON(), nullable=True))

    connection = op.get_bind()
    for row in connection.execute(sa.select(regimes.c.id, regimes.c.tranche_percents, regimes.c.report_due_dates)):
        connection.execute(
            regimes.update()
            .where(regimes.c.id == row.id)
            .values(tranche_split=_percents(row.tranche_percents), report_dates=_day_months(row.report_due_dates))
        )

    with op.batch_alter_table('regimes', schema=None) as batch_op:
        batch_op.alter_column('tranche_split', existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column('report_dates', existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column('report_due_dates')
        batch_op.drop_column('tranche_percents')
        for name, (kind, _default) in FIGURE_DEFAULTS.items():
            batch_op.alter_column(name, existing_type=kind, existing_nullable=False, server_default=None)


def downgrade():
    with op.batch_alter_table('regimes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tranche_percents', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('report_due_dates', sa.String(length=64), nullable=True))

    connection = op.get_bind()
    for row in connection.execute(sa.select(regimes.c.id, regimes.c.tranche_split, regimes.c.report_dates)):
        connection.execute(
            regimes.update()
            .where(regimes.c.id == row.id)
            .values(
                tranche_percents=', '.join(str(percent) for percent in row.tranche_split),
                report_due_dates=', '.join(f'{day}/{month}' for day, month in row.report_dates),
            )
        )

    with op.batch_alter_table('regimes', schema=None) as batch_op:
        batch_op.alter_column(
            'tranche_percents', existing_type=sa.String(length=64), nullable=False, server_default=sa.text("'50, 30, 20'")
        )
        batch_op.alter_column(
            'report_due_dates', existing_type=sa.String(length=64), nullable=False, server_default=sa.text("'15/3, 15/9'")
        )
        batch_op.drop_column('report_dates')
        batch_op.drop_column('tranche_split')
        for name, (kind, default) in FIGURE_DEFAULTS.items():
            batch_op.alter_column(name, existing_type=kind, existing_nullable=False, server_default=sa.text(default))

    op.drop_table('public_holidays')
