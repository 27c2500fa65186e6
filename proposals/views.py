"""Pages of the application: the applicant's drafting, documents and submission; the staff's queue and check."""

from flask import Blueprint, abort, current_app, jsonify, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts.decorators import role_required
from accounts.models import APPLICANTS, DEPARTMENT_ROLES, MANAGERS
from core.documents import print_record
from core.edge import attempt, authorized, dry_run, finish, run_form, run_small_form, said
from core.errors import render_error
from core.extensions import db
from core.formatting import to_local
from core.forms import BaseForm, check_version, field_errors_from
from core.i18n import localized
from core.paging import page_number
from policies.models import Call
from policies.services import load_call, load_call_filters
from proposals import checks, files, queries, services
from proposals.files import UploadTooLarge
from proposals.forms import ChecklistForm, ProposalForm, ScreeningForm, SubmitForm, UploadForm
from proposals.models import EDITABLE_STATES, PROPOSAL_STATES, Proposal, ProposalVersion
from proposals.signals import documents_wanted
from proposals.versions import SECTIONS, comparison, content_of, differences, shown_to

bp = Blueprint("proposals", __name__)
TYPE_AHEAD_SIZE = 10  # organizations offered at a time as staff type a name


def _errors_text(form: BaseForm) -> str:
    """A small form's errors as one sentence for a flash message (its page is another page)."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def _proposal_form(proposal: Proposal) -> ProposalForm:
    """The contents form with the call's choices; shown first, it holds the saved application."""
    shown = request.method == "GET"
    form = ProposalForm(obj=proposal) if shown else ProposalForm()
    none = [("", _("— choose —"))]
    form.category_id.choices = none + [(c.id, f"{c.code} — {localized(c, 'name')}") for c in proposal.call.categories]
    form.sector_id.choices = none + [(s.id, f"{s.number}. {localized(s, 'name')}") for s in proposal.call.sectors]
    if shown:
        form.fill_from(proposal)
    return form


def _upload_form(proposal: Proposal) -> UploadForm:
    """The upload form with the call's checklist, offering the first required document still missing."""
    form = UploadForm()
    form.call_document_id.choices = [(d.id, d.name) for d in proposal.call.documents] + [("", _("Other document"))]
    if not form.is_submitted():
        attached = {f.call_document_id for f in proposal.active_files}
        missing = [d.id for d in proposal.call.documents if d.required and d.id not in attached]
        form.call_document_id.data = missing[0] if missing else None
    return form


def _checklist_form(proposal: Proposal, **kwargs: object) -> ChecklistForm:
    """The checklist form with the call's documents as its choices."""
    form = ChecklistForm(**kwargs)
    form.document_ids.choices = [(d.id, d.name) for d in proposal.call.documents]
    return form


@bp.route("/calls/<int:call_id>/apply", methods=["POST"])
@role_required(*APPLICANTS)
def start(call_id: int):
    """Open a new draft application to a call for the user's organization."""
    call = authorized(load_call(call_id))
    membership = current_user.membership
    organization_id = membership.organization_id if membership else None
    proposal, error = attempt(lambda: services.start_proposal(call, organization_id, current_user))
    if error is not None:
        return finish(error.message, url_for("policies.call_detail", call_id=call_id), "danger")
    return finish(
        _("A draft application has been opened. Save it at any time; nothing is sent until you submit."),
        url_for("proposals.edit", proposal_id=proposal.id),
    )


@bp.route("/applications")
@role_required(*APPLICANTS)
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
    proposal = authorized(queries.load_proposal(proposal_id))
    return _detail_page(proposal, _upload_form(proposal))


def _detail_page(proposal: Proposal, upload_form: UploadForm) -> str:
    """The application's page, with the upload form as shown (or as sent, with its errors, when refused)."""
    versions = queries.versions(proposal.id)
    return render_template(
        "proposals/detail.html",
        proposal=proposal,
        versions=versions,
        history=queries.history(proposal.id, for_applicant=proposal.is_member(current_user)),
        upload_form=upload_form,
        action_form=ScreeningForm(),
        rules=checks.rule_checks(proposal),
        shown=shown_to(proposal, versions, current_user),
        sections=SECTIONS,
        official_documents=[d for _r, found in documents_wanted.send(proposal, user=current_user) for d in found],
    )


@bp.route("/applications/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
def edit(proposal_id: int):
    """Edit the contents; a save from a stale page shows both versions and keeps what the user typed."""
    proposal = authorized(queries.load_proposal(proposal_id), "can_edit")
    form = _proposal_form(proposal)
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
    """What differs between the saved application and the user's unsaved input, put in `changes` (a refusal of that
    input next to its field); the form is re-armed to overwrite on the next save. Gives the application reloaded."""
    found, refusal = dry_run(lambda: services.preview_draft(proposal, form.to_data()))
    if refusal is not None:
        field_errors_from(form, refusal)
    fresh = queries.load_proposal(proposal.id)
    form.version.data = str(fresh.version)
    changes.extend(found)
    return fresh


@bp.route("/applications/<int:proposal_id>/documents", methods=["POST"])
@login_required
def upload(proposal_id: int):
    """Attach a document to the dossier; a refusal shows the page again with the message at the file and the chosen
    document kept."""
    proposal = authorized(queries.load_proposal(proposal_id), "can_edit")
    form = _upload_form(proposal)
    if not form.validate_on_submit():
        return _detail_page(proposal, form), 400
    sent = form.file.data
    _record, error = attempt(
        lambda: services.add_file(proposal, form.call_document_id.data, sent.filename or "", sent.read(), current_user)
    )
    if isinstance(error, UploadTooLarge):
        return render_error(413, error.message)
    if error is not None:
        field_errors_from(form, error)
        return _detail_page(queries.load_proposal(proposal_id), form), 400
    back = url_for("proposals.detail", proposal_id=proposal_id, _anchor="documents")
    return finish(_("The document has been attached."), back)


@bp.route("/applications/<int:proposal_id>/documents/<int:file_id>")
@login_required
def download(proposal_id: int, file_id: int):
    """A document of the dossier, always as an attachment, for those who may see the application."""
    record = queries.load_file(authorized(queries.load_proposal(proposal_id)), file_id)
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
    proposal = authorized(queries.load_proposal(proposal_id), "can_edit")
    record = queries.load_file(proposal, file_id)
    _removed, error = attempt(lambda: services.remove_file(proposal, record, current_user))
    back = url_for("proposals.detail", proposal_id=proposal_id, _anchor="documents")
    return said(error, _("The document has been removed from the dossier."), back, refused="warning")


@bp.route("/applications/<int:proposal_id>/submit", methods=["GET", "POST"])
@login_required
def submit(proposal_id: int):
    """Confirm and submit (or resubmit): lists what is still incomplete first."""
    proposal = authorized(queries.load_proposal(proposal_id), "can_edit")
    form = SubmitForm()

    def done(version: ProposalVersion) -> ResponseReturnValue:
        message = _(
            "Application %(code)s has been submitted (version %(number)d). A receipt has been sent by mail.",
            code=proposal.reference_code,
            number=version.number,
        )
        return finish(message, url_for("proposals.detail", proposal_id=proposal.id))

    return run_form(
        form,
        lambda: services.submit_proposal(proposal, current_user),
        page=lambda shown: _submit_page(shown, form),
        done=done,
        records=proposal,
        reload=lambda: queries.load_proposal(proposal_id),
        refused_status=200,
    )


def _submit_page(proposal: Proposal, form: SubmitForm) -> str:
    """The confirmation: what is still incomplete, the rule checks and, on a resubmission, what changed."""
    versions = queries.versions(proposal.id)
    # On a resubmission, what the organization changed since the version the department has.
    changes = differences(versions[-1].snapshot, content_of(proposal)) if versions else None
    return render_template(
        "proposals/submit.html",
        proposal=proposal,
        form=form,
        missing=checks.missing_items(proposal),
        rules=checks.rule_checks(proposal),
        changes=changes,
        versions=versions,
    )


@bp.route("/applications/<int:proposal_id>/transition/<to_state>", methods=["POST"])
@login_required
def transition(proposal_id: int, to_state: str):
    """Withdraw (the applicant) or a screening move (staff), if allowed now for this user."""
    proposal = authorized(queries.load_proposal(proposal_id))
    screening = proposal.can_screen(current_user)
    back = url_for("proposals.check" if screening else "proposals.detail", proposal_id=proposal_id)
    if to_state not in dict(proposal.actions_for(current_user)):
        if not proposal.is_outdated_move(current_user, to_state):
            abort(403)
        return finish(_("The application changed meanwhile: this action is no longer possible."), back, "warning")
    form = ScreeningForm()
    return run_form(
        form,
        lambda: services.transition_proposal(
            proposal, to_state, current_user, form.comment.data or "", form.due_on.data
        ),
        page=lambda shown: _refused_move(shown, form, to_state, back),
        done=lambda _moved: finish(_("The application is now: %(state)s.", state=PROPOSAL_STATES[to_state]), back),
        records=proposal,
        reload=lambda: queries.load_proposal(proposal_id),
    )


def _refused_move(proposal: Proposal, form: ScreeningForm, to_state: str, back: str) -> ResponseReturnValue:
    """Staff get the check page again, what they typed beside the error; the applicant is told on its page."""
    if not proposal.can_screen(current_user):
        return finish(_errors_text(form), back, "danger")
    return render_template("proposals/check.html", **_check_context(proposal, form, to_state))


@bp.route("/applications/<int:proposal_id>/print")
@login_required
def print_view(proposal_id: int):
    """The application letter in the official layout, to print and sign, dated the day of the submission it shows
    (undated while the organization is still writing it)."""
    proposal = authorized(queries.load_proposal(proposal_id))
    versions = queries.versions(proposal.id)
    shown = shown_to(proposal, versions, current_user)
    version = shown.version or (versions[-1] if versions and proposal.status not in EDITABLE_STATES else None)
    dated = to_local(version.submitted_at).date() if version else None
    return print_record(
        "proposals/print.html", proposal=proposal, content=shown.content, sections=SECTIONS, dated=dated
    )


@bp.route("/applications/<int:proposal_id>/versions")
@login_required
def compare(proposal_id: int):
    """Field-by-field difference between two submitted versions, documents included."""
    proposal = authorized(queries.load_proposal(proposal_id))
    shown = comparison(queries.versions(proposal.id), request.args.get("a", type=int), request.args.get("b", type=int))
    if shown is None:
        abort(404)
    return render_template("proposals/compare.html", proposal=proposal, **shown)


# --- staff: the queue and the check -----------------------------------------------------------------------------


@bp.route("/staff/calls/<int:call_id>/applications")
@role_required(*DEPARTMENT_ROLES)
def queue(call_id: int):
    """A call's submitted applications, filtered, searched, sorted and paginated."""
    call = load_call_filters(call_id)
    chosen = queries.QueueFilter.from_args(request.args)
    page = queries.call_queue(call.id, chosen, page_number(), current_app.config["PAGE_SIZE"])
    return render_template(
        "proposals/queue.html",
        call=call,
        page=page,
        chosen=chosen,
        organization_name=chosen.organization_name or queries.organization_name(chosen.organization_id),
        counts=queries.status_counts(call.id),
        states=PROPOSAL_STATES,
    )


@bp.route("/staff/calls/<int:call_id>/organizations")
@role_required(*DEPARTMENT_ROLES)
def queue_organizations(call_id: int):
    """The queue's type-ahead: a few organizations that applied to the call whose name holds the text typed."""
    call = db.get_or_404(Call, call_id)
    found = queries.queue_organizations(call.id, request.args.get("q", ""), TYPE_AHEAD_SIZE)
    return jsonify([{"id": org_id, "name": name} for org_id, name in found])


@bp.route("/staff/applications/<int:proposal_id>/check")
@role_required(*DEPARTMENT_ROLES)
def check(proposal_id: int):
    """The staff's check: checklist, automatic checks, possible duplicates, screening actions."""
    proposal = authorized(queries.load_proposal(proposal_id), "can_view_check")
    form = ScreeningForm(due_on=services.suggested_supplement_due_on(proposal))
    return render_template("proposals/check.html", **_check_context(proposal, form))


def _check_context(proposal: Proposal, action_form: ScreeningForm, failed_action: str | None = None) -> dict:
    """What the check page shows; after a refused action, the form keeps the input and its error."""
    versions = queries.versions(proposal.id)
    return dict(
        proposal=proposal,
        checklist=_checklist_form(proposal, document_ids=proposal.checked_document_ids),
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
    proposal = authorized(queries.load_proposal(proposal_id), "can_screen")
    form = _checklist_form(proposal)
    return run_small_form(
        form,
        lambda: services.set_checklist(proposal, form.document_ids.data or [], current_user),
        success=_("The checklist has been saved."),
        back=url_for("proposals.check", proposal_id=proposal_id),
    )
