"""Lists of projects: the department's monitoring page and the host organization's projects with its to-do list."""

from flask import current_app, render_template, request
from flask_login import current_user

from accounts.decorators import role_required
from accounts.models import APPLICANTS, DEPARTMENT_ROLES
from core.formatting import local_today
from core.paging import page_number
from projects import bp
from projects.money.queries import overdue_recoveries
from projects.portfolio import deadlines, host
from projects.portfolio.monitoring import MonitoringFilter, filter_selects, money_totals, monitoring_page

RECOVERIES_SHOWN = 20  # the oldest overdue recoveries on the monitoring page


@bp.route("/staff/projects")
@role_required(*DEPARTMENT_ROLES)
def monitoring():
    """Every project with its health, money and next deadline; filters, overdue reports and upcoming deadlines."""
    today = local_today()
    filters = MonitoringFilter.from_args(request.args)
    page, rows = monitoring_page(filters, page_number(), current_app.config["PAGE_SIZE"], today)
    return render_template(
        "projects/monitoring.html",
        page=page,
        rows=rows,
        filters=filters,
        today=today,
        selects=filter_selects(),
        overdue=deadlines.overdue_reports(today),
        upcoming=deadlines.upcoming_deadlines(today),
        recoveries=overdue_recoveries(today, RECOVERIES_SHOWN),
        by_call=money_totals(filters, "call"),
        by_sector=money_totals(filters, "sector"),
    )


@bp.route("/projects")
@role_required(*APPLICANTS)
def mine():
    """The projects of the user's organization, with what is due next."""
    membership = current_user.membership
    if membership is None:
        return render_template("projects/mine.html", page=None, rows=[], todo=[])
    today = local_today()
    page, rows = host.organization_projects(
        membership.organization_id, page_number(), current_app.config["PAGE_SIZE"], today
    )
    todo = host.host_todo(membership.organization_id, today)
    return render_template("projects/mine.html", page=page, rows=rows, todo=todo, today=today)
