"""The staff lists as spreadsheets (core.spreadsheets): each list's columns in the reader's language, its rows read
in batches from the very statement its page pages, and its filters in words for the title row."""

from collections.abc import Iterator

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from accounts.models import Organization
from core.extensions import db
from core.i18n import localized, status_label
from core.spreadsheets import Column, Listing
from policies.models import Call, Regime, Sector, SupportCategory
from projects.contracts.models import Project
from projects.portfolio.monitoring import MonitoringFilter, monitoring_statement
from proposals.queries import QueueFilter, queue_statement

BATCH = 500  # rows read at a time


def queue_listing(call: Call, chosen: QueueFilter) -> Listing:
    """A call's application queue with the page's filters, in the page's order."""
    columns = [
        Column(_("Application code"), width=18),
        Column(_("Project title"), width=60),
        Column(_("Organization"), width=40),
        Column(_("Tax code"), width=14),
        Column(_("Category"), width=30),
        Column(_("Sector"), width=30),
        Column(_("Submitted on"), "date", 12),
        Column(_("State"), width=20),
        Column(_("Support requested (VND)"), "money", 18),
        Column(_("Counterpart funds (VND)"), "money", 18),
    ]
    statement = queue_statement(call.id, chosen).execution_options(yield_per=BATCH)

    def rows() -> Iterator[list]:
        for proposal in db.session.execute(statement).scalars():
            yield [
                proposal.reference_code,
                proposal.title,
                proposal.organization.name,
                proposal.organization.tax_code,
                localized(proposal.category, "name") if proposal.category else None,
                localized(proposal.sector, "name") if proposal.sector else None,
                proposal.submitted_at,
                status_label(proposal.status, "proposal"),
                proposal.support_total_vnd,
                proposal.counterpart_total_vnd,
            ]

    title = _("Applications of call %(call)s", call=call.code)
    return Listing(title, _queue_filters(chosen), columns, rows())


def _queue_filters(chosen: QueueFilter) -> tuple[tuple[str, str | None], ...]:
    sector = db.session.get(Sector, chosen.sector_id) if chosen.sector_id else None
    category = db.session.get(SupportCategory, chosen.category_id) if chosen.category_id else None
    organization = db.session.get(Organization, chosen.organization_id) if chosen.organization_id else None
    return (
        (_("State"), status_label(chosen.status, "proposal") if chosen.status else None),
        (_("Sector"), localized(sector, "name") if sector else None),
        (_("Category"), localized(category, "name") if category else None),
        (_("Organization"), organization.name if organization else chosen.organization_name.strip()),
        (_("Search"), chosen.query.strip()),
    )


def monitoring_listing(filters: MonitoringFilter) -> Listing:
    """The monitored projects with the page's filters, soonest end first, with their health and money."""
    columns = [
        Column(_("Project code"), width=16),
        Column(_("Contract number"), width=20),
        Column(_("Project title"), width=60),
        Column(_("Organization"), width=40),
        Column(_("Regime"), width=14),
        Column(_("Call"), width=16),
        Column(_("Sector"), width=30),
        Column(_("Legacy area"), width=18),
        Column(_("State"), width=22),
        Column(_("Health"), width=14),
        Column(_("Start date"), "date", 12),
        Column(_("End date"), "date", 12),
        Column(_("Approved support (VND)"), "money", 18),
        Column(_("Paid (VND)"), "money", 18),
        Column(_("Settled (VND)"), "money", 18),
    ]
    regimes = dict(db.session.execute(select(Regime.id, Regime.code)).all())
    calls = dict(db.session.execute(select(Call.id, Call.code)).all())
    sectors = {sector.id: localized(sector, "name") for sector in db.session.execute(select(Sector)).scalars()}
    statement = (
        monitoring_statement(filters).options(joinedload(Project.organization)).execution_options(yield_per=BATCH)
    )

    def rows() -> Iterator[list]:
        for project in db.session.execute(statement).scalars():
            yield [
                project.code,
                project.contract_number,
                project.title,
                project.organization.name,
                regimes.get(project.regime_id),
                calls.get(project.call_id),
                sectors.get(project.sector_id),
                status_label(project.legacy_area, "legacy_area") if project.legacy_area else None,
                status_label(project.status, "project"),
                status_label(project.health, "health"),
                project.start_on,
                project.end_on,
                project.approved_vnd,
                project.paid_vnd,
                project.settled_vnd,
            ]

    return Listing(_("List of projects"), _monitoring_filters(filters, regimes, calls, sectors), columns, rows())


def _monitoring_filters(
    filters: MonitoringFilter, regimes: dict, calls: dict, sectors: dict
) -> tuple[tuple[str, str | None], ...]:
    return (
        (_("Regime"), regimes.get(filters.regime_id)),
        (_("Call"), calls.get(filters.call_id)),
        (_("Sector"), sectors.get(filters.sector_id)),
        (_("State"), status_label(filters.state, "project") if filters.state else None),
        (_("Legacy area"), status_label(filters.area, "legacy_area") if filters.area else None),
        (_("Health"), status_label(filters.health, "health") if filters.health else None),
        (_("Search"), filters.query),
    )
