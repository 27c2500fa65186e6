"""Health of many projects at once, read in one grouped query over their ids: the assessment the monitoring page,
the host's projects and the project page's badge show. Every page reads a bounded number of statements whatever the
number of projects."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import selectinload

from core.extensions import db
from core.formatting import local_today
from policies.models import Regime
from projects.contracts.models import Project
from projects.followup.models import OPEN_REPORTS, FollowUpAction, Inspection, PeriodicReport
from projects.portfolio.health import Health, ProjectFacts, project_health


@dataclass(frozen=True)
class Assessment:
    """A project's health and its next deadline (the earliest open one, possibly already past)."""

    health: Health
    next_deadline: date | None


def assess(ids: Select | list[int], today: date) -> dict[int, Assessment]:
    """Health and next deadline of each project whose id is in `ids` (a list or a select of ids), in one query."""
    reports = (
        select(
            PeriodicReport.project_id,
            func.sum(case((PeriodicReport.due_on < today, 1), else_=0)).label("late"),
            func.min(PeriodicReport.due_on).label("next_due"),
        )
        .where(PeriodicReport.status.in_(OPEN_REPORTS), PeriodicReport.project_id.in_(ids))
        .group_by(PeriodicReport.project_id)
        .subquery()
    )
    actions = (
        select(
            Inspection.project_id,
            func.sum(case((FollowUpAction.due_on < today, 1), else_=0)).label("overdue"),
            func.min(FollowUpAction.due_on).label("next_due"),
        )
        .join(Inspection, FollowUpAction.inspection_id == Inspection.id)
        .where(FollowUpAction.done_on.is_(None), Inspection.project_id.in_(ids))
        .group_by(Inspection.project_id)
        .subquery()
    )
    query = (
        select(
            Project.id,
            Project.status,
            Project.start_on,
            Project.end_on,
            Project.dossier_submitted_at,
            Project.dossier_due_on,
            Project.approved_vnd,
            Project.paid_vnd,
            reports.c.late,
            reports.c.next_due,
            actions.c.overdue,
            actions.c.next_due.label("action_due"),
            Regime.spending_lag_percent,
        )
        .join(Regime, Regime.id == Project.regime_id)
        .outerjoin(reports, reports.c.project_id == Project.id)
        .outerjoin(actions, actions.c.project_id == Project.id)
        .where(Project.id.in_(ids))
        .order_by(Project.end_on, Project.id)
    )
    found = {}
    for row in db.session.execute(query):
        submitted = row.dossier_submitted_at is not None
        facts = ProjectFacts(
            row.status,
            row.start_on,
            row.end_on,
            submitted,
            row.approved_vnd,
            row.paid_vnd,
            row.late or 0,
            row.overdue or 0,
            row.spending_lag_percent / 100,
        )
        health = project_health(facts, today)
        pending = [row.next_due, row.action_due, None if submitted else row.dossier_due_on]
        upcoming = [day for day in pending if day is not None]
        found[row.id] = Assessment(health, min(upcoming) if upcoming and health.level != "closed" else None)
    return found


def health_section(project: Project) -> dict:
    """The project page's health badge and reasons."""
    return {"assessment": assess([project.id], local_today())[project.id]}


@dataclass(frozen=True)
class ProjectRow:
    """A project of a list with its assessment."""

    project: Project
    assessment: Assessment


def project_rows(projects: list[Project], assessments: dict[int, Assessment]) -> list[ProjectRow]:
    return [ProjectRow(project, assessments[project.id]) for project in projects]


def projects_in_order(ids: list[int]) -> list[Project]:
    """The projects with their host, in the order of ids."""
    query = select(Project).where(Project.id.in_(ids)).options(selectinload(Project.organization))
    found = {project.id: project for project in db.session.execute(query).scalars()}
    return [found[project_id] for project_id in ids]
