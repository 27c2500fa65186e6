"""A council's results, for the department and the chair: aggregation and ranking, the minutes, the vote count and
the Excel export."""

from flask import abort, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.documents import reader_words
from core.edge import attempt, authorized, finish, stream_page
from core.formatting import to_local, utcnow
from core.forms import CommentForm
from core.paging import page_number
from proposals.queries import latest_version
from review import bp
from review.councils.models import Council
from review.councils.queries import counting_head_id, load_council
from review.results import export
from review.results.aggregation import application_result, streamed_results
from review.results.aggregation import results_page as ranking_page
from review.sheets.queries import sheets_left

RESULTS_PAGE_SIZE = 25  # ranked applications per page; the whole ranking is in the minutes and the export


def _results_council(council_id: int) -> Council:
    """A council whose results the user may see (Council.can_view_results), else 404. While the council withholds
    scores, a chair who has not submitted every own sheet is sent to their list first."""
    council = authorized(load_council(council_id), "can_view_results", visible="can_view_results")
    seat = council.chair_seat(current_user)
    if seat is not None and council.withholds_scores and sheets_left(seat.id):
        message = _("Submit your own sheets before seeing the other members' scores.")
        abort(finish(message, url_for("review.mine"), "warning"))
    return council


@bp.route("/councils/<int:council_id>/results")
@login_required
def results_page(council_id: int):
    """Aggregation and ranking of the council's applications."""
    council = _results_council(council_id)
    page, found = ranking_page(council, current_user, page_number(), RESULTS_PAGE_SIZE)
    head = counting_head_id(council.id)  # for the chair's attendance form
    return render_template("review/results.html", council=council, results=found, page=page, counting_head_id=head)


@bp.route("/councils/<int:council_id>/results/<int:proposal_id>")
@login_required
def result_page(council_id: int, proposal_id: int):
    """One application's result: every member's sheet with its per-criterion scores (the results page reads its
    rows' details from here)."""
    council = _results_council(council_id)
    try:
        row, found = application_result(council, current_user, proposal_id)
    except LookupError:
        abort(404)
    short_names = [_("C%(number)d", number=n) for n in range(1, len(found.criteria) + 1)]
    return render_template(
        "review/result.html",
        council=council,
        results=found,
        row=row,
        short_names=short_names,
        latest_version=latest_version(proposal_id),
        reopen_form=CommentForm(),
    )


@bp.route("/councils/<int:council_id>/results.xlsx")
@login_required
def export_results(council_id: int):
    """The ranking with every score, as an Excel workbook (stored, or built now when the council is small)."""
    council = _results_council(council_id)
    name = f"{council.call.code}-ket-qua.xlsx"  # read before the commit expires the council
    workbook, _error = attempt(lambda: export.export_file(council, current_user))
    if workbook is None:
        message = _("This council's Excel file is large and is being prepared: download it again in a few minutes.")
        return finish(message, url_for("review.results_page", council_id=council_id), "info")
    return send_file(
        workbook,
        as_attachment=True,
        download_name=name,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@bp.route("/councils/<int:council_id>/minutes")
@login_required
def minutes(council_id: int):
    """The minutes of the session (biên bản họp), in the official layout."""
    return _council_record(council_id, "review/minutes.html")


@bp.route("/councils/<int:council_id>/vote-count")
@login_required
def vote_count(council_id: int):
    """The vote-count record (biên bản kiểm phiếu), in the official layout."""
    return _council_record(council_id, "review/vote_count.html", counting_head_id=counting_head_id(council_id))


def _council_record(council_id: int, template: str, **context: object) -> object:
    """A printed record of the council, dated the day of its meeting (else today), streamed as its rows are read."""
    council = _results_council(council_id)
    dated = to_local(council.meeting_at or utcnow()).date()
    found = streamed_results(council, current_user)
    return stream_page(
        template,
        locale="vi",
        reader=reader_words(),
        council=council,
        dated=dated,
        results=found,
        **context,
    )
