"""Deadlines of many projects: periodic reports, final dossiers and inspection follow-up actions due, for the side
panels of the monitoring page (overdue reports, what falls due soon) and the host's to-do list."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, func, null, select

from core.extensions import db
from projects.contracts.models import DOSSIER_STATES, PROJECT_STATES, RUNNING_STATES, Project
from projects.followup.models import OPEN_REPORTS, FollowUpAction, Inspection, PeriodicReport
from projects.portfolio.health import FINISHED_STATES

HORIZON_DAYS = 30  # "upcoming": due within this many days
PANEL_LIMIT = 10  # rows of each side panel of the monitoring page
UNFINISHED_STATES = tuple(sorted(set(PROJECT_STATES) - FINISHED_STATES))
REPORTING_STATES = tuple(sorted(RUNNING_STATES))  # where periodic reports are expected from the host


@dataclass(frozen=True)
class Deadline:
    """A dated item of a project: a report (detail: its number), a final dossier, or a follow-up action (detail:
    what is asked)."""

    on: date
    kind: str
    project_id: int
    project_code: str
    project_title: str
    detail: int | str | None = None


def _deadlines(kind: str, query: Select, limit: int) -> tuple[list[Deadline], int]:
    """The first `limit` rows of a query selecting (due, project id, code, title, detail), and how many there are."""
    count = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = db.session.execute(query.order_by("due").limit(limit)).all()
    return [Deadline(row.due, kind, row.id, row.code, row.title, row.detail) for row in rows], count


def report_deadlines(*conditions: object) -> Select:
    return (
        select(
            PeriodicReport.due_on.label("due"),
            Project.id,
            Project.code,
            Project.title,
            PeriodicReport.sequence.label("detail"),
        )
        .join(Project, PeriodicReport.project_id == Project.id)
        .where(PeriodicReport.status.in_(OPEN_REPORTS), *conditions)
    )


def dossier_deadlines(*conditions: object) -> Select:
    return select(
        Project.dossier_due_on.label("due"), Project.id, Project.code, Project.title, null().label("detail")
    ).where(Project.dossier_submitted_at.is_(None), *conditions)


def action_deadlines(*conditions: object) -> Select:
    return (
        select(
            FollowUpAction.due_on.label("due"),
            Project.id,
            Project.code,
            Project.title,
            FollowUpAction.description.label("detail"),
        )
        .join(Inspection, FollowUpAction.inspection_id == Inspection.id)
        .join(Project, Inspection.project_id == Project.id)
        .where(FollowUpAction.done_on.is_(None), Project.status.in_(UNFINISHED_STATES), *conditions)
    )


def overdue_reports(today: date) -> tuple[list[Deadline], int]:
    """Periodic reports past their due date and not submitted, most overdue first, with their number."""
    query = report_deadlines(PeriodicReport.due_on < today, Project.status.in_(REPORTING_STATES))
    return _deadlines("report", query, PANEL_LIMIT)


def upcoming_deadlines(today: date) -> tuple[list[Deadline], int]:
    """Reports, final dossiers and follow-up actions due within HORIZON_DAYS, soonest first, and how many."""
    until = today + timedelta(days=HORIZON_DAYS)
    sources = [
        _deadlines(
            "report",
            report_deadlines(PeriodicReport.due_on.between(today, until), Project.status.in_(REPORTING_STATES)),
            PANEL_LIMIT,
        ),
        _deadlines(
            "dossier",
            dossier_deadlines(Project.dossier_due_on.between(today, until), Project.status.in_(DOSSIER_STATES)),
            PANEL_LIMIT,
        ),
        _deadlines("action", action_deadlines(FollowUpAction.due_on.between(today, until)), PANEL_LIMIT),
    ]
    items = sorted((item for found, _count in sources for item in found), key=lambda item: item.on)
    return items[:PANEL_LIMIT], sum(count for _found, count in sources)
