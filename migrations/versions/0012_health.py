"""health: the health of each project stored (projects.health, projects.health_reasons) and indexed with the
monitoring page's order (health, end_on, id), so that the page filters and pages it in SQL; and periodic reports
indexed by (project_id, status), so that a page of projects reads only its own projects' reports. Existing projects get
the health they showed before, computed on the day of the upgrade with the same rules
(projects.portfolio.health) from the same facts; the downgrade drops the columns (health is computed again).

Revision ID: 0012_health
Revises: 0011_search
Create Date: 2026-12-02 18:10:00

"""

from alembic import op
import sqlalchemy as sa

from core.search import create_statements


# revision identifiers, used by Alembic.
revision = "0012_health"
down_revision = "0011_search"
branch_labels = None
depends_on = None

LEVELS = "('on_track', 'at_risk', 'overdue', 'closed')"


def upgrade():
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("health", sa.String(length=16), server_default="on_track", nullable=False))
        batch_op.add_column(sa.Column("health_reasons", sa.String(length=120), server_default="", nullable=False))
        batch_op.create_check_constraint(op.f("ck_projects_health"), f"health IN {LEVELS}")
        batch_op.create_index("ix_projects_health", ["health", "end_on", "id"], unique=False)
    _keep_search()
    with op.batch_alter_table("periodic_reports", schema=None) as batch_op:
        batch_op.create_index("ix_periodic_reports_project_status", ["project_id", "status"], unique=False)
    _carry_health_over()


def _carry_health_over():
    """Store each project's health as the pages computed it until now."""
    from core.formatting import local_today
    from projects.portfolio.health import ProjectFacts, project_health

    connection = op.get_bind()
    today = local_today()

    def grouped(sql, **params):
        return {row[0]: row[1:] for row in connection.execute(sa.text(sql), params)}

    late = grouped(
        "SELECT project_id, COUNT(*) FROM periodic_reports WHERE status IN ('due', 'returned') AND due_on < :today "
        "GROUP BY project_id",
        today=today,
    )
    overdue = grouped(
        "SELECT i.project_id, COUNT(*) FROM follow_up_actions a JOIN inspections i ON i.id = a.inspection_id "
        "WHERE a.done_on IS NULL AND a.due_on < :today GROUP BY i.project_id",
        today=today,
    )
    latest = grouped(
        "SELECT r.project_id, r.progress_percent, r.spent_vnd FROM periodic_reports r JOIN ("
        "SELECT project_id, MAX(sequence) AS sequence FROM periodic_reports WHERE status IN ('submitted', 'accepted') "
        "GROUP BY project_id) last ON last.project_id = r.project_id AND last.sequence = r.sequence"
    )
    projects = connection.execute(
        sa.text(
            "SELECT p.id, p.status, p.start_on, p.end_on, p.dossier_submitted_at, p.approved_vnd, p.paid_vnd, "
            "g.spending_lag_percent FROM projects p JOIN regimes g ON g.id = p.regime_id"
        )
    )
    rows = []
    for row in projects:
        progress, spent = latest.get(row.id, (None, None))
        facts = ProjectFacts(
            row.status,
            _day(row.start_on),
            _day(row.end_on),
            row.dossier_submitted_at is not None,
            row.approved_vnd,
            row.paid_vnd,
            late.get(row.id, (0,))[0],
            overdue.get(row.id, (0,))[0],
            row.spending_lag_percent / 100,
            None if progress is None else progress / 100,
            spent,
        )
        health = project_health(facts, today)
        rows.append({"project_id": row.id, "health": health.level, "reasons": ",".join(health.reasons)})
    if rows:
        connection.execute(
            sa.text("UPDATE projects SET health = :health, health_reasons = :reasons WHERE id = :project_id"), rows
        )


def _day(value):
    """A date column as a date (SQLite's driver gives text through a plain SQL statement)."""
    from datetime import date

    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def downgrade():
    with op.batch_alter_table("periodic_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_periodic_reports_project_status")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_index("ix_projects_health")
        batch_op.drop_constraint(op.f("ck_projects_health"), type_="check")
        batch_op.drop_column("health_reasons")
        batch_op.drop_column("health")
    _keep_search()


def _keep_search():
    """SQLite rebuilt the projects table, and the triggers keeping its search index (0011_search) went with it."""
    for statement in create_statements(op.get_bind().dialect.name, "projects", "search_text"):
        op.execute(statement)
