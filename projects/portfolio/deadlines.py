"""Deadlines of many projects: periodic reports, final dossiers and inspection follow-up actions due, for the side
panels of the monitoring page (overdue reports, what falls due soon) and the host's to-do list."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Date, Integer, Select, bindparam, null, select, union_all

from core.extensions import db
from core.paging import counted_up_to
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


_TODAY, _UNTIL = bindparam("today", type_=Date), bindparam("until", type_=Date)
_COUNTED, _SHOWN = bindparam("counted", type_=Integer), bindparam("shown", type_=Integer)


@dataclass(frozen=True)
class _PanelQuery:
    """A panel's two statements, built once (its dates and limits are parameters): how many rows its queries have
    together (bounded), and the first rows of each, read in the order of its index, merged."""

    kind: str
    count: Select
    first: Select


def _panel_query(kind: str, queries: list[Select]) -> _PanelQuery:
    """The panel over queries selecting (due, project id, code, title, detail)."""
    count = counted_up_to(queries, _COUNTED)
    first = union_all(*(select(query.order_by("due").limit(_SHOWN).subquery()) for query in queries)).subquery()
    return _PanelQuery(kind, count, select(first).order_by(first.c.due).limit(_SHOWN))


def _panel(query: _PanelQuery, **dates: date) -> Panel:
    limits = {"counted": COUNT_CAP + 1, "shown": PANEL_LIMIT}
    count = min(db.session.execute(query.count, dates | limits).scalar_one(), COUNT_CAP + 1)
    rows = db.session.execute(query.first, dates | limits).all()
    return Panel([Deadline(row.due, query.kind, row.id, row.code, row.title, row.detail) for row in rows], count)


_OVERDUE = _panel_query("report", _open_reports(PeriodicReport.due_on < _TODAY))
_UPCOMING = (
    _panel_query("report", _open_reports(PeriodicReport.due_on.between(_TODAY, _UNTIL))),
    _panel_query(
        "dossier",
        [dossier_deadlines(Project.dossier_due_on.between(_TODAY, _UNTIL), Project.status.in_(DOSSIER_STATES))],
    ),
    _panel_query("action", [action_deadlines(FollowUpAction.due_on.between(_TODAY, _UNTIL))]),
)


def overdue_reports(today: date) -> Panel:
    """Periodic reports past their due date and not submitted, most overdue first, with their number."""
    return _panel(_OVERDUE, today=today)


def upcoming_deadlines(today: date) -> Panel:
    """Reports, final dossiers and follow-up actions due within HORIZON_DAYS, soonest first, and how many."""
    until = today + timedelta(days=HORIZON_DAYS)
    sources = [_panel(query, today=today, until=until) for query in _UPCOMING]
    items = sorted((item for source in sources for item in source.items), key=lambda item: item.on)
    return Panel(items[:PANEL_LIMIT], min(sum(source.count for source in sources), COUNT_CAP + 1))
