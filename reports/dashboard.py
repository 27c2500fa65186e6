"""Where the department stands: the staff and leaders' dashboard and the public statistics, each figure one grouped
query (a constant number of statements whatever the size of the data), drawn as reports/charts.py charts.

The dashboard's filters: the year (an application's year, a project's year of contract, a movement of money's year),
the regime and the sector (of the application or project; a call's envelope has no sector, so that filter leaves the
envelopes whole)."""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import ColumnElement, Select, case, extract, func, select
from werkzeug.datastructures import MultiDict

from accounts.models import Organization
from core.extensions import db
from core.formatting import local_today
from core.i18n import localized, status_label
from policies.models import Call, Regime, Sector
from projects.contracts.models import LEGACY_AREAS, Project
from projects.followup.models import FollowUpAction, Inspection, PeriodicReport
from projects.money.models import LedgerEntry
from projects.portfolio.health import HEALTH_LEVELS
from proposals.models import Proposal
from reports import in_year, years_of
from reports.charts import Chart, Series, chart
from review.decisions.models import Decision

# The ledger's kinds as the dashboard adds them up.
MONEY = {
    "approved": ("commitment",),
    "paid": ("payment", "final_payment"),
    "settled": ("settlement", "final_settlement"),
    "recovered": ("recovery_received",),
}


@dataclass(frozen=True)
class DashboardFilter:
    """The dashboard's filters, from the query string (anything unknown is ignored)."""

    year: int | None = None
    regime_id: int | None = None
    sector_id: int | None = None

    @classmethod
    def from_args(cls, args: MultiDict) -> "DashboardFilter":
        """The filters of a request's arguments."""
        year = args.get("year", type=int)
        return cls(
            year=year if year and 1900 < year < 3000 else None,
            regime_id=args.get("regime", type=int),
            sector_id=args.get("sector", type=int),
        )

    def proposals(self, statement: Select, call_joined: bool = False) -> Select:
        """Applications of the filters (their call joined for the regime's filter only, unless it is already)."""
        if self.year:
            statement = statement.where(Proposal.year == self.year)
        if self.regime_id:
            if not call_joined:
                statement = statement.join(Call, Call.id == Proposal.call_id)
            statement = statement.where(Call.regime_id == self.regime_id)
        if self.sector_id:
            statement = statement.where(Proposal.sector_id == self.sector_id)
        return statement

    def projects(
        self, statement: Select, dated: ColumnElement | None = None, project_of: ColumnElement | None = None
    ) -> Select:
        """Projects of the filters, by the year of `dated` (their contract's by default); for records of projects
        (`project_of` their project's id), their project is joined for the regime's and sector's filters only."""
        statement = in_year(statement, Project.signed_on if dated is None else dated, self.year)
        if project_of is not None and (self.regime_id or self.sector_id):
            statement = statement.join(Project, Project.id == project_of)
        if self.regime_id:
            statement = statement.where(Project.regime_id == self.regime_id)
        if self.sector_id:
            statement = statement.where(Project.sector_id == self.sector_id)
        return statement


def dashboard(filters: DashboardFilter, sectors: list[Sector], regimes: list[Regime]) -> list[tuple[str, list[Chart]]]:
    """The dashboard's sections and their charts."""
    return [
        (
            pgettext("dashboard", "Applications"),
            [
                applications_by_state(filters),
                applications_by_sector(filters, sectors),
                applications_by_area(filters),
                applications_over_time(filters),
            ],
        ),
        (_("Review"), [review_throughput(filters), envelopes(filters)]),
        (
            _("Money"),
            [
                money_by_year(filters),
                money_by(filters, "sector", sectors, regimes),
                money_by(filters, "regime", sectors, regimes),
                legacy_areas(filters),
            ],
        ),
        (_("Projects"), [project_health(filters), overdue_items(filters)]),
    ]


def statistics(sectors: list[Sector], regimes: list[Regime]) -> list[Chart]:
    """What the public statistics show: the projects funded by year, sector and former province."""
    everything = DashboardFilter()
    return [
        projects_by_year(everything),
        money_by(everything, "sector", sectors, regimes),
        legacy_areas(everything),
    ]


def call_years() -> list[int]:
    """The years of the calls, newest first (the dashboard's year filter)."""
    return years_of(Call.year)


def _rows(statement: Select) -> list:
    return list(db.session.execute(statement))


def applications_by_state(filters: DashboardFilter) -> Chart:
    """Applications received (every one but drafts) by their state."""
    counts = dict(_rows(state_counts(filters)))
    rows = [(status_label(state, "proposal"), (counts[state],)) for state in _PROPOSAL_ORDER if state in counts]
    return chart(_("Applications by state"), _("State"), [Series(pgettext("count", "Applications"))], rows)


def state_counts(filters: DashboardFilter) -> Select:
    """The applications received per state (of a year: read from ix_proposals_dashboard alone)."""
    statement = select(Proposal.status, func.count()).where(Proposal.status != "draft")
    return filters.proposals(statement.group_by(Proposal.status))


def applications_by_sector(filters: DashboardFilter, sectors: list[Sector]) -> Chart:
    """Applications received by sector of Plan 1821."""
    found = dict(_rows(sector_counts(filters)))
    rows = [(f"{s.number}. {localized(s, 'name')}", (found[s.id],)) for s in sectors if s.id in found]
    if None in found:
        rows.append((_("No sector"), (found[None],)))
    return chart(
        _("Applications by sector of Plan 1821"), _("Sector"), [Series(pgettext("count", "Applications"))], rows
    )


def sector_counts(filters: DashboardFilter) -> Select:
    """The applications received per sector (read from an index alone: ix_proposals_sector_status, or of a year
    ix_proposals_dashboard)."""
    statement = select(Proposal.sector_id, func.count()).where(Proposal.status != "draft")
    return filters.proposals(statement.group_by(Proposal.sector_id))


def applications_by_area(filters: DashboardFilter) -> Chart:
    """Applications received by the former province of their organization (counted per organization from an index
    first, then added up by province)."""
    counted = organization_counts(filters).subquery()
    area = func.coalesce(Organization.legacy_area, "")
    statement = (
        select(area, func.sum(counted.c.received))
        .select_from(counted)
        .join(Organization, Organization.id == counted.c.organization_id)
        .group_by(area)
    )
    found = dict(_rows(statement))
    rows = [(str(label), (found[key],)) for key, label in LEGACY_AREAS.items() if key in found]
    title = _("Applications by former province of the organization")
    return chart(title, _("Former province"), [Series(pgettext("count", "Applications"))], rows)


def organization_counts(filters: DashboardFilter) -> Select:
    """The applications received per organization (read from ix_proposals_org_year alone)."""
    statement = select(Proposal.organization_id, func.count().label("received")).where(Proposal.status != "draft")
    return filters.proposals(statement.group_by(Proposal.organization_id))


def applications_over_time(filters: DashboardFilter) -> Chart:
    """Applications first submitted, by month within the year filtered, else by year."""
    unit = extract("month" if filters.year else "year", Proposal.submitted_at)
    statement = select(unit, func.count()).where(Proposal.submitted_at.is_not(None)).group_by(unit).order_by(unit)
    found = _rows(filters.proposals(statement))
    label = (lambda m: f"{int(m):02d}/{filters.year}") if filters.year else (lambda y: str(int(y)))
    rows = [(label(when), (count,)) for when, count in found]
    return chart(_("Applications submitted over time"), _("Period"), [Series(pgettext("count", "Applications"))], rows)


def review_throughput(filters: DashboardFilter) -> Chart:
    """Per call, the applications decided and the mean days from their first submission to the decision."""
    days = _days_between(Decision.signed_on, Proposal.submitted_at)
    statement = (
        select(Call.code, func.count(), func.avg(days))
        .select_from(Decision)
        .join(Proposal, Proposal.id == Decision.proposal_id)
        .join(Call, Call.id == Proposal.call_id)
        .where(Decision.status != "draft", Proposal.submitted_at.is_not(None))
        .group_by(Call.code)
        .order_by(Call.code)
    )
    rows = [
        (code, (round(float(mean), 1) if mean is not None else None,))
        for code, _n, mean in _rows(filters.proposals(statement))
    ]
    return chart(
        _("Review throughput: days from submission to decision"), _("Call"), [Series(_("Mean days"), "days")], rows
    )


def _days_between(later: ColumnElement, earlier: ColumnElement) -> ColumnElement:
    """Whole days from a moment to a day, in either database (a date minus a date is days on PostgreSQL)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return later - func.date(earlier)
    return func.julianday(later) - func.julianday(func.date(earlier))


def envelopes(filters: DashboardFilter) -> Chart:
    """Each call's envelope: committed by decisions and what is left."""
    statement = select(Call.code, Call.budget_vnd, Call.committed_vnd).where(Call.status != "draft")
    if filters.year:
        statement = statement.where(Call.year == filters.year)
    if filters.regime_id:
        statement = statement.where(Call.regime_id == filters.regime_id)
    found = _rows(statement.order_by(Call.year.desc(), Call.code))
    rows = [(code, (committed, max(budget - committed, 0))) for code, budget, committed in found]
    series = [Series(_("Committed"), "money"), Series(_("Not yet committed"), "money")]
    return chart(_("Envelopes of the calls"), _("Call"), series, rows)


def money_by_year(filters: DashboardFilter) -> Chart:
    """Support approved, paid, settled and recovered, by year, from the ledger."""
    year = extract("year", LedgerEntry.occurred_on)
    sums = [func.sum(case((LedgerEntry.kind.in_(kinds), LedgerEntry.amount_vnd), else_=0)) for kinds in MONEY.values()]
    statement = select(year, *sums).group_by(year).order_by(year.desc())
    found = _rows(filters.projects(statement, LedgerEntry.occurred_on, LedgerEntry.project_id))
    rows = [(str(int(row[0])), tuple(row[1:])) for row in found]
    return chart(_("Money by year"), _("Year"), _money_series(), rows)


def _money_series() -> list[Series]:
    return [
        Series(_("Approved"), "money"),
        Series(_("Paid"), "money"),
        Series(_("Settled"), "money"),
        Series(_("Recovered"), "money"),
    ]


def money_by(filters: DashboardFilter, by: str, sectors: list[Sector], regimes: list[Regime]) -> Chart:
    """The projects' support approved, paid, settled and recovered, by sector or by regime."""
    column = Project.sector_id if by == "sector" else Project.regime_id
    statement = select(
        column,
        func.sum(Project.approved_vnd),
        func.sum(Project.paid_vnd + Project.final_paid_vnd),
        func.sum(Project.settled_vnd),
        func.sum(Project.recovered_vnd),
    ).group_by(column)
    found = {row[0]: tuple(row[1:]) for row in _rows(filters.projects(statement))}
    if by == "sector":
        names = [(s.id, f"{s.number}. {localized(s, 'name')}") for s in sectors] + [(None, _("No sector"))]
        title, heading = _("Support by sector"), _("Sector")
    else:
        names = [(r.id, r.code) for r in regimes]
        title, heading = _("Support by regime"), _("Regime")
    rows = [(name, found[key]) for key, name in names if key in found]
    return chart(title, heading, _money_series(), rows)


def project_health(filters: DashboardFilter) -> Chart:
    """The projects by their stored health."""
    statement = select(Project.health, func.count()).group_by(Project.health)
    counts = dict(_rows(filters.projects(statement)))
    rows = [(str(label), (counts[level],)) for level, label in HEALTH_LEVELS.items() if level in counts]
    return chart(_("Projects by health"), _("Health"), [Series(pgettext("count", "Projects"))], rows)


def overdue_items(filters: DashboardFilter) -> Chart:
    """What is late today: periodic reports not in, follow-up actions not done, final dossiers not submitted."""
    today = local_today()
    late_reports = filters.projects(
        select(func.count())
        .select_from(PeriodicReport)
        .join(Project, Project.id == PeriodicReport.project_id)
        .where(PeriodicReport.status.in_(("due", "returned")), PeriodicReport.due_on < today)
    )
    late_actions = filters.projects(
        select(func.count())
        .select_from(FollowUpAction)
        .join(Inspection, Inspection.id == FollowUpAction.inspection_id)
        .join(Project, Project.id == Inspection.project_id)
        .where(FollowUpAction.done_on.is_(None), FollowUpAction.due_on < today)
    )
    late_dossiers = filters.projects(
        select(func.count()).where(
            Project.dossier_submitted_at.is_(None),
            Project.dossier_due_on < today,
            Project.status.in_(("contracted", "in_progress", "suspended")),
        )
    )
    both = select(late_reports.scalar_subquery(), late_actions.scalar_subquery(), late_dossiers.scalar_subquery())
    reports, actions, dossiers = db.session.execute(both).one()
    rows = [
        (_("Periodic reports late"), (reports,)),
        (_("Follow-up actions overdue"), (actions,)),
        (_("Final dossiers late"), (dossiers,)),
    ]
    return chart(_("Overdue items"), _("Item"), [Series(pgettext("count", "Number"))], rows)


def projects_by_year(filters: DashboardFilter) -> Chart:
    """Projects funded and their support approved, by the year of their contract."""
    year = extract("year", Project.signed_on)
    statement = select(year, func.count(), func.sum(Project.approved_vnd)).group_by(year).order_by(year.desc())
    found = _rows(filters.projects(statement))
    series = [Series(pgettext("count", "Projects")), Series(_("Approved"), "money")]
    return chart(
        _("Projects funded by year of contract"), _("Year"), series, [(str(int(y)), (n, v)) for y, n, v in found]
    )


def legacy_areas(filters: DashboardFilter) -> Chart:
    """Projects and their support approved, by former province."""
    statement = select(Project.legacy_area, func.count(), func.sum(Project.approved_vnd)).group_by(Project.legacy_area)
    found = {area: (count, approved) for area, count, approved in _rows(filters.projects(statement))}
    rows = [(str(LEGACY_AREAS[area]), found[area][1:]) for area in LEGACY_AREAS if area in found]
    return chart(_("Support approved by former province"), _("Former province"), [Series(_("Approved"), "money")], rows)


_PROPOSAL_ORDER = (
    "submitted",
    "under_check",
    "needs_supplement",
    "valid",
    "invalid",
    "withdrawn",
    "in_review",
    "scored",
    "recommended",
    "not_selected",
    "pending_approval",
    "approved",
    "not_approved",
)
