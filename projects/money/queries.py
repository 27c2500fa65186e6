"""What the project page shows of the money, and the recoveries overdue."""

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from core.extensions import db
from projects.contracts.models import Project
from projects.money.closing import final_account
from projects.money.ledger import ledger_of


def money_section(project: Project) -> dict:
    """The ledger and the balance line of the project page."""
    return {"ledger": ledger_of(project.id), "account": final_account(project)}


def overdue_recoveries_statement(today: date, limit: int) -> Select:
    """Projects whose money to recover was due back before today and is not all returned, the oldest due first
    (through ix_projects_to_recover)."""
    return (
        select(Project)
        .where(Project.recovery_due_on < today, Project.recovered_vnd < Project.recovery_vnd)
        .options(selectinload(Project.organization))
        .order_by(Project.recovery_due_on, Project.id)
        .limit(limit)
    )


def overdue_recoveries(today: date, limit: int) -> list[Project]:
    """The first `limit` projects of overdue_recoveries_statement."""
    return list(db.session.execute(overdue_recoveries_statement(today, limit)).scalars())
