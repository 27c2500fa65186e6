"""Pages of the application: the applicant's drafting, documents and submission; the staff's queue and check."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts.decorators import role_required
from accounts.models import DEPARTMENT_ROLES, MANAGERS
from core.edge import finish, run_form
from core.errors import DomainError, render_error
from core.extensions import db
from core.formatting import add_working_days, to_local, utcnow
from core.forms import check_version, field_errors_from
from core.i18n import localized
from core.paging import page_number
from policies.services import load_call
from proposals import checks, files, queries, services
from proposals.files import UploadTooLarge
from proposals.forms import ChecklistForm, ProposalForm, ScreeningForm, SubmitForm, UploadForm
from proposals.models import PROPOSAL_STATES, Proposal, ProposalFile
from proposals.versions import SECTIONS, content_of, differences, shown_to

bp = Blueprint("proposals", __name__)


def _load(proposal_id: int, predicate: str = "can_view") -> Proposal:
    """The application, 404 for whoever may not know it exists, 403 when seen but not allowed."""
    proposal = queries.load_proposal(proposal_id)
    if not proposal.can_view(current_user):
        abort(404)
    if not getattr(proposal, predicate)(current_user):
        abort(403)
    return proposal


def _errors_text(form: object) -> str:
    """A small form's errors as one sentence for a flash message (its page is another page)."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def _proposal_form(proposal: Proposal, **kwargs: object) -> ProposalForm:
    form = ProposalForm(**kwargs)
    none = [("", _("— choose —"))]
    form.category_id.choices = none + [(c.id, f"{c.code} — {localized(c, 'name')}") for c in proposal.call.categories]
    form.sector_id.choices = none + [(s.id, f"{s.number}. {localized(s, 'name')}") for s in proposal.call.sectors]
    return form


def _upload_form(proposal: Proposal) -> UploadForm:
    form = UploadForm()
    form.call_document_id.choices = [(d.id, d.name) for d in proposal.call.documents] + [("", _("Other document"))]
    if not form.is_submitted():  # offer the first required document still missing
        attached = {f.call_document_id for f in proposal.active_files}
        missing = [d.id for d in proposal.call.documents if d.required and d.id not in attached]
        form.call_document_id.data = missing[0] if missing else None
    return form


@bp.route("/calls/<int:call_id>/apply", methods=["POST"])
@role_required("applicant")
def start(call_id: int):
    """Open a new draft application to a call for the user's organization."""
    call = load_call(call_id)
    if not call.can_view(current_user):
        abort(404)
    membership = current_user.membership
    try:
        proposal = services.start_proposal(call, membership.organization_id if membership else None, current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("policies.call_detail", call_id=call_id))
    db.session.commit()
    flash(_("A draft application has been opened. Save it at any time; nothing is sent until you submit."), "success")
    return redirect(url_for("proposals.edit", proposal_id=proposal.id))


@bp.route("/applications")
@role_required("applicant")
def mine():
    """The applications of the user's organization."""
    membership = current_user.membership
    page = (
        queries.organization_proposals(membership.organization_id, page_number(), current_app.config["PAGE_SIZE"])
        if membership
        else None
    )
    return render_template("proposals/mine.html", page=page)


@bp.route("/applications/<int:proposal_id>")
@login_required
def detail(proposal_id: int):
    """An application: status and history, checks, documents, contents, versions and the actions allowed."""
    proposal = _load(proposal_id)
    versions = queries.versions(proposal.id)
    return render_template(
        "proposals/detail.html",
        proposal=proposal,
        versions=versions,
        history=queries.history(proposal.id, for_applicant=proposal.is_member(current_user)),
        upload_form=_upload_form(proposal),
        action_form=ScreeningForm(),
        rules=checks.rule_checks(proposal),
        shown=shown_to(proposal, versions, current_user),
        sections=SECTIONS,
    )


@bp.route("/applications/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
def edit(proposal_id: int):
    """Edit the contents; a save from a stale page shows both versions and keeps what the user typed."""
    proposal = _load(proposal_id, "can_edit")
    form = _proposal_form(proposal, obj=proposal) if request.method == "GET" else _proposal_form(proposal)
    if request.method == "GET":
        form.fill_from(proposal)
    changes = []

    def save() -> None:
        check_version(proposal, form)
        services.save_draft(proposal, form.to_data(), current_user)

    def page(shown: Proposal) -> str:
        budget = checks.budget_finding(shown.category, shown.support_total_vnd, shown.counterpart_total_vnd)
        return render_template("proposals/edit.html", form=form, proposal=shown, changes=changes, budget=budget)

    after = "proposals.detail" if request.form.get("next") == "detail" else "proposals.edit"
    return run_form(
        form,
        save,
        page=page,
        done=lambda _saved: finish(_("Saved."), url_for(after, proposal_id=proposal_id)),
        records=proposal,
        reload=lambda: queries.load_proposal(proposal_id),
        stale=lambda fresh: _stale_changes(fresh, form, changes),
        refused_status=200,
    )


def _stale_changes(proposal: Proposal, form: ProposalForm, changes: list) -> Proposal:
    """What differs between the saved application and the user's unsaved input (applied in memory, then rolled
    back), put in `changes`; the form is re-armed to overwrite on the next save. Gives the application reloaded."""
    saved = content_of(proposal)
    try:
        services.apply_draft(proposal, form.to_data())
        yours = content_of(proposal)
    except DomainError as error:  # their input does not hold together yet: say why, next to the field
        field_errors_from(form, error)
        yours = saved
    db.session.rollback()
    fresh = queries.load_proposal(proposal.id)
    form.version.data = str(fresh.version)
    changes.extend(differences(saved, yours))
    return fresh


@bp.route("/applications/<int:proposal_id>/documents", methods=["POST"])
@login_required
def upload(proposal_id: int):
    """Attach a document to the dossier."""
    proposal = _load(proposal_id, "can_edit")
    form = _upload_form(proposal)
    if form.validate_on_submit():
        upload_file = form.file.data
        try:
            services.add_file(
                proposal, form.call_document_id.data, upload_file.filename or "", upload_file.read(), current_user
            )
        except UploadTooLarge as error:
            db.session.rollback()
            return render_error(413, error.message)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("The document has been attached."), "success")
    else:
        flash(_errors_text(form), "danger")
    return redirect(url_for("proposals.detail", proposal_id=proposal_id, _anchor="documents"))


@bp.route("/applications/<int:proposal_id>/documents/<int:file_id>")
@login_required
def download(proposal_id: int, file_id: int):
    """A document of the dossier, always as an attachment, for those who may see the application."""
    proposal = _load(proposal_id)
    record = db.get_or_404(ProposalFile, file_id)
    if record.proposal_id != proposal.id:
        abort(404)
    return send_file(
        files.stored_path(record.stored_name),
        mimetype=record.content_type,
        as_attachment=True,
        download_name=record.original_name,
    )


@bp.route("/applications/<int:proposal_id>/documents/<int:file_id>/remove", methods=["POST"])
@login_required
def remove_document(proposal_id: int, file_id: int):
    """Take a document out of the dossier."""
    proposal = _load(proposal_id, "can_edit")
    record = db.get_or_404(ProposalFile, file_id)
    if record.proposal_id != proposal.id:
        abort(404)
    try:
        services.remove_file(proposal, record, current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "warning")
    else:
        db.session.commit()
        flash(_("The document has been removed from the dossier."), "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal_id, _anchor="documents"))


@bp.route("/applications/<int:proposal_id>/submit", methods=["GET", "POST"])
@login_required
def submit(proposal_id: int):
    """Confirm and submit (or resubmit): lists what is still incomplete first."""
    proposal = _load(proposal_id, "can_edit")
    form = SubmitForm()
    missing = checks.missing_items(proposal)
    if form.validate_on_submit():
        try:
            version = services.submit_proposal(proposal, current_user)
        except DomainError as error:
            db.session.rollback()
            proposal = queries.load_proposal(proposal_id)
            missing = checks.missing_items(proposal)
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(
                _(
                    "Application %(code)s has been submitted (version %(number)d). A receipt has been sent by mail.",
                    code=proposal.reference_code,
                    number=version.number,
                ),
                "success",
            )
            return redirect(url_for("proposals.detail", proposal_id=proposal.id))
    versions = queries.versions(proposal.id)
    # On a resubmission, what the organization changed since the version the department has.
    changes = differences(versions[-1].snapshot, content_of(proposal)) if versions else None
    return render_template(
        "proposals/submit.html",
        proposal=proposal,
        form=form,
        missing=missing,
        rules=checks.rule_checks(proposal),
        changes=changes,
        versions=versions,
    )


@bp.route("/applications/<int:proposal_id>/transition/<to_state>", methods=["POST"])
@login_required
def transition(proposal_id: int, to_state: str):
    """Withdraw (the applicant) or a screening move (staff), if allowed now for this user."""
    proposal = _load(proposal_id)
    screening = proposal.can_screen(current_user)
    back = url_for("proposals.check" if screening else "proposals.detail", proposal_id=proposal_id)
    if to_state not in dict(proposal.actions_for(current_user)):
        if not proposal.is_outdated_move(current_user, to_state):
            abort(403)
        flash(_("The application changed meanwhile: this action is no longer possible."), "warning")
        return redirect(back)
    form = ScreeningForm()
    if form.validate_on_submit():
        try:
            services.transition_proposal(proposal, to_state, current_user, form.comment.data or "", form.due_on.data)
        except DomainError as error:
            db.session.rollback()
            field_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("The application is now: %(state)s.", state=PROPOSAL_STATES[to_state]), "success")
            return redirect(back)
    if not screening:
        flash(_errors_text(form), "danger")
        return redirect(back)
    # Staff get the check page again with what they typed and the error beside it.
    context = _check_context(queries.load_proposal(proposal_id), form, to_state)
    return render_template("proposals/check.html", **context), 400


@bp.route("/applications/<int:proposal_id>/print")
@login_required
def print_view(proposal_id: int):
    """The application in the official layout, to print and sign."""
    proposal = _load(proposal_id)
    shown = shown_to(proposal, queries.versions(proposal.id), current_user)
    return render_template(
        "proposals/print.html",
        proposal=proposal,
        content=shown.content,
        sections=SECTIONS,
        printed_on=to_local(utcnow()).date(),
    )


@bp.route("/applications/<int:proposal_id>/versions")
@login_required
def compare(proposal_id: int):
    """Field-by-field difference between two submitted versions, documents included."""
    proposal = _load(proposal_id)
    versions = queries.versions(proposal.id)
    if not versions:
        abort(404)
    numbers = [v.number for v in versions]
    older = request.args.get("a", type=int) or (numbers[-2] if len(numbers) > 1 else numbers[0])
    newer = request.args.get("b", type=int) or numbers[-1]
    by_number = {v.number: v for v in versions}
    if older not in by_number or newer not in by_number:
        abort(404)
    changes = differences(by_number[older].snapshot, by_number[newer].snapshot)
    return render_template(
        "proposals/compare.html",
        proposal=proposal,
        versions=versions,
        older=by_number[older],
        newer=by_number[newer],
        changes=changes,
    )


# --- staff: the queue and the check -----------------------------------------------------------------------------


@bp.route("/staff/calls/<int:call_id>/applications")
@role_required(*DEPARTMENT_ROLES)
def queue(call_id: int):
    """A call's submitted applications, filtered, searched, sorted and paginated."""
    call = load_call(call_id)
    chosen = queries.QueueFilter.from_args(request.args)
    page = queries.call_queue(call.id, chosen, page_number(), current_app.config["PAGE_SIZE"])
    return render_template(
        "proposals/queue.html",
        call=call,
        page=page,
        chosen=chosen,
        organizations=queries.queue_organizations(call.id),
        counts=queries.status_counts(call.id),
        states=PROPOSAL_STATES,
    )


@bp.route("/staff/applications/<int:proposal_id>/check")
@role_required(*DEPARTMENT_ROLES)
def check(proposal_id: int):
    """The staff's check: checklist, automatic checks, possible duplicates, screening actions."""
    proposal = _load(proposal_id)
    due_on = add_working_days(to_local(utcnow()).date(), proposal.call.regime.supplement_working_days)
    return render_template("proposals/check.html", **_check_context(proposal, ScreeningForm(due_on=due_on)))


def _check_context(proposal: Proposal, action_form: ScreeningForm, failed_action: str | None = None) -> dict:
    """What the check page shows; after a refused action, the form keeps the input and its error."""
    checklist = ChecklistForm(document_ids=proposal.checked_document_ids)
    checklist.document_ids.choices = [(d.id, d.name) for d in proposal.call.documents]
    versions = queries.versions(proposal.id)
    return dict(
        proposal=proposal,
        checklist=checklist,
        action_form=action_form,
        failed_action=failed_action,
        versions=versions,
        shown=shown_to(proposal, versions, current_user),
        missing=checks.missing_items(proposal),
        rules=checks.rule_checks(proposal),
        similar=checks.similar_proposals(proposal),
    )


@bp.route("/staff/applications/<int:proposal_id>/checklist", methods=["POST"])
@role_required(*MANAGERS)
def checklist(proposal_id: int):
    """Save the ticks of the document checklist."""
    proposal = _load(proposal_id)
    form = ChecklistForm()
    form.document_ids.choices = [(d.id, d.name) for d in proposal.call.documents]
    if form.validate_on_submit():
        try:
            services.set_checklist(proposal, form.document_ids.data or [], current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("The checklist has been saved."), "success")
    return redirect(url_for("proposals.check", proposal_id=proposal_id))
