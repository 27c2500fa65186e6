"""The calendar feed's pages: the feed itself at its secret address, and the person's page with that address and
the button that resets it."""

from flask import Response, abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.edge import run_small_form
from core.forms import BaseForm
from notifications import bp, calendar


@bp.route("/calendar/<token>.ics")
def calendar_feed(token: str):
    """The person's deadlines and meetings as iCalendar, fetched by their calendar app without a login (the signed
    address is the key); 404 for a forged or reset address or a deactivated account."""
    user = calendar.user_of_token(token)
    if user is None:
        abort(404)
    response = Response(calendar.feed_calendar(user), mimetype="text/calendar")
    response.headers["Cache-Control"] = "private"
    return response


@bp.route("/profile/calendar")
@login_required
def calendar_page():
    """The person's calendar address to copy into their calendar app, the next events it holds, and the reset."""
    return render_template(
        "notifications/calendar.html",
        address=calendar.feed_address(current_user),
        upcoming=calendar.upcoming_entries(current_user),
        form=BaseForm(),
    )


@bp.route("/profile/calendar/reset", methods=["POST"])
@login_required
def reset_calendar():
    """Give the calendar a new address; the old one stops answering at once."""
    return run_small_form(
        BaseForm(),
        lambda: calendar.reset_feed(current_user),
        success=_("Your calendar has a new address: add it to your calendar app again. The old one no longer works."),
        back=url_for("notifications.calendar_page"),
    )
