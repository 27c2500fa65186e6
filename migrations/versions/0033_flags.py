"""flags: the review flags judged on figures that mean something. An application's disagreement is its standard
deviation against the rule's points and the council's usual spread (councils.usual_stdev_cents), no longer its range
stored per row (council_results.disagreement goes); an outlier member is judged on the median of their signed offsets
from the others and its median absolute deviation (council_members.offset_cents, offset_spread_cents, offset_count),
no longer on the sum of their distances (deviation_units, deviation_count go). The rules' two figures are renamed for
what they now measure (disagreement_stdev_points, outlier_offset_points) and set to the new defaults, since the old
ones measured something else (a range of 20 points is a standard deviation of about 7 among seven members: the flag
fired on every application); disagreement_council_percent and outlier_min_sheets join them.

Every council's stored results are computed again by the application's own refresh
(review.results.store.refresh_all_results), through the scoring functions, on the migration's connection: the
offsets kept per row become signed. This fill runs the models of the head: a later migration adding a column that
they read must either defer it or move this fill after itself (as 0032_sheet_versions, whose column the entries
read, comes before it).

Revision ID: 0033_flags
Revises: 0032_sheet_versions
Create Date: 2026-12-07 18:20:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.orm import Session


# revision identifiers, used by Alembic.
revision = '0033_flags'
down_revision = '0032_sheet_versions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('evaluation_rules') as batch:
        batch.alter_column('disagreement_points', new_column_name='disagreement_stdev_points')
        batch.alter_column('outlier_points', new_column_name='outlier_offset_points')
        batch.add_column(sa.Column('disagreement_council_percent', sa.Integer(), server_default='150', nullable=False))
        batch.add_column(sa.Column('outlier_min_sheets', sa.Integer(), server_default='5', nullable=False))
    op.execute("UPDATE evaluation_rules SET disagreement_stdev_points = 12, outlier_offset_points = 10")
    with op.batch_alter_table('council_results') as batch:
        batch.drop_column('disagreement')
    with op.batch_alter_table('council_members') as batch:
        batch.drop_column('deviation_units')
        batch.drop_column('deviation_count')
        batch.add_column(sa.Column('offset_cents', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('offset_spread_cents', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('offset_count', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('councils') as batch:
        batch.add_column(sa.Column('usual_stdev_cents', sa.Integer(), nullable=True))
    _fill_results(op.get_bind())


def _fill_results(connection):
    """Every council past forming gets its rows and flags, computed as the services compute them, in this
    transaction."""
    from core.extensions import db
    from review.results.store import refresh_all_results

    session = Session(bind=connection)
    db.session.registry.set(session)  # the store works through db.session: here, the migration's connection
    try:
        refresh_all_results()
        session.flush()
    finally:
        db.session.registry.clear()
        session.close()


def downgrade():
    # The old flags come back at their old defaults; the sums of distances and the range flag are not recomputed
    # (the code that kept them is gone): they read 0 and false until 0033 runs again.
    with op.batch_alter_table('councils') as batch:
        batch.drop_column('usual_stdev_cents')
    with op.batch_alter_table('council_members') as batch:
        batch.drop_column('offset_count')
        batch.drop_column('offset_spread_cents')
        batch.drop_column('offset_cents')
        batch.add_column(sa.Column('deviation_units', sa.BigInteger(), server_default='0', nullable=False))
        batch.add_column(sa.Column('deviation_count', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('council_results') as batch:
        batch.add_column(sa.Column('disagreement', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('evaluation_rules') as batch:
        batch.drop_column('outlier_min_sheets')
        batch.drop_column('disagreement_council_percent')
        batch.alter_column('outlier_offset_points', new_column_name='outlier_points')
        batch.alter_column('disagreement_stdev_points', new_column_name='disagreement_points')
    op.execute("UPDATE evaluation_rules SET disagreement_points = 20, outlier_points = 15")
