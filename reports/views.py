"""The reports' pages: the staff lists as Excel and CSV files, with the filters of the page they come from."""

from flask import request

from accounts.decorators import role_required
from accounts.models import DEPARTMENT_ROLES
from core.spreadsheets import listing_response
from policies.services import load_call
from projects.portfolio.monitoring import MonitoringFilter
from proposals.queries import QueueFilter
from reports import bp
from reports.exports import monitoring_listing, queue_listing


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
