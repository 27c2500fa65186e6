"""Deadlines of many projects: periodic reports, final dossiers and inspection follow-up actions due, for the side
panels of the monitoring page (overdue reports, what falls due soon) and the host's to-do list."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, func, null, select, union_all

from core.extensions import db
from projects.contracts.models import DOSSIER_STATES, PROJECT_STATES, RUNNING_STATES, Project
from projects.followup.models import OPEN_REPORTS, FollowUpAction, Inspection, PeriodicReport
from projects.portfolio.health import FINISHED_STATES

HORIZON_DAYS = 30  # "upcoming": due within this many days
PANEL_LIMIT = 10  # rows of each side panel of the monitoring page
COUNT_CAP = 99  # a panel counts this many rows at most, then reads "99+" (the full list: the health filter)
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


@dataclass(frozen=True)
class Panel:
    """A side panel of the monitoring page: its first rows, soonest first, and how many there are, counted up to
    COUNT_CAP + 1 ("99+"), so that neither the count nor the order costs more as the portfolio grows."""

    items: list[Deadline]
    count: int

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def more(self) -> int:
        return self.count - len(self.items)


def _panel(kind: str, queries: list[Select], limit: int) -> Panel:
    """The first `limit` rows of queries selecting (due, project id, code, title, detail), each read in the order of
    its index, and how many they have together (bounded)."""
    count = db.session.execute(
        select(func.count()).select_from(union_all(*queries).limit(COUNT_CAP + 1).subquery())
    ).scalar_one()
    first = union_all(*(select(query.order_by("due").limit(limit).subquery()) for query in queries)).subquery()
    rows = db.session.execute(select(first).order_by(first.c.due).limit(limit)).all()
    return Panel([Deadline(row.due, kind, row.id, row.code, row.title, row.detail) for row in rows], count)


def report_deadlines(*conditions: object, states: tuple[str, ...] = OPEN_REPORTS) -> Select:
    return (
        select(
            PeriodicReport.due_on.label("due"),
            Project.id,
            Project.code,
            Project.title,
            PeriodicReport.sequence.label("detail"),
        )
        .join(Project, PeriodicReport.project_id == Project.id)
        .where(PeriodicReport.status.in_(states), *conditions)
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


def _open_reports(*conditions: object) -> list[Select]:
    """Open reports of running projects, one query per state, each read in date order through
    ix_periodic_reports_status_due (an IN over the states would have them all sorted)."""
    return [
        report_deadlines(Project.status.in_(REPORTING_STATES), *conditions, states=(state,)) for state in OPEN_REPORTS
    ]


def overdue_reports(today: date) -> Panel:
    """Periodic reports past their due date and not submitted, most overdue first, with their number."""
    return _panel("report", _open_reports(PeriodicReport.due_on < today), PANEL_LIMIT)


def upcoming_deadlines(today: date) -> Panel:
    """Reports, final dossiers and follow-up actions due within HORIZON_DAYS, soonest first, and how many."""
    until = today + timedelta(days=HORIZON_DAYS)
    sources = [
        _panel("report", _open_reports(PeriodicReport.due_on.between(today, until)), PANEL_LIMIT),
        _panel(
            "dossier",
            [dossier_deadlines(Project.dossier_due_on.between(today, until), Project.status.in_(DOSSIER_STATES))],
            PANEL_LIMIT,
        ),
        _panel("action", [action_deadlines(FollowUpAction.due_on.between(today, until))], PANEL_LIMIT),
    ]
    items = sorted((item for source in sources for item in source.items), key=lambda item: item.on)
    return Panel(items[:PANEL_LIMIT], min(sum(source.count for source in sources), COUNT_CAP + 1))
