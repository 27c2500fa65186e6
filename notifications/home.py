"""The home page of a signed-in person: what waits for them in each of their roles, above the places their roles
open; and one of their queues in full, a page at a time."""

from flask import abort, current_app, render_template
from flask_login import current_user, login_required

from accounts.models import ROLE_LABELS
from core.paging import page_number
from notifications import bp, queues
from notifications.queue_reads import QueuePage


@bp.route("/me")
@login_required
def home():
    """Where a user lands after login: what waits for them, role by role, then the things their roles let them do."""
    sections = queues.waiting_for(current_user)
    return render_template("notifications/home.html", sections=sections, dated=queues.DATED, role_labels=ROLE_LABELS)


@bp.route("/me/queues/<key>")
@login_required
def queue(key: str):
    """One of the user's queues in full, those waiting longest first, a page at a time."""
    found = queues.QUEUE_BY_KEY.get(key)
    if found is None:
        abort(404)
    if not found.can_view(current_user):
        abort(403)
    page = QueuePage(found, current_user, page_number(), current_app.config["PAGE_SIZE"])
    return render_template("notifications/queue.html", queue=found, page=page, dated=queues.DATED)
