"""The health stored on each project (projects.health, projects.health_reasons), so that lists filter and page it
in SQL. It is refreshed by refresh_health in the very flush that changes what it is computed from — whichever
service writes it: a report's state, date or figures, a follow-up action added, done, moved or removed, a ledger
entry (a payment...), the project's dates, final dossier, support or state, its regime's lag — and daily, for the
time passing alone (refresh_open_health, run by `flask reminders run` and `flask projects refresh-health`)."""

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Select, bindparam, event, inspect, select, update
from sqlalchemy.orm import Session

from core.extensions import db
from core.formatting import local_today
from policies.models import Regime
from projects.contracts.models import Project
from projects.followup.models import FollowUpAction, Inspection, PeriodicReport
from projects.money.models import LedgerEntry
from projects.portfolio.queries import assess

# Up to this many projects are assessed by their list of ids; more, by the range of ids they span, in one pass (the
# assessment reads the open reports and actions once per query, so a pass beats many batches).
BATCH = 500
# What health reads of each record: a change of any of these columns refreshes the project's health.
INPUTS = {
    Project: ("status", "start_on", "end_on", "dossier_submitted_at", "dossier_due_on", "approved_vnd", "paid_vnd"),
    PeriodicReport: ("status", "due_on", "sequence", "spent_vnd", "progress_percent"),
    FollowUpAction: ("due_on", "done_on"),
    Regime: ("spending_lag_percent",),
}
# Health is not news of the project: its write keeps modified_at (named, so that its onupdate is not applied).
_STORED = update(Project.__table__).where(Project.__table__.c.id == bindparam("project_id"))
_STORED = _STORED.values(
    health=bindparam("health"),
    health_reasons=bindparam("health_reasons"),
    modified_at=Project.__table__.c.modified_at,
)


def refresh_health(project_ids: Iterable[int] | Select, today: date | None = None) -> int:
    """Compute the health of the projects (ids, or a select of ids: the whole set in one pass) on the day (today by
    default) with the rules of projects.portfolio.health, and store it where it changed; how many changed. Flushes
    nothing, and neither moves the projects' versions nor touches the session's objects."""
    today = today or local_today()
    if isinstance(project_ids, Select):
        return _store(project_ids, today)
    ids = sorted(set(project_ids))
    if len(ids) > BATCH:  # one pass over the range they span (the others in it are refreshed too, harmlessly)
        return _store(select(Project.id).where(Project.id.between(ids[0], ids[-1])), today)
    return _store(ids, today) if ids else 0


def _store(ids: list[int] | Select, today: date) -> int:
    """Assess the projects in one query and write the health of those whose health changed (one executemany)."""
    stored = select(Project.id, Project.health, Project.health_reasons).where(Project.id.in_(ids))
    before = {row.id: (row.health, row.health_reasons) for row in db.session.execute(stored)}
    rows = [
        {"project_id": pid, "health": found.health.level, "health_reasons": ",".join(found.health.reasons)}
        for pid, found in assess(ids, today).items()
    ]
    rows = [row for row in rows if before.get(row["project_id"]) != (row["health"], row["health_reasons"])]
    if rows:
        db.session.execute(_STORED, rows)
    return len(rows)


def refresh_open_health(today: date | None = None) -> int:
    """The daily refresh for the time passing: every project whose execution is not over (a finished one stays
    "closed" until its state changes, which refreshes it at once); how many changed."""
    return refresh_health(select(Project.id).where(Project.health != "closed"), today)


def _changed(record: object) -> bool:
    """A new or deleted record, or one whose health inputs changed in this flush."""
    state = inspect(record)
    if state.pending or state.deleted or state.was_deleted:
        return True
    return any(state.attrs[name].history.has_changes() for name in INPUTS[type(record)])


def _affected(session: Session) -> tuple[set[int], set[int], set[int]]:
    """The projects, inspections (of follow-up actions) and regimes whose records this flush wrote."""
    projects, inspections, regimes = set(), set(), set()
    for record in (*session.new, *session.dirty, *session.deleted):
        kind = type(record)
        if kind is LedgerEntry:
            projects.add(record.project_id)
        elif kind in INPUTS and _changed(record):
            if kind is Project:
                projects.add(record.id)
            elif kind is PeriodicReport:
                projects.add(record.project_id)
            elif kind is FollowUpAction:
                inspections.add(record.inspection_id)
            else:
                regimes.add(record.id)
    return projects, inspections, regimes


@event.listens_for(db.session, "after_flush")
def _collect(session: Session, context: object) -> None:
    """Note what this flush wrote (the records' histories are still there until the flush ends)."""
    session.info["health_inputs"] = _affected(session)


@event.listens_for(db.session, "after_flush_postexec")
def _refresh(session: Session, context: object) -> None:
    """Refresh the health of the projects this flush touched, in its transaction; the objects of the session see the
    new values when they read them next."""
    projects, inspections, regimes = session.info.pop("health_inputs", (set(), set(), set()))
    if inspections:
        projects |= set(session.execute(select(Inspection.project_id).where(Inspection.id.in_(inspections))).scalars())
    if regimes:
        projects |= set(session.execute(select(Project.id).where(Project.regime_id.in_(regimes))).scalars())
    projects.discard(None)
    if projects and refresh_health(projects):
        for record in session.identity_map.values():
            if type(record) is Project and record.id in projects:
                session.expire(record, ["health", "health_reasons"])
