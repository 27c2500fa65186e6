"""The reports' pages: the department's ledger, and the staff lists as Excel and CSV files with the filters of the
page they come from."""

from flask import current_app, render_template, request

from accounts.decorators import role_required
from accounts.models import DEPARTMENT_ROLES
from core.paging import page_number
from core.spreadsheets import listing_response
from policies.services import load_call
from projects.money.models import LEDGER_KINDS
from projects.portfolio.monitoring import MonitoringFilter
from proposals.queries import QueueFilter
from reports import bp
from reports.exports import monitoring_listing, queue_listing
from reports.ledger import LedgerFilter, ledger_listing, ledger_page, ledger_years, regimes


@bp.route("/staff/calls/<int:call_id>/applications.<any(xlsx, csv):form>")
@role_required(*DEPARTMENT_ROLES)
def queue_export(call_id: int, form: str):
    """A call's application queue, filtered and sorted as on its page."""
    call = load_call(call_id)
    listing = queue_listing(call, QueueFilter.from_args(request.args))
    return listing_response(listing, form, f"ho-so-{call.code}")


@bp.route("/staff/projects.<any(xlsx, csv):form>")
@role_required(*DEPARTMENT_ROLES)
def monitoring_export(form: str):
    """The monitored projects, filtered as on the monitoring page."""
    return listing_response(monitoring_listing(MonitoringFilter.from_args(request.args)), form, "du-an")


@bp.route("/staff/ledger")
@role_required(*DEPARTMENT_ROLES)
def ledger():
    """Every movement of money of every project, newest first, filtered by year, kind and regime."""
    filters = LedgerFilter.from_args(request.args)
    return render_template(
        "reports/ledger.html",
        filters=filters,
        page=ledger_page(filters, page_number(), current_app.config["PAGE_SIZE"]),
        years=ledger_years(),
        kinds=LEDGER_KINDS,
        regimes=regimes(),
    )


@bp.route("/staff/ledger.<any(xlsx, csv):form>")
@role_required(*DEPARTMENT_ROLES)
def ledger_export(form: str):
    """The ledger's entries the filters select."""
    return listing_response(ledger_listing(LedgerFilter.from_args(request.args)), form, "so-kinh-phi")
