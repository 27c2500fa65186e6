"""Keeping portfolio_sums (projects.portfolio.models): in the very flush that writes a project's group, state,
support or totals, or a ledger entry (which moves the totals), the groups of the projects it touched — a regime and
a call, or a regime's projects without a call — are summed again from their projects, in the same transaction, so
that every service, present and future, keeps them. `flask projects refresh-sums` sums every group again (after a
bulk load that skipped the services)."""

from collections.abc import Iterable

from sqlalchemy import ColumnElement, Insert, delete, event, func, insert, inspect, select
from sqlalchemy.orm import Session

from core.extensions import db
from policies.models import Call, Regime
from projects.contracts.models import Project
from projects.money.models import LedgerEntry
from projects.portfolio.models import PortfolioSum

GROUPED = ("regime_id", "call_id", "sector_id", "status", "legacy_area")
SUMMED = ("approved_vnd", "paid_vnd", "settled_vnd")
Group = tuple[int, int | None]  # (regime id, call id or None)


def refresh_sums(groups: Iterable[Group] | None = None) -> None:
    """Sum these groups again from their projects (every group when None), each locked; flushes nothing."""
    if groups is None:
        every = select(Project.regime_id, Project.call_id).union(select(PortfolioSum.regime_id, PortfolioSum.call_id))
        groups = [(row.regime_id, row.call_id) for row in db.session.execute(every)]
    for regime_id, call_id in sorted(set(groups), key=lambda group: (group[0], group[1] or 0)):
        _lock(regime_id, call_id)
        db.session.execute(delete(PortfolioSum).where(in_group(PortfolioSum, regime_id, call_id)))
        db.session.execute(_summed(in_group(Project, regime_id, call_id)))


def _summed(projects: ColumnElement[bool]) -> Insert:
    """INSERT of the sums of the projects matching, one row per group of GROUPED columns."""
    keys = [getattr(Project, name) for name in GROUPED]
    summed = select(*keys, func.count(), *(func.sum(getattr(Project, name)) for name in SUMMED))
    return insert(PortfolioSum).from_select([*GROUPED, "projects", *SUMMED], summed.where(projects).group_by(*keys))


def _lock(regime_id: int, call_id: int | None) -> None:
    """The group's call (or regime) locked, so that two transactions summing one group follow each other: otherwise
    each deletes the rows it sees and both insert theirs (PostgreSQL; SQLite has one writer). NO KEY UPDATE: new
    records referring to the call are not held up."""
    if call_id is None:
        owner = select(Regime.id).where(Regime.id == regime_id)
    else:
        owner = select(Call.id).where(Call.id == call_id)
    db.session.execute(owner.with_for_update(key_share=True))


def in_group(model: type, regime_id: int, call_id: int | None) -> ColumnElement[bool]:
    call = model.call_id.is_(None) if call_id is None else model.call_id == call_id
    return (model.regime_id == regime_id) & call


def _groups_written(session: Session) -> tuple[set[Group], set[int]]:
    """The groups of the projects this flush wrote (before and after a move between groups), and the projects
    whose ledger it wrote."""
    groups, ledgers = set(), set()
    for record in (*session.new, *session.dirty, *session.deleted):
        if type(record) is LedgerEntry:
            ledgers.add(record.project_id)
        elif type(record) is Project:
            state = inspect(record)
            changed = [state.attrs[name].history for name in (*GROUPED, *SUMMED)]
            if state.pending or state.deleted or state.was_deleted or any(h.has_changes() for h in changed):
                groups.add((record.regime_id, record.call_id))
                old = (state.attrs.regime_id.history.deleted or [record.regime_id])[0]
                groups.add((old, (state.attrs.call_id.history.deleted or [record.call_id])[0]))
    return groups, ledgers


@event.listens_for(db.session, "after_flush")
def _collect(session: Session, context: object) -> None:
    """Note the groups this flush wrote (the records' histories are still there until the flush ends)."""
    session.info["portfolio_groups"] = _groups_written(session)


@event.listens_for(db.session, "after_flush_postexec")
def _refresh(session: Session, context: object) -> None:
    """Sum the groups this flush touched again, in its transaction."""
    groups, ledgers = session.info.pop("portfolio_groups", (set(), set()))
    if ledgers:
        rows = session.execute(select(Project.regime_id, Project.call_id).where(Project.id.in_(ledgers)))
        groups |= {(row.regime_id, row.call_id) for row in rows}
    if groups:
        refresh_sums(groups)
