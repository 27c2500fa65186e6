"""The reports' pages: the public list of funded projects and a page per project, the open data, the department's
ledger, and the staff lists as Excel and CSV files with the filters of the page they come from."""

from flask import current_app, render_template, request, send_file

from accounts.decorators import role_required
from accounts.models import DEPARTMENT_ROLES
from core.extensions import db
from core.formatting import local_today
from core.paging import page_number
from core.spreadsheets import listing_response
from policies.models import Call
from policies.services import regimes_newest_first, sectors_in_order
from projects.portfolio.monitoring import MonitoringFilter
from proposals.queries import QueueFilter
from reports import bp, kept
from reports.dashboard import DashboardFilter, call_years
from reports.dashboard import dashboard as dashboard_sections
from reports.dashboard import statistics as public_statistics
from reports.dictionary import FIELDS
from reports.exports import monitoring_listing, queue_listing
from reports.lists import DEPARTMENT_LISTS, LEDGER, REPORTS, TRANCHES, DepartmentList
from reports.open_data import OPEN_DATA_TYPES, Grants, stored_file
from reports.public import (
    PublicFilter,
    award_filter_options,
    awards_page,
    filter_options,
    priority_items,
    public_page,
    public_project,
    recipient_name,
)


@bp.route("/staff/calls/<int:call_id>/applications.<any(xlsx, csv):form>")
@role_required(*DEPARTMENT_ROLES)
def queue_export(call_id: int, form: str):
    """A call's application queue, filtered and sorted as on its page."""
    call = db.get_or_404(Call, call_id)
    listing = queue_listing(call, QueueFilter.from_args(request.args))
    return listing_response(listing, form, f"ho-so-{call.code}")


@bp.route("/staff/projects.<any(xlsx, csv):form>")
@role_required(*DEPARTMENT_ROLES)
def monitoring_export(form: str):
    """The monitored projects, filtered as on the monitoring page."""
    return listing_response(monitoring_listing(MonitoringFilter.from_args(request.args)), form, "du-an")


def _department_list(listed: DepartmentList, template: str) -> str:
    filters = listed.filters(request.args)
    return render_template(
        template,
        listed=listed,
        filters=filters,
        page=listed.page(filters, page_number(), current_app.config["PAGE_SIZE"]),
        years=listed.years(),
        regimes=regimes_newest_first(),
        today=local_today(),
    )


@bp.route("/staff/ledger")
@role_required(*DEPARTMENT_ROLES)
def ledger():
    """Every movement of money of every project, newest first, filtered by year, kind and regime."""
    return _department_list(LEDGER, "reports/ledger.html")


@bp.route("/staff/tranches")
@role_required(*DEPARTMENT_ROLES)
def tranches():
    """Every tranche of every project with its request, payment and settlement, filtered by year, state and regime."""
    return _department_list(TRANCHES, "reports/tranches.html")


@bp.route("/staff/periodic-reports")
@role_required(*DEPARTMENT_ROLES)
def periodic_reports():
    """Every periodic report of every project with its due date, filtered by year, state (or overdue) and regime."""
    return _department_list(REPORTS, "reports/periodic_reports.html")


@bp.route("/staff/<any(ledger, tranches, 'periodic-reports'):name>.<any(xlsx, csv):form>")
@role_required(*DEPARTMENT_ROLES)
def department_list_export(name: str, form: str):
    """One of the department's lists, with the filters of its page."""
    listed = DEPARTMENT_LISTS[name]
    return listing_response(listed.listing(listed.filters(request.args)), form, listed.filename)


@bp.route("/funded")
def funded():
    """The funded projects, for everyone: filtered by year, sector, regime, former province and state, searched."""
    filters = PublicFilter.from_args(request.args)
    page = public_page(filters, page_number(), current_app.config["PAGE_SIZE"])
    return render_template(
        "reports/funded.html", filters=filters, page=page, options=filter_options(), recipient=recipient_name
    )


@bp.route("/funded/fixed-amounts")
def funded_awards():
    """The fixed amounts approved by batch decisions, for everyone: filtered by year, sector and regime, searched."""
    filters = PublicFilter.from_args(request.args)
    page = awards_page(filters, page_number(), current_app.config["PAGE_SIZE"])
    return render_template(
        "reports/funded_awards.html",
        filters=filters,
        page=page,
        options=award_filter_options(),
        recipient=recipient_name,
    )


@bp.route("/funded/<int:project_id>")
def funded_project(project_id: int):
    """What the public may know of one funded project."""
    project = public_project(project_id)
    return render_template(
        "reports/funded_project.html",
        project=project,
        recipient=recipient_name(project.organization),
        items=priority_items(project),
    )


@bp.route("/open-data")
def open_data():
    """The open data: its files, what each field means, the licence and the date of the data."""
    grants = Grants()
    return render_template(
        "reports/open_data.html", grants=grants, package=grants.package(), newest=grants.newest, fields=FIELDS
    )


@bp.route("/open-data/grants.<any(json, csv, xlsx):form>")
def open_data_file(form: str):
    """The funded projects in the 360Giving Data Standard, as JSON, CSV or Excel (stable addresses)."""
    return send_file(
        stored_file(form),
        mimetype=OPEN_DATA_TYPES[form],
        as_attachment=form != "json",
        download_name=f"360giving-grants.{form}",
    )


@bp.route("/staff/dashboard")
@role_required(*DEPARTMENT_ROLES)
def dashboard():
    """Where the department stands: applications, review, money and projects, filtered by year, regime and sector."""
    filters = DashboardFilter.from_args(request.args)
    sectors, regimes = sectors_in_order(), regimes_newest_first()
    return render_template(
        "reports/dashboard.html",
        filters=filters,
        sections=kept("dashboard", filters, lambda: dashboard_sections(filters, sectors, regimes)),
        years=call_years(),
        sectors=sectors,
        regimes=regimes,
    )


@bp.route("/statistics")
def statistics():
    """The public statistics: the projects funded by year, sector and former province."""
    charts = kept("statistics", None, lambda: public_statistics(sectors_in_order(), regimes_newest_first()))
    return render_template("reports/statistics.html", charts=charts)
