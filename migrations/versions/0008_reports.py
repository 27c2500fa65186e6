"""reports: the contract's scope as rows (work packages, budget lines with the support as approved) and the
periodic reports' rows (progress per work package and product, spending per budget line), the report's overall
progress (its state "cancelled" came with 0007_ledger). Existing reports keep their texts (now the general remarks) and their total
spent; projects of an application get its work packages and budget lines, the support scaled to the approved one.

Revision ID: 0008_reports
Revises: 0007_ledger
Create Date: 2026-12-02 04:09:05.839771

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_reports'
down_revision = '0007_ledger'
branch_labels = None
depends_on = None


# The rows as this migration reads and writes them (the models may change later; this must not).
projects = sa.table(
    'projects',
    sa.column('id', sa.Integer()),
    sa.column('proposal_id', sa.Integer()),
    sa.column('approved_vnd', sa.BigInteger()),
)
work_packages = sa.table(
    'work_packages',
    sa.column('proposal_id', sa.Integer()),
    sa.column('position', sa.Integer()),
    sa.column('name', sa.Text()),
    sa.column('month_from', sa.Integer()),
    sa.column('month_to', sa.Integer()),
    sa.column('products', sa.Text()),
)
budget_lines = sa.table(
    'budget_lines',
    sa.column('proposal_id', sa.Integer()),
    sa.column('position', sa.Integer()),
    sa.column('kind', sa.String()),
    sa.column('description', sa.Text()),
    sa.column('support_vnd', sa.BigInteger()),
    sa.column('counterpart_vnd', sa.BigInteger()),
)
project_work_packages = sa.table(
    'project_work_packages',
    sa.column('project_id', sa.Integer()),
    sa.column('position', sa.Integer()),
    sa.column('name', sa.Text()),
    sa.column('month_from', sa.Integer()),
    sa.column('month_to', sa.Integer()),
    sa.column('products', sa.Text()),
)
project_budget_lines = sa.table(
    'project_budget_lines',
    sa.column('project_id', sa.Integer()),
    sa.column('position', sa.Integer()),
    sa.column('kind', sa.String()),
    sa.column('description', sa.Text()),
    sa.column('support_vnd', sa.BigInteger()),
    sa.column('requested_vnd', sa.BigInteger()),
    sa.column('counterpart_vnd', sa.BigInteger()),
)


def _scaled(amounts, total):
    """The amounts scaled to add up to total exactly: floors, then the đồng left one each to the largest remainders
    (the earlier line first); amounts adding up to nothing share it equally (as projects.contracts.scope does)."""
    if not amounts:
        return []
    weights = amounts if sum(amounts) > 0 else [1] * len(amounts)
    whole = sum(weights)
    scaled = [weight * total // whole for weight in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(weights[i] * total % whole), i))
    for index in order[: total - sum(scaled)]:
        scaled[index] += 1
    return scaled


def _freeze_scopes(connection):
    """Each project of an application gets the application's work packages and budget lines."""
    rows = connection.execute(
        sa.select(projects.c.id, projects.c.proposal_id, projects.c.approved_vnd).where(projects.c.proposal_id.isnot(None))
    ).all()
    for project_id, proposal_id, approved in rows:
        packages = connection.execute(
            sa.select(work_packages).where(work_packages.c.proposal_id == proposal_id).order_by(work_packages.c.position)
        ).all()
        if packages:
            connection.execute(
                project_work_packages.insert(),
                [
                    {
                        'project_id': project_id,
                        'position': number,
                        'name': package.name,
                        'month_from': package.month_from,
                        'month_to': package.month_to,
                        'products': package.products,
                    }
                    for number, package in enumerate(packages, 1)
                ],
            )
        lines = connection.execute(
            sa.select(budget_lines).where(budget_lines.c.proposal_id == proposal_id).order_by(budget_lines.c.position)
        ).all()
        if lines:
            support = _scaled([line.support_vnd for line in lines], approved)
            connection.execute(
                project_budget_lines.insert(),
                [
                    {
                        'project_id': project_id,
                        'position': number,
                        'kind': line.kind,
                        'description': line.description,
                        'support_vnd': approved_line,
                        'requested_vnd': line.support_vnd,
                        'counterpart_vnd': line.counterpart_vnd,
                    }
                    for number, (line, approved_line) in enumerate(zip(lines, support), 1)
                ],
            )


def upgrade():
    op.create_table('project_budget_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('support_vnd', sa.BigInteger(), nullable=False),
    sa.Column('requested_vnd', sa.BigInteger(), nullable=False),
    sa.Column('counterpart_vnd', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("kind IN ('labour', 'materials', 'equipment', 'services', 'training', 'other')", name=op.f('ck_project_budget_lines_kind')),
    sa.CheckConstraint('support_vnd >= 0 AND requested_vnd >= 0 AND counterpart_vnd >= 0', name=op.f('ck_project_budget_lines_amounts')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_budget_lines_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_budget_lines')),
    sa.UniqueConstraint('project_id', 'position', name=op.f('uq_project_budget_lines_project_id_position'))
    )
    op.create_table('project_work_packages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('month_from', sa.Integer(), nullable=True),
    sa.Column('month_to', sa.Integer(), nullable=True),
    sa.Column('products', sa.Text(), nullable=False),
    sa.CheckConstraint('month_to IS NULL OR month_from IS NULL OR month_to >= month_from', name=op.f('ck_project_work_packages_months')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_work_packages_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_work_packages')),
    sa.UniqueConstraint('project_id', 'position', name=op.f('uq_project_work_packages_project_id_position'))
    )
    op.create_table('report_packages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('work_package_id', sa.Integer(), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=True),
    sa.Column('done', sa.Text(), nullable=False),
    sa.CheckConstraint('percent IS NULL OR percent BETWEEN 0 AND 100', name=op.f('ck_report_packages_percent')),
    sa.ForeignKeyConstraint(['report_id'], ['periodic_reports.id'], name=op.f('fk_report_packages_report_id_periodic_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['work_package_id'], ['project_work_packages.id'], name=op.f('fk_report_packages_work_package_id_project_work_packages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_packages')),
    sa.UniqueConstraint('report_id', 'work_package_id', name=op.f('uq_report_packages_report_id_work_package_id'))
    )
    with op.batch_alter_table('report_packages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_packages_work_package_id'), ['work_package_id'], unique=False)

    op.create_table('report_products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=True),
    sa.Column('quality', sa.Text(), nullable=False),
    sa.CheckConstraint('quantity IS NULL OR quantity >= 0', name=op.f('ck_report_products_quantity')),
    sa.ForeignKeyConstraint(['product_id'], ['project_products.id'], name=op.f('fk_report_products_product_id_project_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['periodic_reports.id'], name=op.f('fk_report_products_report_id_periodic_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_products')),
    sa.UniqueConstraint('report_id', 'product_id', name=op.f('uq_report_products_report_id_product_id'))
    )
    with op.batch_alter_table('report_products', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_products_product_id'), ['product_id'], unique=False)

    op.create_table('report_spending',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('budget_line_id', sa.Integer(), nullable=False),
    sa.Column('spent_vnd', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('spent_vnd >= 0', name=op.f('ck_report_spending_spent')),
    sa.ForeignKeyConstraint(['budget_line_id'], ['project_budget_lines.id'], name=op.f('fk_report_spending_budget_line_id_project_budget_lines'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['periodic_reports.id'], name=op.f('fk_report_spending_report_id_periodic_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_spending')),
    sa.UniqueConstraint('report_id', 'budget_line_id', name=op.f('uq_report_spending_report_id_budget_line_id'))
    )
    with op.batch_alter_table('report_spending', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_spending_budget_line_id'), ['budget_line_id'], unique=False)

    with op.batch_alter_table('periodic_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('progress_percent', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_periodic_reports_progress_percent'), 'progress_percent IS NULL OR progress_percent BETWEEN 0 AND 100'
        )

    _freeze_scopes(op.get_bind())


def downgrade():
    with op.batch_alter_table('periodic_reports', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_periodic_reports_progress_percent'), type_='check')
        batch_op.drop_column('progress_percent')

    with op.batch_alter_table('report_spending', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_spending_budget_line_id'))

    op.drop_table('report_spending')
    with op.batch_alter_table('report_products', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_products_product_id'))

    op.drop_table('report_products')
    with op.batch_alter_table('report_packages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_packages_work_package_id'))

    op.drop_table('report_packages')
    op.drop_table('project_work_packages')
    op.drop_table('project_budget_lines')
