"""Pages of a council member: the applications to declare and score, the score sheet, the application's documents;
and the results, minutes, vote count, printed sheets and the export, for the department and the chair."""

from collections.abc import Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from accounts.decorators import role_required
from core.errors import DomainError, StaleObjectError
from core.extensions import db
from core.formatting import to_local, utcnow
from core.forms import BaseForm, CommentForm, check_version, field_errors_from
from core.paging import ListPagination, page_number
from proposals import files
from proposals.queries import load_proposal
from proposals.versions import SECTIONS, content_of
from review import export, queries, results, sheets
from review.forms import DeclarationForm, sheet_data, sheet_form
from review.models import Assignment, Council, ScoreSheet

bp = Blueprint("review", __name__)
RESULTS_PAGE_SIZE = 25  # ranked applications per page; the whole ranking is in the minutes and the export


def run_small_form(form: BaseForm, action: Callable[[], object], success: str) -> None:
    """The action of a one-button form (a move, attendance, a reopening): commit and say so, or roll back and say
    why; the caller redirects back to the page the form was on."""
    try:
        if not form.validate_on_submit():
            raise DomainError(_("The form expired; please try again."))
        action()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(success, "success")


def _seat(council_id: int, proposal_id: int) -> tuple[Council, Assignment]:
    """The council and the current member's assignment for an application; 404 unless scoring has opened and the
    member has no conflict with it (a conflicted member must not learn more about it)."""
    council = queries.load_council(council_id)
    assignment = queries.seat_assignment(council_id, proposal_id, current_user.id)
    if council.status == "forming" or assignment is None or assignment.is_conflicted:
        abort(404)
    return council, assignment


def _results_council(council_id: int) -> Council:
    """A council whose results the user may see (the department, the chair), else 404. While scoring, a chair
    who has not submitted every own sheet does not see the others' scores, unless the rule lets members see them."""
    council = queries.load_council(council_id)
    if council.status == "forming" or not council.can_view_results(current_user):
        abort(404)
    seat = council.chair_seat(current_user)
    scoring = council.status == "scoring" and not council.rule.show_scores_before_submit
    if seat is not None and scoring and queries.sheets_left(seat.id):
        flash(_("Submit your own sheets before seeing the other members' scores."), "warning")
        abort(redirect(url_for("review.mine")))
    return council


@bp.route("/review")
@role_required("reviewer")
def mine():
    """The member's applications, council by council, with what is left to do on each."""
    page = queries.member_assignments(current_user.id, page_number(), current_app.config["PAGE_SIZE"])
    return render_template("review/mine.html", page=page, recused=queries.recused_count(current_user.id))


@bp.route("/review/councils/<int:council_id>/applications/<int:proposal_id>", methods=["GET", "POST"])
@login_required
def sheet(council_id: int, proposal_id: int):
    """Declare interests first; then the application beside the score sheet, saved as a draft or submitted."""
    council, assignment = _seat(council_id, proposal_id)
    if not assignment.is_open:
        return render_template(
            "review/declare.html", council=council, proposal=load_proposal(proposal_id), form=DeclarationForm()
        )
    record = assignment.sheet
    saved = _sheet_values(record) if record is not None and request.method == "GET" else None
    form = sheet_form(list(council.template.criteria), council.template.mechanic, saved)
    if form.validate_on_submit():
        submitting = request.form.get("action") == "submit"
        try:
            if record is not None:
                check_version(record, form, _("Your sheet was changed meanwhile (reopened or saved elsewhere)."))
            sheets.save_sheet(assignment, council, sheet_data(form), submitting, current_user)
        except (DomainError, StaleObjectError) as error:
            db.session.rollback()  # the page is shown again from fresh records, with what was typed
            field_errors_from(form, error)
            council, assignment = _seat(council_id, proposal_id)
        else:
            db.session.commit()
            flash(_("Your sheet was submitted.") if submitting else _("Draft saved."), "success")
            return redirect(url_for("review.sheet", council_id=council_id, proposal_id=proposal_id))
    proposal = load_proposal(proposal_id)
    return render_template(
        "review/sheet.html",
        council=council,
        proposal=proposal,
        assignment=assignment,
        form=form,
        content=content_of(proposal),
        sections=SECTIONS,
        others=_others(council, assignment),
        reopen_form=CommentForm(),
    ), 400 if form.errors else 200


def _sheet_values(record: ScoreSheet) -> object:
    """A saved sheet as form data, so the form shows it."""
    values = MultiDict(
        {
            "recommendation": record.recommendation,
            "comment": record.comment,
            "review_text": record.review_text,
            "version": str(record.version),
        }
    )
    for score in record.scores:
        values[f"value_{score.criterion_id}"] = str(score.value)
        values[f"comment_{score.criterion_id}"] = score.comment
    return values


def _others(council: Council, assignment: Assignment) -> list[tuple[object, object]] | None:
    """The other members' submitted sheets for this application (seat, total), once the rule lets this member see
    them."""
    own = assignment.sheet
    if not (council.rule.show_scores_before_submit or (own is not None and own.is_submitted)):
        return None
    seats = {m.id: m for m in council.members}
    criteria, mechanic = list(council.template.criteria), council.template.mechanic
    return [
        (seats[a.member_id], a.sheet, sum(results.sheet_points(a.sheet, criteria, mechanic).values()))
        for a in queries.load_assignments(council.id, assignment.proposal_id)
        if a.member_id != assignment.member_id and not a.is_conflicted and a.sheet is not None and a.sheet.is_submitted
    ]


@bp.route("/review/councils/<int:council_id>/applications/<int:proposal_id>/declare", methods=["POST"])
@login_required
def declare(council_id: int, proposal_id: int):
    """The member's declaration of interests for one application."""
    council, assignment = _seat(council_id, proposal_id)
    form = DeclarationForm()
    if form.validate_on_submit():
        try:
            sheets.declare(assignment, council, form.conflicted.data == "yes", form.reason.data or "", current_user)
        except DomainError as error:
            db.session.rollback()
            field_errors_from(form, error)
            council, _assignment = _seat(council_id, proposal_id)
        else:
            db.session.commit()
            if form.conflicted.data == "yes":
                flash(_("You are recused from this application; it no longer appears in your list."), "info")
                return redirect(url_for("review.mine"))
            return redirect(url_for("review.sheet", council_id=council_id, proposal_id=proposal_id))
    proposal = load_proposal(proposal_id)
    return render_template("review/declare.html", council=council, proposal=proposal, form=form), 400


@bp.route("/review/councils/<int:council_id>/applications/<int:proposal_id>/documents/<int:file_id>")
@login_required
def download(council_id: int, proposal_id: int, file_id: int):
    """A document of the application, for a member who declared no conflict."""
    _council, assignment = _seat(council_id, proposal_id)
    proposal = load_proposal(proposal_id)
    record = next((f for f in proposal.active_files if f.id == file_id), None)
    if not assignment.is_open or record is None:
        abort(404)
    return send_file(
        files.stored_path(record.stored_name),
        mimetype=record.content_type,
        as_attachment=True,
        download_name=record.original_name,
    )


def _load_sheet(sheet_id: int) -> tuple[Council, ScoreSheet]:
    record = queries.load_sheet(sheet_id)
    return queries.load_council(record.assignment.member.council_id), record


def _may_oversee(council: Council, proposal_id: int) -> bool:
    """Staff, or the chair when not conflicted on the application, oversee its sheets."""
    if council.can_manage(current_user):
        return True
    seat = council.membership_of(current_user)
    if seat is None or seat.role != "chair":
        return False
    own = queries.seat_assignment(council.id, proposal_id, current_user.id)
    return own is not None and own.is_open


@bp.route("/review/sheets/<int:sheet_id>/reopen", methods=["POST"])
@login_required
def reopen(sheet_id: int):
    """The chair or staff reopen a submitted sheet, with a reason."""
    council, record = _load_sheet(sheet_id)
    proposal_id = record.assignment.proposal_id
    if not _may_oversee(council, proposal_id):
        abort(403 if current_user.is_department else 404)
    form = CommentForm()
    act = lambda: sheets.reopen_sheet(record, council, form.comment.data or "", current_user)  # noqa: E731
    run_small_form(form, act, _("The sheet is open again for its member."))
    return redirect(url_for("review.results_page", council_id=council.id))


@bp.route("/review/sheets/<int:sheet_id>/print")
@login_required
def print_sheet(sheet_id: int):
    """A member's sheet in the official layout, to print and sign."""
    council, record = _load_sheet(sheet_id)
    mine = record.assignment.member.user_id == current_user.id
    if not (mine or current_user.is_department or _may_oversee(council, record.assignment.proposal_id)):
        abort(404)
    proposal = load_proposal(record.assignment.proposal_id)
    points = results.sheet_points(record, list(council.template.criteria), council.template.mechanic)
    return render_template(
        "review/print_sheet.html",
        council=council,
        sheet=record,
        proposal=proposal,
        points=points,
        total=sum(points.values()),
        values={s.criterion_id: s for s in record.scores},
        dated=to_local(record.submitted_at or utcnow()).date(),
    )


@bp.route("/councils/<int:council_id>/results")
@login_required
def results_page(council_id: int):
    """Aggregation and ranking of the council's applications."""
    council = _results_council(council_id)
    found = results.council_results(council, current_user)
    page = ListPagination(found.rows, page_number(), RESULTS_PAGE_SIZE)
    short_names = [_("C%(number)d", number=n) for n in range(1, len(found.criteria) + 1)]
    return render_template(
        "review/results.html",
        council=council,
        results=found,
        page=page,
        short_names=short_names,
        reopen_form=CommentForm(),
    )


@bp.route("/councils/<int:council_id>/results.xlsx")
@login_required
def export_results(council_id: int):
    """The ranking with every score, as an Excel workbook."""
    council = _results_council(council_id)
    workbook = export.results_workbook(results.council_results(council, current_user))
    return send_file(
        workbook,
        as_attachment=True,
        download_name=f"{council.call.code}-ket-qua.xlsx",
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
    return _council_record(council_id, "review/vote_count.html")


def _council_record(council_id: int, template: str) -> str:
    """A printed record of the council, dated the day of its meeting (else today)."""
    council = _results_council(council_id)
    dated = to_local(council.meeting_at or utcnow()).date()
    return render_template(
        template, council=council, dated=dated, results=results.council_results(council, current_user)
    )
