"""Health of many projects at once, computed in one grouped query over their ids (the assessment the stored health
is refreshed from, projects.portfolio.stored), and the rows of a page of projects: their stored health with their
next deadline and the figures of their latest report given to the department (its progress and how many products
reached their target). Every page reads a bounded number of statements whatever the number of projects."""

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import BindParameter, Date, Select, Subquery, and_, bindparam, case, func, select

from core.extensions import db
from core.formatting import local_today
from policies.models import Regime
from projects.contracts.models import Project, ProjectProduct
from projects.followup.models import OPEN_REPORTS, REPORTED, FollowUpAction, Inspection, PeriodicReport, ReportProduct
from projects.portfolio.health import Health, ProjectFacts, project_health


@dataclass(frozen=True)
class Reported:
    """What the latest report given to the department (submitted or accepted) says: the overall progress (None
    without work packages) and how many of the contract's products reached their quantity (one, for a product
    without a quantity)."""

    sequence: int
    progress_percent: int | None
    products_at_target: int
    products: int


@dataclass(frozen=True)
class Assessment:
    """A project's health and its next deadline (the earliest open one, possibly already past), with its latest
    reported figures (None before any report was given)."""

    health: Health
    next_deadline: date | None
    reported: Reported | None = None


def _latest_reports(ids: Select | BindParameter) -> tuple[Subquery, Subquery]:
    """The latest report given to the department per project (by sequence), and that report's products at target
    over the contract's products, per project: two subqueries for assess's one query."""
    last = (
        select(PeriodicReport.project_id, func.max(PeriodicReport.sequence).label("sequence"))
        .where(PeriodicReport.status.in_(REPORTED), PeriodicReport.project_id.in_(ids))
        .group_by(PeriodicReport.project_id)
        .subquery()
    )
    latest = (
        select(
            PeriodicReport.id.label("report_id"),
            PeriodicReport.project_id,
            PeriodicReport.sequence,
            PeriodicReport.progress_percent,
            PeriodicReport.spent_vnd,
        )
        .join(last, (last.c.project_id == PeriodicReport.project_id) & (last.c.sequence == PeriodicReport.sequence))
        .subquery()
    )
    reached = ReportProduct.quantity >= func.coalesce(ProjectProduct.quantity, 1)
    products = (
        select(
            ProjectProduct.project_id,
            func.count().label("count"),
            func.sum(case((reached, 1), else_=0)).label("at_target"),
        )
        .join(latest, latest.c.project_id == ProjectProduct.project_id)
        .outerjoin(
            ReportProduct,
            and_(ReportProduct.product_id == ProjectProduct.id, ReportProduct.report_id == latest.c.report_id),
        )
        .where(ProjectProduct.project_id.in_(ids))
        .group_by(ProjectProduct.project_id)
        .subquery()
    )
    return latest, products


def _assessment(ids: Select | BindParameter, today: date | BindParameter) -> Select:
    """The one query of assess: each project's facts, with its open reports and follow-up actions and its latest
    report given to the department."""
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
    latest, products = _latest_reports(ids)
    return (
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
            latest.c.sequence.label("reported_sequence"),
            latest.c.progress_percent,
            latest.c.spent_vnd,
            products.c.count.label("products"),
            products.c.at_target,
        )
        .join(Regime, Regime.id == Project.regime_id)
        .outerjoin(reports, reports.c.project_id == Project.id)
        .outerjoin(actions, actions.c.project_id == Project.id)
        .outerjoin(latest, latest.c.project_id == Project.id)
        .outerjoin(products, products.c.project_id == Project.id)
        .where(Project.id.in_(ids))
    )


# A page's projects are assessed by one statement built once: a fresh one costs more in Python than the query in SQL.
_FOR_IDS = _assessment(bindparam("ids", expanding=True), bindparam("today", type_=Date))


def assess(ids: Select | list[int], today: date) -> dict[int, Assessment]:
    """Health and next deadline of each project whose id is in `ids` (a list or a select of ids), in one query."""
    if isinstance(ids, Select):
        rows = db.session.execute(_assessment(ids, today))
    else:
        rows = db.session.execute(_FOR_IDS, {"ids": list(ids), "today": today})
    found = {}
    for row in rows:
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
            None if row.progress_percent is None else row.progress_percent / 100,
            row.spent_vnd,
        )
        health = project_health(facts, today)
        pending = [row.next_due, row.action_due, None if submitted else row.dossier_due_on]
        upcoming = [day for day in pending if day is not None]
        reported = None
        if row.reported_sequence is not None:
            reported = Reported(row.reported_sequence, row.progress_percent, row.at_target or 0, row.products or 0)
        deadline = min(upcoming) if upcoming and health.level != "closed" else None
        found[row.id] = Assessment(health, deadline, reported)
    return found


def stored_health(project: Project) -> Health:
    """The project's stored health (as of its last refresh)."""
    return Health(project.health, tuple(code for code in project.health_reasons.split(",") if code))


@dataclass(frozen=True)
class ProjectRow:
    """A project of a list with its assessment."""

    project: Project
    assessment: Assessment


def project_rows(projects: list[Project], today: date) -> list[ProjectRow]:
    """The rows of a page of projects: the stored health (what the filters and counts see), with the next deadline
    and latest reported figures read for these projects only."""
    found = assess([project.id for project in projects], today)
    return [ProjectRow(p, replace(found[p.id], health=stored_health(p))) for p in projects]


def health_section(project: Project) -> dict:
    """The project page's health badge and reasons."""
    return {"assessment": project_rows([project], local_today())[0].assessment}
