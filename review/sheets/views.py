"""A member's pages: the applications to declare and score, the declaration, the score sheet beside the application
and its documents; a sheet reopened or printed by whoever oversees it."""

from flask import abort, current_app, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts.decorators import role_required
from accounts.models import REVIEWERS
from core.documents import print_record
from core.edge import authorized, finish, run_form, run_small_form
from core.formatting import to_local, utcnow
from core.forms import CommentForm, check_version
from core.paging import page_number
from proposals import files
from proposals.queries import load_contents, versions
from proposals.versions import SECTIONS, comparison, content_of
from review import bp
from review.councils.models import Assignment, Council
from review.councils.queries import load_council
from review.results.inputs import other_sheets, sheet_points
from review.sheets import queries, services
from review.sheets.forms import DeclarationForm, sheet_data, sheet_form, sheet_values
from review.sheets.models import ScoreSheet


def _seat(council_id: int, proposal_id: int) -> tuple[Council, Assignment]:
    """The council and the current member's assignment of an application; 404 unless they may see it
    (Assignment.can_view: scoring has opened and they have no conflict with it)."""
    council = load_council(council_id)
    assignment = queries.seat_assignment(council_id, proposal_id, current_user.id)
    if assignment is None:
        abort(404)
    return council, authorized(assignment)


@bp.route("/review")
@role_required(*REVIEWERS)
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
        return _declaration_page((council, assignment), DeclarationForm())
    saved = assignment.sheet
    form = sheet_form(list(council.template.criteria), council.template.mechanic, _shown_values(saved))
    submitting = request.form.get("action") == "submit"

    def save() -> ScoreSheet:
        if saved is not None:
            check_version(saved, form, _("Your sheet was changed meanwhile (reopened or saved elsewhere)."))
        return services.save_sheet(assignment, council, sheet_data(form), submitting, current_user)

    said = _("Your sheet was submitted.") if submitting else _("Draft saved.")
    return run_form(
        form,
        save,
        page=lambda seat: _sheet_page(*seat, form),
        done=lambda _sheet: finish(said, url_for("review.sheet", council_id=council_id, proposal_id=proposal_id)),
        records=(council, assignment),
        reload=lambda: _seat(council_id, proposal_id),
    )


def _shown_values(saved: ScoreSheet | None) -> object:
    """What the sheet form starts from: the saved sheet on a GET, else what was posted (None)."""
    return sheet_values(saved) if saved is not None and request.method == "GET" else None


def _sheet_page(council: Council, assignment: Assignment, form: object) -> str:
    """The application beside the member's score sheet, with the others' sheets once the rule shows them."""
    proposal = load_contents(assignment.proposal_id)
    return render_template(
        "review/sheet.html",
        council=council,
        proposal=proposal,
        assignment=assignment,
        form=form,
        content=content_of(proposal),
        sections=SECTIONS,
        versions=versions(proposal.id),
        others=other_sheets(council, assignment),
        reopen_form=CommentForm(),
    )


@bp.route("/review/councils/<int:council_id>/applications/<int:proposal_id>/versions")
@login_required
def changes(council_id: int, proposal_id: int):
    """What changed between two submitted versions of an application before the member, once they declared no
    conflict (by default the last two; a sheet written for an earlier one links from that one)."""
    council, assignment = _seat(council_id, proposal_id)
    if not assignment.is_open:
        return redirect(url_for("review.sheet", council_id=council_id, proposal_id=proposal_id))
    shown = comparison(versions(proposal_id), request.args.get("a", type=int), request.args.get("b", type=int))
    if shown is None:
        abort(404)
    return render_template("review/changes.html", council=council, proposal=load_contents(proposal_id), **shown)


@bp.route("/review/councils/<int:council_id>/applications/<int:proposal_id>/declare", methods=["POST"])
@login_required
def declare(council_id: int, proposal_id: int):
    """The member's declaration of interests for one application."""
    council, assignment = _seat(council_id, proposal_id)
    form = DeclarationForm()
    conflicted = form.conflicted.data == "yes"
    return run_form(
        form,
        lambda: services.declare(assignment, council, conflicted, form.reason.data or "", current_user),
        page=lambda seat: _declaration_page(seat, form),
        done=lambda _none: _declared(council_id, proposal_id, conflicted),
        records=(council, assignment),
        reload=lambda: _seat(council_id, proposal_id),
    )


def _declaration_page(seat: tuple[Council, Assignment], form: DeclarationForm) -> str:
    """The application's heading and the declaration of interests."""
    council, assignment = seat
    proposal = load_contents(assignment.proposal_id)
    return render_template("review/declare.html", council=council, proposal=proposal, form=form)


def _declared(council_id: int, proposal_id: int, conflicted: bool) -> ResponseReturnValue:
    """A recused member goes back to their list; the others on to the application and its sheet."""
    if conflicted:
        message = _("You are recused from this application; it no longer appears in your list.")
        return finish(message, url_for("review.mine"), "info")
    return redirect(url_for("review.sheet", council_id=council_id, proposal_id=proposal_id))


@bp.route("/review/councils/<int:council_id>/applications/<int:proposal_id>/documents/<int:file_id>")
@login_required
def download(council_id: int, proposal_id: int, file_id: int):
    """A document of the application, for a member who declared no conflict."""
    _council, assignment = _seat(council_id, proposal_id)
    proposal = load_contents(proposal_id)
    record = next((f for f in proposal.active_files if f.id == file_id), None)
    if not assignment.is_open or record is None:
        abort(404)
    return send_file(
        files.stored_path(record.stored_name),
        mimetype=record.content_type,
        as_attachment=True,
        download_name=record.original_name,
    )


@bp.route("/review/sheets/<int:sheet_id>/reopen", methods=["POST"])
@login_required
def reopen(sheet_id: int):
    """The chair or staff reopen a submitted sheet, with a reason."""
    record = authorized(queries.load_sheet(sheet_id), "can_reopen")
    council = record.assignment.member.council
    form = CommentForm()
    return run_small_form(
        form,
        lambda: services.reopen_sheet(record, council, form.comment.data or "", current_user),
        success=_("The sheet is open again for its member."),
        back=url_for("review.result_page", council_id=council.id, proposal_id=record.assignment.proposal_id),
    )


@bp.route("/review/sheets/<int:sheet_id>/print")
@login_required
def print_sheet(sheet_id: int):
    """A member's sheet in the official layout, to print and sign."""
    record = authorized(queries.load_sheet(sheet_id))
    council = record.assignment.member.council
    points = sheet_points(record, list(council.template.criteria), council.template.mechanic)
    return print_record(
        "review/print_sheet.html",
        council=council,
        sheet=record,
        proposal=queries.sheet_application(record.assignment.proposal_id),
        points=points,
        total=sum(points.values()),
        values={s.criterion_id: s for s in record.scores},
        dated=to_local(record.submitted_at or utcnow()).date(),
    )
