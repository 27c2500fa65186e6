"""ledger: every movement of a project's money becomes an append-only entry; the project keeps the ledger's totals
(paid, settled, to recover, recovered, paid after liquidation) and its final account (the final settlement's amount,
what the liquidation record leaves to pay); a recovery has its decision date and due date; the project's final
state after a recovery, a cancelled tranche and a cancelled periodic report. Existing projects get the entries that reproduce their figures exactly:
the commitment, each tranche paid and settled, the recovery decided.

Revision ID: 0007_ledger
Revises: 0006_notifications
Create Date: 2026-12-02 05:00:00

"""

from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = "0007_ledger"
down_revision = "0006_notifications"
branch_labels = None
depends_on = None

PROJECT_STATES = (
    "contracted", "in_progress", "suspended", "acceptance_due", "acceptance_submitted", "in_acceptance", "accepted",
    "not_accepted", "failed", "terminated", "recovery", "result_registered", "liquidated",
)
TRANCHE_STATES = ("planned", "eligible", "requested", "approved", "paid", "settled")
REPORT_STATES = ("due", "submitted", "returned", "accepted")
KINDS = ("commitment", "payment", "settlement", "final_settlement", "recovery_decided", "recovery_received", "final_payment")
APPEND_ONLY = {
    "sqlite": (
        "CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries "
        "BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END",
        "CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries "
        "BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END",
    ),
    "postgresql": (
        "CREATE OR REPLACE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'ledger entries are append-only'; END $$",
        "CREATE TRIGGER ledger_entries_no_change BEFORE UPDATE OR DELETE ON ledger_entries "
        "FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()",
    ),
}


def _in(states):
    return "status IN (" + ", ".join(f"'{s}'" for s in states) + ")"


projects = sa.table(
    "projects",
    sa.column("id", sa.Integer),
    sa.column("proposal_id", sa.Integer),
    sa.column("approved_vnd", sa.BigInteger),
    sa.column("recovery_vnd", sa.BigInteger),
    sa.column("recovery_decision", sa.String),
    sa.column("recovery_decided_on", sa.Date),
    sa.column("signed_on", sa.Date),
    sa.column("contract_number", sa.String),
    sa.column("status", sa.String),
)
tranches = sa.table(
    "tranches",
    sa.column("id", sa.Integer),
    sa.column("project_id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("paid_vnd", sa.BigInteger),
    sa.column("paid_on", sa.Date),
    sa.column("payment_reference", sa.String),
    sa.column("settled_on", sa.Date),
    sa.column("invoices_note", sa.Text),
)
decisions = sa.table(
    "decisions",
    sa.column("proposal_id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("number", sa.String),
    sa.column("signed_on", sa.Date),
)
audit = sa.table(
    "audit_events",
    sa.column("object_type", sa.String),
    sa.column("object_id", sa.Integer),
    sa.column("to_state", sa.String),
    sa.column("created_at", sa.DateTime),
)


def upgrade():
    ledger = op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("amount_vnd", sa.BigInteger(), nullable=False),
        sa.Column("tranche_id", sa.Integer(), nullable=True),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("document", sa.String(length=255), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(tranche_id IS NOT NULL) = (kind IN ('payment', 'settlement', 'final_payment'))",
            name=op.f("ck_ledger_entries_tranche"),
        ),
        sa.CheckConstraint(
            "amount_vnd > 0 OR (kind = 'final_settlement' AND amount_vnd = 0)", name=op.f("ck_ledger_entries_amount")
        ),
        sa.CheckConstraint(
            "kind IN (" + ", ".join(f"'{k}'" for k in KINDS) + ")", name=op.f("ck_ledger_entries_kind")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_ledger_entries_actor_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_ledger_entries_project_id_projects"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["tranche_id"], ["tranches.id"], name=op.f("fk_ledger_entries_tranche_id_tranches"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
    )
    op.create_index("ix_ledger_entries_project", "ledger_entries", ["project_id", "id"], unique=False)
    op.create_index("ix_ledger_entries_tranche", "ledger_entries", ["tranche_id"], unique=False)

    with op.batch_alter_table("projects", schema=None) as batch_op:
        for name in ("recovered_vnd", "final_paid_vnd"):
            batch_op.add_column(sa.Column(name, sa.BigInteger(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("final_settled_vnd", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("final_due_vnd", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("recovery_decided_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("recovery_due_on", sa.Date(), nullable=True))
    with op.batch_alter_table("projects", schema=None) as batch_op:
        for name in ("recovered_vnd", "final_paid_vnd"):
            batch_op.alter_column(name, existing_type=sa.BigInteger(), existing_nullable=False, server_default=None)
        batch_op.drop_constraint(op.f("ck_projects_status"), type_="check")
        batch_op.create_check_constraint("status", _in(PROJECT_STATES + ("recovered",)))
        batch_op.drop_constraint(op.f("ck_projects_recovery"), type_="check")
        batch_op.create_check_constraint("recovery", "recovery_vnd >= 0 AND recovery_vnd <= paid_vnd")
        batch_op.create_check_constraint("recovered", "recovered_vnd >= 0 AND recovered_vnd <= recovery_vnd")
        batch_op.create_check_constraint(
            "final_settled",
            "final_settled_vnd IS NULL OR (final_settled_vnd >= 0 AND final_settled_vnd <= approved_vnd)",
        )
        batch_op.create_check_constraint("final_due", "final_due_vnd IS NULL OR final_due_vnd >= 0")
        batch_op.create_check_constraint(
            "final_paid", "final_paid_vnd >= 0 AND final_paid_vnd <= COALESCE(final_due_vnd, 0)"
        )
    with op.batch_alter_table("tranches", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_tranches_status"), type_="check")
        batch_op.create_check_constraint("status", _in(TRANCHE_STATES + ("cancelled",)))
    with op.batch_alter_table("periodic_reports", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_periodic_reports_status"), type_="check")
        batch_op.create_check_constraint("status", _in(REPORT_STATES + ("cancelled",)))

    connection = op.get_bind()
    for statement in APPEND_ONLY.get(connection.dialect.name, ()):
        op.execute(statement)
    _carry_over(connection, ledger)


def _carry_over(connection, ledger):
    """The entries that reproduce each project's figures: the commitment (dated by the decision when there is one),
    each tranche's payment and settlement as recorded, the recovery decided (dated by the move into recovery)."""
    numbers = {
        row.proposal_id: (row.number, row.signed_on)
        for row in connection.execute(
            sa.select(decisions.c.proposal_id, decisions.c.number, decisions.c.signed_on).where(
                decisions.c.status == "approved"
            )
        )
    }
    moved = {
        row.object_id: row.created_at
        for row in connection.execute(
            sa.select(audit.c.object_id, sa.func.max(audit.c.created_at).label("created_at"))
            .where(audit.c.object_type == "project", audit.c.to_state == "recovery")
            .group_by(audit.c.object_id)
        )
    }
    rows = []
    for project in connection.execute(sa.select(projects).order_by(projects.c.id)):
        number, decided = numbers.get(project.proposal_id, (project.contract_number, project.signed_on))
        rows.append(dict(project_id=project.id, kind="commitment", amount_vnd=project.approved_vnd, tranche_id=None,
                         occurred_on=decided, document=number))
        if project.recovery_vnd:
            day = moved[project.id].date() if project.id in moved else project.signed_on
            rows.append(dict(project_id=project.id, kind="recovery_decided", amount_vnd=project.recovery_vnd,
                             tranche_id=None, occurred_on=day, document=project.recovery_decision))
            connection.execute(projects.update().where(projects.c.id == project.id).values(recovery_decided_on=day))
    for tranche in connection.execute(
        sa.select(tranches).where(tranches.c.paid_vnd.is_not(None)).order_by(tranches.c.project_id, tranches.c.id)
    ):
        rows.append(dict(project_id=tranche.project_id, kind="payment", amount_vnd=tranche.paid_vnd,
                         tranche_id=tranche.id, occurred_on=tranche.paid_on, document=tranche.payment_reference))
        if tranche.status == "settled":
            rows.append(dict(project_id=tranche.project_id, kind="settlement", amount_vnd=tranche.paid_vnd,
                             tranche_id=tranche.id, occurred_on=tranche.settled_on or tranche.paid_on,
                             document=tranche.invoices_note[:255]))
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    if rows:
        connection.execute(ledger.insert(), [{**row, "note": "", "actor_id": None, "created_at": now} for row in rows])


def downgrade():
    connection = op.get_bind()
    # The states the older schema does not know: a closed recovery stays "in recovery", a cancelled tranche planned.
    connection.execute(projects.update().where(projects.c.status == "recovered").values(status="recovery"))
    connection.execute(tranches.update().where(tranches.c.status == "cancelled").values(status="planned"))
    reports = sa.table("periodic_reports", sa.column("status", sa.String))
    connection.execute(reports.update().where(reports.c.status == "cancelled").values(status="due"))
    if connection.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ledger_entries_no_change ON ledger_entries")
        op.execute("DROP FUNCTION IF EXISTS ledger_entries_append_only()")
    with op.batch_alter_table("periodic_reports", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_periodic_reports_status"), type_="check")
        batch_op.create_check_constraint("status", _in(REPORT_STATES))
    with op.batch_alter_table("tranches", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_tranches_status"), type_="check")
        batch_op.create_check_constraint("status", _in(TRANCHE_STATES))
    with op.batch_alter_table("projects", schema=None) as batch_op:
        for name in ("final_paid", "final_due", "final_settled", "recovered", "recovery", "status"):
            batch_op.drop_constraint(op.f(f"ck_projects_{name}"), type_="check")
        batch_op.create_check_constraint("recovery", "recovery_vnd >= 0")
        batch_op.create_check_constraint("status", _in(PROJECT_STATES))
        for name in ("recovery_due_on", "recovery_decided_on", "final_due_vnd", "final_settled_vnd", "final_paid_vnd",
                     "recovered_vnd"):
            batch_op.drop_column(name)
    op.drop_index("ix_ledger_entries_tranche", table_name="ledger_entries")
    op.drop_index("ix_ledger_entries_project", table_name="ledger_entries")
    op.drop_table("ledger_entries")
