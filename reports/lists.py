"""The department's lists across every project, each filtered by a year, a kind (or state) and a regime; paged for
its page, streamed for its export (core.spreadsheets):

- the ledger: every movement of money (projects.money's append-only entries), newest first;
- payments and settlements: every tranche with its request, payment and settlement, those waiting longest first;
- periodic reports: every report with its due date and state, those overdue a filter of their own."""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Select, exists, select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.datastructures import MultiDict

from core.extensions import db
from core.formatting import local_today
from core.i18n import status_label
from core.spreadsheets import Column, Listing
from policies.models import Regime
from projects.contracts.models import TRANCHE_STATES, Project, Tranche
from projects.followup.models import OPEN_REPORTS, REPORT_STATES, PeriodicReport
from projects.money.models import LEDGER_KINDS, LedgerEntry
from projects.portfolio.deadlines import REPORTING_STATES
from reports import in_year, kept, years_of

BATCH = 500  # rows read at a time for an export
LATE = "late"  # the periodic reports' own filter: open and past their due date, of a running project


@dataclass(frozen=True)
class ListFilter:
    """A list's filters, read from the query string (anything unknown is ignored): a year, one of its kinds, a
    regime."""

    year: int | None = None
    kind: str = ""
    regime_id: int | None = None

    def args(self) -> dict:
        """The filters as query-string arguments, for the pager's and the downloads' links."""
        values = {"year": self.year, "kind": self.kind, "regime": self.regime_id}
        return {name: value for name, value in values.items() if value}


@dataclass(frozen=True)
class DepartmentList:
    """One of the lists: its title, its address and its export's file name, its kinds (key → label) and their
    heading, the dates its year filter reads, and, for the filters, its rows' statement in the list's order, the
    export's columns and a row's values."""

    title: object
    name: str  # its address: /staff/<name>, and .xlsx or .csv for its export
    filename: str  # of its export, without the extension
    kinds: Mapping[str, object]
    kind_heading: object
    dated: ColumnElement
    statement: Callable[[ListFilter], Select]
    columns: Callable[[], list[Column]]
    values: Callable[[object], list]

    def filters(self, args: MultiDict) -> ListFilter:
        """The filters of a request's arguments."""
        year, kind = args.get("year", type=int), args.get("kind", "")
        return ListFilter(
            year=year if year and 1900 < year < 3000 else None,
            kind=kind if kind in self.kinds else "",
            regime_id=args.get("regime", type=int),
        )

    def page(self, filters: ListFilter, page: int, per_page: int) -> Pagination:
        """A page of the rows."""
        return db.paginate(self.statement(filters), page=page, per_page=per_page, error_out=False)

    def years(self) -> list[int]:
        """The years the list has rows in, newest first (the year filter's choices), as kept for a few minutes: their
        first and last dates are a scan of every row (6 to 9 ms at 60,000), and an index of the dates alone would
        have the awaited reports read in date order past every accepted one."""
        return kept(f"years:{self.name}", None, lambda: years_of(self.dated)).figures

    def listing(self, filters: ListFilter) -> Listing:
        """The rows as a spreadsheet, read in batches as they are written."""
        statement = self.statement(filters).execution_options(yield_per=BATCH)

        def rows() -> Iterator[list]:
            for row in db.session.execute(statement).scalars():
                yield self.values(row)

        return Listing(str(self.title), self._in_words(filters), self.columns(), rows())

    def _in_words(self, filters: ListFilter) -> tuple[tuple[str, str], ...]:
        regime = db.session.get(Regime, filters.regime_id) if filters.regime_id else None
        return (
            (_("Year"), str(filters.year) if filters.year else ""),
            (str(self.kind_heading), str(self.kinds[filters.kind]) if filters.kind else ""),
            (_("Regime"), regime.code if regime else ""),
        )


def _of_regime(statement: Select, project_id: ColumnElement, regime_id: int | None) -> Select:
    if not regime_id:
        return statement
    return statement.where(project_id.in_(select(Project.id).where(Project.regime_id == regime_id)))


def _project_columns() -> list[Column]:
    return [
        Column(_("Project code"), width=16),
        Column(_("Project title"), width=50),
        Column(_("Organization"), width=36),
    ]


def _project_values(project: Project) -> list:
    return [project.code, project.title, project.organization.name]


# The ledger.


def _ledger_statement(filters: ListFilter) -> Select:
    """Newest first, through ix_ledger_entries_occurred."""
    statement = select(LedgerEntry).options(joinedload(LedgerEntry.project).joinedload(Project.organization))
    statement = _of_regime(
        in_year(statement, LedgerEntry.occurred_on, filters.year), LedgerEntry.project_id, filters.regime_id
    )
    if filters.kind:
        statement = statement.where(LedgerEntry.kind == filters.kind)
    return statement.order_by(LedgerEntry.occurred_on.desc(), LedgerEntry.id.desc())


LEDGER = DepartmentList(
    title=_l("Ledger of the projects"),
    name="ledger",
    filename="so-kinh-phi",
    kinds=LEDGER_KINDS,
    kind_heading=_l("Kind"),
    dated=LedgerEntry.occurred_on,
    statement=_ledger_statement,
    columns=lambda: [
        Column(_("Date"), "date", 12),
        *_project_columns(),
        Column(_("Kind"), width=34),
        Column(_("Amount (VND)"), "money", 18),
        Column(_("Document"), width=24),
    ],
    values=lambda entry: [
        entry.occurred_on,
        *_project_values(entry.project),
        status_label(entry.kind, "ledger_kind"),
        entry.amount_vnd,
        entry.document,
    ],
)


# Payments and settlements: the tranches. The year is the year of payment.

WAITING_TRANCHES = ("requested", "approved")  # listed by their request, the longest waiting first


def _tranche_statement(filters: ListFilter) -> Select:
    statement = select(Tranche).options(joinedload(Tranche.project).joinedload(Project.organization))
    statement = _of_regime(in_year(statement, Tranche.paid_on, filters.year), Tranche.project_id, filters.regime_id)
    if filters.kind:
        statement = statement.where(Tranche.status == filters.kind)
    if filters.kind in WAITING_TRANCHES:
        return statement.order_by(Tranche.requested_at, Tranche.id)
    if filters.kind in ("paid", "settled"):
        return statement.order_by(Tranche.paid_on.desc(), Tranche.id.desc())
    return statement.order_by(Tranche.project_id.desc(), Tranche.position)


TRANCHES = DepartmentList(
    title=_l("Payments and settlements"),
    name="tranches",
    filename="cap-kinh-phi",
    kinds=TRANCHE_STATES,
    kind_heading=_l("State"),
    dated=Tranche.paid_on,
    statement=_tranche_statement,
    columns=lambda: [
        *_project_columns(),
        Column(_("Contract number"), width=20),
        Column(_("Tranche"), "integer", 8),
        Column(_("Condition"), width=30),
        Column(_("Planned amount (VND)"), "money", 18),
        Column(_("State"), width=20),
        Column(_("Requested on"), "date", 12),
        Column(_("Paid on"), "date", 12),
        Column(_("Amount paid (VND)"), "money", 18),
        Column(_("Payment reference"), width=20),
        Column(_("Settled on"), "date", 12),
    ],
    values=lambda tranche: [
        *_project_values(tranche.project),
        tranche.project.contract_number,
        tranche.position,
        status_label(tranche.condition, "tranche_condition"),
        tranche.amount_vnd,
        status_label(tranche.status, "tranche"),
        tranche.requested_at,
        tranche.paid_on,
        tranche.paid_vnd,
        tranche.payment_reference,
        tranche.settled_on,
    ],
)


# Periodic reports. The year is the year of the due date.

REPORT_KINDS = {LATE: _l("Overdue (not submitted)"), **REPORT_STATES}


def _report_statement(filters: ListFilter) -> Select:
    # The projects are read for the page's rows only: joined, the whole list's rows would be sorted with theirs.
    statement = select(PeriodicReport).options(selectinload(PeriodicReport.project).joinedload(Project.organization))
    statement = _of_regime(
        in_year(statement, PeriodicReport.due_on, filters.year), PeriodicReport.project_id, filters.regime_id
    )
    if filters.kind == LATE:
        # Of a running project, checked report by report: read through ix_periodic_reports_status_due, not by project.
        running = exists().where(Project.id == PeriodicReport.project_id, Project.status.in_(REPORTING_STATES))
        statement = statement.where(
            PeriodicReport.status.in_(OPEN_REPORTS), PeriodicReport.due_on < local_today(), running
        )
    elif filters.kind:
        statement = statement.where(PeriodicReport.status == filters.kind)
    if filters.kind in (LATE, *OPEN_REPORTS):  # awaited: the soonest due first
        return statement.order_by(PeriodicReport.due_on, PeriodicReport.id)
    return statement.order_by(PeriodicReport.due_on.desc(), PeriodicReport.id.desc())


REPORTS = DepartmentList(
    title=_l("Periodic reports"),
    name="periodic-reports",
    filename="bao-cao-dinh-ky",
    kinds=REPORT_KINDS,
    kind_heading=_l("State"),
    dated=PeriodicReport.due_on,
    statement=_report_statement,
    columns=lambda: [
        *_project_columns(),
        Column(_("Report"), "integer", 8),
        Column(_("Due on"), "date", 12),
        Column(_("State"), width=22),
        Column(_("Submitted on"), "date", 12),
        Column(_("Progress (percent)"), "integer", 12),
        Column(_("Spent (VND)"), "money", 18),
    ],
    values=lambda report: [
        *_project_values(report.project),
        report.sequence,
        report.due_on,
        status_label(report.status, "report"),
        report.submitted_at,
        report.progress_percent,
        report.spent_vnd,
    ],
)
DEPARTMENT_LISTS = {listed.name: listed for listed in (LEDGER, TRANCHES, REPORTS)}
