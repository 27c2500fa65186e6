"""The department's ledger: every movement of money of every project (projects.money's append-only entries),
newest first, filtered by year, kind and regime; paged for its page, streamed for its export."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import MultiDict

from core.extensions import db
from core.i18n import status_label
from core.spreadsheets import Column, Listing
from policies.models import Regime
from projects.contracts.models import Project
from projects.money.models import LEDGER_KINDS, LedgerEntry
from reports import years_of

BATCH = 500  # rows read at a time for the export


@dataclass(frozen=True)
class LedgerFilter:
    """The ledger's filters, read from the query string (anything unknown is ignored)."""

    year: int | None = None
    kind: str = ""
    regime_id: int | None = None

    @classmethod
    def from_args(cls, args: MultiDict) -> "LedgerFilter":
        """The filters of a request's arguments."""
        year = args.get("year", type=int)
        kind = args.get("kind", "")
        return cls(
            year=year if year and 1900 < year < 3000 else None,
            kind=kind if kind in LEDGER_KINDS else "",
            regime_id=args.get("regime", type=int),
        )

    def args(self) -> dict:
        """The filters as query-string arguments, for the pager's and the downloads' links."""
        values = {"year": self.year, "kind": self.kind, "regime": self.regime_id}
        return {name: value for name, value in values.items() if value}

    def in_words(self) -> tuple[tuple[str, str], ...]:
        """The filters as (label, value) pairs, for an export's title row (core.spreadsheets.Listing)."""
        regime = db.session.get(Regime, self.regime_id) if self.regime_id else None
        return (
            (_("Year"), str(self.year) if self.year else ""),
            (_("Kind"), status_label(self.kind, "ledger_kind") if self.kind else ""),
            (_("Regime"), regime.code if regime else ""),
        )


def ledger_statement(filters: LedgerFilter) -> Select:
    """The entries the filters select, newest first (through ix_ledger_entries_occurred), with their projects."""
    statement = select(LedgerEntry).options(joinedload(LedgerEntry.project).joinedload(Project.organization))
    if filters.year:
        start, end = date(filters.year, 1, 1), date(filters.year + 1, 1, 1)
        statement = statement.where(LedgerEntry.occurred_on >= start, LedgerEntry.occurred_on < end)
    if filters.kind:
        statement = statement.where(LedgerEntry.kind == filters.kind)
    if filters.regime_id:
        statement = statement.where(
            LedgerEntry.project_id.in_(select(Project.id).where(Project.regime_id == filters.regime_id))
        )
    return statement.order_by(LedgerEntry.occurred_on.desc(), LedgerEntry.id.desc())


def ledger_page(filters: LedgerFilter, page: int, per_page: int) -> Pagination:
    """A page of the entries."""
    return db.paginate(ledger_statement(filters), page=page, per_page=per_page, error_out=False)


def ledger_listing(filters: LedgerFilter) -> Listing:
    """The entries as a spreadsheet (core.spreadsheets)."""
    columns = [
        Column(_("Date"), "date", 12),
        Column(_("Project code"), width=16),
        Column(_("Project title"), width=50),
        Column(_("Organization"), width=36),
        Column(_("Kind"), width=34),
        Column(_("Amount (VND)"), "money", 18),
        Column(_("Document"), width=24),
    ]
    statement = ledger_statement(filters).execution_options(yield_per=BATCH)

    def rows() -> Iterator[list]:
        for entry in db.session.execute(statement).scalars():
            project = entry.project
            kind = status_label(entry.kind, "ledger_kind")
            yield [
                entry.occurred_on,
                project.code,
                project.title,
                project.organization.name,
                kind,
                entry.amount_vnd,
                entry.document,
            ]

    return Listing(_("Ledger of the projects"), filters.in_words(), columns, rows())


def ledger_years() -> list[int]:
    """The years the ledger has entries in, newest first (for the year filter)."""
    return years_of(LedgerEntry.occurred_on)
