"""The person's notices (the page the bell opens) and their notification settings."""

from flask import abort, current_app, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.edge import attempt, authorized, finish, run_form, run_small_form
from core.forms import BaseForm
from core.paging import page_number
from notifications import bp, services
from notifications.events import KINDS
from notifications.forms import LEGAL_NOTE, chosen, deliveries_form


@bp.route("/notifications")
@login_required
def index():
    """The person's notices, newest first, unread ones marked."""
    page = services.notices_page(current_user, page_number(), current_app.config["PAGE_SIZE"])
    return render_template("notifications/index.html", page=page, form=BaseForm())


@bp.route("/notifications/<int:notice_id>/open", methods=["POST"])
@login_required
def open_notice(notice_id: int):
    """Open a notice: it is marked read and its record shown."""
    notice = authorized(services.load_notice(notice_id) or abort(404))
    if not BaseForm().validate_on_submit():
        return finish(_("The form expired; please try again."), url_for("notifications.index"), "danger")
    link, _error = attempt(lambda: services.open_notice(notice))
    return redirect(link)


@bp.route("/notifications/read", methods=["POST"])
@login_required
def read_all():
    """Mark every notice read."""
    return run_small_form(
        BaseForm(),
        lambda: services.mark_all_read(current_user),
        success=_("Every notice is marked read."),
        back=url_for("notifications.index"),
    )


@bp.route("/profile/notifications", methods=["GET", "POST"])
@login_required
def preferences():
    """How the person wants to hear of each kind of event."""
    form = deliveries_form(services.deliveries_of(current_user))
    return run_form(
        form,
        lambda: services.save_deliveries(current_user, chosen(form)),
        page=lambda _records: render_template(
            "notifications/preferences.html", form=form, kinds=KINDS, legal_note=LEGAL_NOTE
        ),
        done=lambda _none: finish(_("Your notification settings are saved."), url_for("notifications.preferences")),
    )
