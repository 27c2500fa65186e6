"""Health and deadlines of many projects at once: the staff's monitoring page, the host's projects and to-do list,
and the health badge of the project page. Every page reads a bounded number of statements whatever the number of
projects: aggregates come from grouped queries over the page's (or the filtered set's) project ids."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, case, func, null, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from core.extensions import db
from core.formatting import local_today, to_local
from core.i18n import localized
from core.paging import ListPagination
from core.text import like_pattern
from policies.models import Call, Regime, Sector
from projects.health import FINISHED_STATES, HEALTH_LEVELS, Health, ProjectFacts, project_health
from projects.models import (
    DOSSIER_STATES,
    LEGACY_AREAS,
    PROJECT_STATES,
    RUNNING_STATES,
    Adjustment,
    FollowUpAction,
    Inspection,
    PeriodicReport,
    Project,
    Tranche,
)

HORIZON_DAYS = 30  # "upcoming": due within this many days
PANEL_LIMIT = 10  # rows of each side panel of the monitoring page
TODO_LIMIT = 20  # rows of each kind in the host's to-do list
OPEN_REPORTS = ("due", "returned")
UNFINISHED_STATES = tuple(sorted(set(PROJECT_STATES) - FINISHED_STATES))
REPORTING_STATES = tuple(sorted(RUNNING_STATES))  # where periodic reports are expected from the host


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
class MonitoringFilter:
    """The monitoring page's filters, read from the query string (anything unknown is ignored)."""

    regime_id: int | None = None
    call_id: int | None = None
    sector_id: int | None = None
    state: str = ""
    area: str = ""
    health: str = ""
    query: str = ""

    @classmethod
    def from_args(cls, args: MultiDict) -> "MonitoringFilter":
        """The filters of a request's arguments."""

        def known(name: str, choices: dict) -> str:
            value = args.get(name, "")
            return value if value in choices else ""

        return cls(
            regime_id=args.get("regime", type=int),
            call_id=args.get("call", type=int),
            sector_id=args.get("sector", type=int),
            state=known("state", PROJECT_STATES),
            area=known("area", LEGACY_AREAS),
            health=known("health", HEALTH_LEVELS),
            query=args.get("q", "").strip(),
        )

    def args(self) -> dict:
        """The filters as query-string arguments, for the pager's links."""
        values = {
            "regime": self.regime_id,
            "call": self.call_id,
            "sector": self.sector_id,
            "state": self.state,
            "area": self.area,
            "health": self.health,
            "q": self.query,
        }
        return {name: value for name, value in values.items() if value}

    def apply(self, statement: Select) -> Select:
        """The statement (over Project) restricted by every filter except health, which is not a column."""
        columns = (
            (Project.regime_id, self.regime_id),
            (Project.call_id, self.call_id),
            (Project.sector_id, self.sector_id),
            (Project.status, self.state),
            (Project.legacy_area, self.area),
        )
        for column, value in columns:
            if value:
                statement = statement.where(column == value)
        if self.query:
            statement = statement.where(Project.search_text.like(like_pattern(self.query), escape="\\"))
        return statement


@dataclass(frozen=True)
class ProjectRow:
    """A project of a list with its assessment."""

    project: Project
    assessment: Assessment


def _rows(projects: list[Project], assessments: dict[int, Assessment]) -> list[ProjectRow]:
    return [ProjectRow(project, assessments[project.id]) for project in projects]


def _projects(ids: list[int]) -> list[Project]:
    """The projects with their host, in the order of ids."""
    query = select(Project).where(Project.id.in_(ids)).options(selectinload(Project.organization))
    found = {project.id: project for project in db.session.execute(query).scalars()}
    return [found[project_id] for project_id in ids]


def monitoring_page(filters: MonitoringFilter, page: int, per_page: int, today: date) -> tuple[Pagination, list]:
    """A page of the filtered projects, soonest end first, with their health. Filtering by health assesses the
    whole filtered set in one query, then pages the matching ids."""
    filtered = filters.apply(select(Project.id)).correlate(None)  # a set of ids, never tied to an outer query
    if filters.health:
        assessments = assess(filtered, today)
        matching = [pid for pid, found in assessments.items() if found.health.level == filters.health]
        pagination = ListPagination(matching, page, per_page)
        return pagination, _rows(_projects(pagination.items), assessments)
    statement = filters.apply(select(Project)).options(selectinload(Project.organization))
    pagination = db.paginate(
        statement.order_by(Project.end_on, Project.id), page=page, per_page=per_page, error_out=False
    )
    return pagination, _rows(pagination.items, assess([p.id for p in pagination.items], today))


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


def _report_deadlines(*conditions: object) -> Select:
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


def _dossier_deadlines(*conditions: object) -> Select:
    return select(
        Project.dossier_due_on.label("due"), Project.id, Project.code, Project.title, null().label("detail")
    ).where(Project.dossier_submitted_at.is_(None), *conditions)


def _action_deadlines(*conditions: object) -> Select:
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
    query = _report_deadlines(PeriodicReport.due_on < today, Project.status.in_(REPORTING_STATES))
    return _deadlines("report", query, PANEL_LIMIT)


def upcoming_deadlines(today: date) -> tuple[list[Deadline], int]:
    """Reports, final dossiers and follow-up actions due within HORIZON_DAYS, soonest first, and how many."""
    until = today + timedelta(days=HORIZON_DAYS)
    sources = [
        _deadlines(
            "report",
            _report_deadlines(PeriodicReport.due_on.between(today, until), Project.status.in_(REPORTING_STATES)),
            PANEL_LIMIT,
        ),
        _deadlines(
            "dossier",
            _dossier_deadlines(Project.dossier_due_on.between(today, until), Project.status.in_(DOSSIER_STATES)),
            PANEL_LIMIT,
        ),
        _deadlines("action", _action_deadlines(FollowUpAction.due_on.between(today, until)), PANEL_LIMIT),
    ]
    items = sorted((item for found, _count in sources for item in found), key=lambda item: item.on)
    return items[:PANEL_LIMIT], sum(count for _found, count in sources)


@dataclass(frozen=True)
class MoneyTotal:
    """Support approved, paid and settled over a group of projects (a call or a sector; None: without one)."""

    group: object
    projects: int
    approved_vnd: int
    paid_vnd: int
    settled_vnd: int


def money_totals(filters: MonitoringFilter, by: str) -> list[MoneyTotal]:
    """Approved, paid and settled support of the filtered projects (health aside), per call or per sector."""
    group = Call if by == "call" else Sector
    column = Project.call_id if by == "call" else Project.sector_id
    sums = filters.apply(
        select(
            column.label("group_id"),
            func.count(Project.id).label("projects"),
            func.sum(Project.approved_vnd).label("approved"),
            func.sum(Project.paid_vnd).label("paid"),
            func.sum(Project.settled_vnd).label("settled"),
        ).group_by(column)
    ).subquery()
    query = select(group, *list(sums.c)[1:]).select_from(sums).outerjoin(group, group.id == sums.c.group_id)
    order = Call.code if by == "call" else Sector.number
    rows = db.session.execute(query.order_by(order))
    return [MoneyTotal(row[0], *(int(value or 0) for value in row[1:])) for row in rows]


def filter_selects() -> list[tuple[str, str, list[tuple[object, str]]]]:
    """The monitoring page's select filters as (argument, label for "all", [(value, label)]): regimes, calls that
    have projects, sectors, states, legacy areas and health levels."""
    regimes = db.session.execute(select(Regime).order_by(Regime.start_year.desc())).scalars()
    calls = db.session.execute(
        select(Call).where(Call.id.in_(select(Project.call_id))).order_by(Call.year.desc(), Call.code)
    ).scalars()
    sectors = db.session.execute(select(Sector).order_by(Sector.number)).scalars()
    sector_options = [(sector.id, f"{sector.number}. {localized(sector, 'name')}") for sector in sectors]
    return [
        ("regime", _("All regimes"), [(regime.id, regime.code) for regime in regimes]),
        ("call", _("All calls"), [(call.id, call.code) for call in calls]),
        ("sector", _("All sectors"), sector_options),
        ("state", _("All states"), list(PROJECT_STATES.items())),
        ("area", _("All areas"), [(key, label) for key, label in LEGACY_AREAS.items() if key]),
        ("health", _("Any health"), list(HEALTH_LEVELS.items())),
    ]


def organization_projects(organization_id: int, page: int, per_page: int, today: date) -> tuple[Pagination, list]:
    """A page of the organization's projects, newest first, with their health."""
    statement = select(Project).where(Project.organization_id == organization_id).order_by(Project.id.desc())
    pagination = db.paginate(statement, page=page, per_page=per_page, error_out=False)
    return pagination, _rows(pagination.items, assess([p.id for p in pagination.items], today))


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
    reports = _report_deadlines(
        mine,
        Project.status.in_(REPORTING_STATES),
        (PeriodicReport.status == "returned") | (PeriodicReport.due_on <= until),
    ).add_columns(PeriodicReport.status)
    dossiers = _dossier_deadlines(
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
