"""Administration → Public holidays: the days off that deadlines counted in working days skip, listed by year."""

from flask import render_template, request, url_for
from flask_babel import gettext as _

from admin.views import bp
from core.edge import comparing, finish, run_form, run_small_form
from core.extensions import db
from core.formatting import local_today
from core.forms import BaseForm, check_version
from policies import services
from policies.forms import HolidayForm
from policies.models import PublicHoliday


@bp.route("/holidays")
def holidays():
    """The public holidays of a year: this one, unless another is asked for."""
    year = request.args.get("year", type=int) or local_today().year
    return render_template(
        "admin/holidays.html",
        year=year,
        years=services.holiday_years(year),
        holidays=services.holidays_of_year(year),
        delete_form=BaseForm(),
    )


@bp.route("/holidays/new", methods=["GET", "POST"], defaults={"holiday_id": None})
@bp.route("/holidays/<int:holiday_id>", methods=["GET", "POST"])
def holiday(holiday_id: int | None):
    """Add or edit a public holiday; a refused save shows again everything typed."""
    record = db.get_or_404(PublicHoliday, holiday_id) if holiday_id else PublicHoliday()
    form = HolidayForm(obj=record if request.method == "GET" and holiday_id else None)
    title = _("Public holiday") if holiday_id else _("Add a public holiday")
    back = url_for("admin.holidays", year=record.day.year if holiday_id else None)
    differences: list[tuple[str, str, str]] = []

    def save() -> PublicHoliday:
        if holiday_id:
            check_version(record, form)
        return services.save_holiday(record, form.to_data())

    return run_form(
        form,
        save,
        page=lambda _shown: render_template(
            "admin/record_form.html", form=form, title=title, back=back, differences=differences
        ),
        done=lambda saved: finish(_("Saved."), url_for("admin.holidays", year=saved.day.year)),
        stale=comparing(form, HolidayForm.FIELDS, differences, record),
    )


@bp.route("/holidays/<int:holiday_id>/delete", methods=["POST"])
def delete_holiday(holiday_id: int):
    """Delete a public holiday (the button on the year's list)."""
    record = db.get_or_404(PublicHoliday, holiday_id)
    back = url_for("admin.holidays", year=record.day.year)
    success = _("The public holiday has been deleted.")
    return run_small_form(BaseForm(), lambda: services.delete_holiday(record), success=success, back=back)
