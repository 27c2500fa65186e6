"""The host organization's projects with their health, and its to-do list: reports to send, tranches to request,
adjustments awaiting the department, final dossiers due."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select

from core.extensions import db
from core.formatting import to_local
from projects.contracts.models import Project, Tranche
from projects.followup.models import Adjustment, PeriodicReport
from projects.portfolio.deadlines import HORIZON_DAYS, REPORTING_STATES, dossier_deadlines, report_deadlines
from projects.portfolio.queries import project_rows

TODO_LIMIT = 20  # rows of each kind in the host's to-do list


def organization_projects(organization_id: int, page: int, per_page: int, today: date) -> tuple[Pagination, list]:
    """A page of the organization's projects, newest first, with their health."""
    statement = select(Project).where(Project.organization_id == organization_id).order_by(Project.id.desc())
    pagination = db.paginate(statement, page=page, per_page=per_page, error_out=False)
    return pagination, project_rows(pagination.items, today)


@dataclass(frozen=True)
class TodoItem:
    """Something the host must do: a report to send, a tranche to request, an adjustment awaiting the department's
    decision, the final dossier; `on` orders the list, `late` when its date has passed."""

    on: date
    kind: str
    project_id: int
    project_code: str
    project_title: str
    detail: object = None
    late: bool = False


def host_todo(organization_id: int, today: date) -> list[TodoItem]:
    """What the organization's projects need next, soonest first."""
    mine = Project.organization_id == organization_id
    until = today + timedelta(days=HORIZON_DAYS)
    reports = report_deadlines(
        mine,
        Project.status.in_(REPORTING_STATES),
        (PeriodicReport.status == "returned") | (PeriodicReport.due_on <= until),
    ).add_columns(PeriodicReport.status)
    dossiers = dossier_deadlines(
        mine, (Project.status == "acceptance_due") | ((Project.status == "in_progress") & (Project.end_on <= until))
    )
    tranches = (
        select(Project.id, Project.code, Project.title, Tranche.position, Tranche.amount_vnd)
        .join(Project, Tranche.project_id == Project.id)
        .where(mine, Tranche.status == "eligible")
    )
    adjustments = (
        select(Adjustment.requested_at, Project.id, Project.code, Project.title, Adjustment.kind)
        .join(Project, Adjustment.project_id == Project.id)
        .where(mine, Adjustment.status == "requested")
    )
    items = [
        TodoItem(r.due, "report", r.id, r.code, r.title, (r.detail, r.status), r.due < today)
        for r in db.session.execute(reports.order_by(PeriodicReport.due_on).limit(TODO_LIMIT))
    ]
    items += [
        TodoItem(r.due, "dossier", r.id, r.code, r.title, None, r.due < today)
        for r in db.session.execute(dossiers.order_by(Project.dossier_due_on).limit(TODO_LIMIT))
    ]
    items += [
        TodoItem(today, "tranche", r.id, r.code, r.title, (r.position, r.amount_vnd))
        for r in db.session.execute(tranches.order_by(Project.id, Tranche.position).limit(TODO_LIMIT))
    ]
    items += [
        TodoItem(to_local(r.requested_at).date(), "adjustment", r.id, r.code, r.title, r.kind)
        for r in db.session.execute(adjustments.order_by(Adjustment.requested_at).limit(TODO_LIMIT))
    ]
    return sorted(items, key=lambda item: (item.on, item.project_code))
