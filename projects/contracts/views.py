"""The project page (host and department), its moves and its documents; the contract of an approved application and
its annex; the tranches: the host's request, staff's approval, finance's payment and settlement."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts.decorators import role_required
from accounts.models import DEPARTMENT_ROLES, MANAGERS
from core.errors import DomainError, StaleObjectError
from core.extensions import db
from core.forms import CommentForm, check_version, field_errors_from
from core.paging import page_number
from policies.models import Regime
from projects import bp
from projects.acceptance.queries import acceptance_section
from projects.contracts import queries, services
from projects.contracts.documents import attach_files, is_draft_report_file, project_files, send_project_file
from projects.contracts.forms import ContractForm, PaymentForm, SettlementForm, TrancheRequestForm
from projects.contracts.models import Project, ProjectFile
from projects.contracts.queries import load_project
from projects.fixed.queries import fixed_amount_calls, is_fixed_award
from projects.followup.queries import follow_section
from projects.portfolio.queries import health_section
from proposals.queries import load_proposal
from proposals.versions import SECTIONS
from review.views import run_small_form


def project_for(project_id: int, predicate: str = "can_view") -> Project:
    """The project if the user passes the predicate: 404 for those who may not see it (outsiders must not learn
    it exists), 403 for those who see it but may not do this."""
    project = load_project(project_id)
    if not project.can_view(current_user):
        abort(404)
    if not getattr(project, predicate)(current_user):
        abort(403)
    return project


@bp.route("/projects/<int:project_id>")
@login_required
def detail(project_id: int):
    """The project: contract, tranches, reports, inspections, adjustments, acceptance and closing, with the moves
    the user may make."""
    project = project_for(project_id)
    documents = project_files(project.id)
    return render_template(
        "projects/detail.html",
        project=project,
        documents=documents,
        action_form=CommentForm(),
        **health_section(project),
        **follow_section(project, documents),
        **acceptance_section(project, documents),
    )


@bp.route("/projects/<int:project_id>/transition/<to_state>", methods=["POST"])
@login_required
def transition(project_id: int, to_state: str):
    """A project move from its table (start, suspend, resume, call for the dossier, terminate, declare failed)."""
    project = project_for(project_id, "can_decide")
    form = CommentForm()
    run_small_form(
        form,
        lambda: services.move_by_hand(project, to_state, current_user, form.comment.data or ""),
        _("The project was updated."),
    )
    return redirect(url_for("projects.detail", project_id=project_id))


@bp.route("/projects/<int:project_id>/documents/<int:file_id>")
@login_required
def download(project_id: int, file_id: int):
    """A document of the project, always as an attachment, for those who may see the project (the files of a report
    the host has not submitted yet only for the host)."""
    project = project_for(project_id)
    record = db.get_or_404(ProjectFile, file_id)
    if record.project_id != project.id or (not project.is_host(current_user) and is_draft_report_file(record)):
        abort(404)
    return send_project_file(record)


@bp.route("/staff/contracts")
@role_required(*DEPARTMENT_ROLES)
def contracts_due():
    """Approved applications waiting for their contract, and the calls whose fixed amounts go in batch decisions."""
    page = queries.contracts_due_page(page_number(), current_app.config["PAGE_SIZE"])
    return render_template("projects/contracts_due.html", page=page, fixed_calls=fixed_amount_calls())


@bp.route("/staff/applications/<int:proposal_id>/contract", methods=["GET", "POST"])
@role_required(*MANAGERS)
def contract_form(proposal_id: int):
    """Sign the contract of an approved application: dates, parties and the disbursement plan (the regime's split
    pre-filled)."""
    proposal = load_proposal(proposal_id)
    if proposal.status != "approved" or proposal.is_member(current_user) or is_fixed_award(proposal_id):
        abort(404)
    approved = services.approved_amount(proposal)
    regime = db.session.get(Regime, proposal.call.regime_id)
    form = ContractForm()
    if request.method == "GET":
        form.fill_plan(services.plan_tranches(approved, regime.tranche_split))
        form.host_signer.data = proposal.organization.legal_rep_name
    elif form.validate_on_submit():
        try:
            project = services.create_project(proposal, form.to_data(), form.plan(approved), current_user)
        except DomainError as error:
            db.session.rollback()
            field_errors_from(form, error)
            proposal = load_proposal(proposal_id)
        else:
            db.session.commit()
            flash(_("The contract was recorded: project %(code)s.", code=project.code), "success")
            return redirect(url_for("projects.detail", project_id=project.id))
    page = render_template(
        "projects/contract_form.html", proposal=proposal, form=form, approved=approved, regime=regime
    )
    return page, 400 if form.errors else 200


@bp.route("/projects/<int:project_id>/annex")
@login_required
def annex(project_id: int):
    """The contract's annex: the approved application and its budget as frozen at signature."""
    project = project_for(project_id)
    return render_template("projects/annex.html", project=project, content=project.annex, sections=SECTIONS)


@bp.route("/projects/<int:project_id>/tranches/<int:tranche_id>/request", methods=["POST"])
@login_required
def request_tranche(project_id: int, tranche_id: int):
    """The host asks for an eligible tranche, with its documents."""
    project = project_for(project_id, "can_act_as_host")
    tranche = queries.load_tranche(project, tranche_id)
    form = TrancheRequestForm()
    uploads = request.files.getlist("files")

    def act() -> None:
        services.request_tranche(tranche, project, form.note.data or "", current_user)
        attach_files(project, "tranche", tranche.id, uploads, current_user)

    run_small_form(form, act, _("The payment request was sent."))
    return redirect(url_for("projects.detail", project_id=project_id, _anchor="tranches"))


@bp.route("/projects/<int:project_id>/tranches/<int:tranche_id>/review/<to_state>", methods=["POST"])
@login_required
def review_tranche(project_id: int, tranche_id: int, to_state: str):
    """Staff approve a request for payment, or return it with a reason."""
    project = project_for(project_id, "can_manage")
    tranche = queries.load_tranche(project, tranche_id)
    form = CommentForm()
    comment = form.comment.data or ""
    run_small_form(
        form,
        lambda: services.review_request(tranche, project, to_state, current_user, comment),
        _("The tranche was updated."),
    )
    return redirect(url_for("projects.detail", project_id=project_id, _anchor="tranches"))


@bp.route("/projects/<int:project_id>/tranches/<int:tranche_id>/payment", methods=["GET", "POST"])
@login_required
def payment(project_id: int, tranche_id: int):
    """Finance records an approved tranche's payment, then its settlement by invoices."""
    project = project_for(project_id, "can_pay")
    tranche = queries.load_tranche(project, tranche_id)
    if tranche.status not in ("approved", "paid"):
        abort(404)
    paying = tranche.status == "approved"
    form = PaymentForm() if paying else SettlementForm()
    if request.method == "GET":
        form.version.data = tranche.version
        if paying:
            form.paid_vnd.data = tranche.amount_vnd
    elif form.validate_on_submit():
        try:
            check_version(tranche, form)
            if paying:
                services.pay_tranche(
                    tranche, project, form.paid_on.data, form.paid_vnd.data, form.payment_reference.data, current_user
                )
            else:
                services.settle_tranche(tranche, project, form.settled_on.data, form.invoices_note.data, current_user)
        except (DomainError, StaleObjectError) as error:
            db.session.rollback()
            project = project_for(project_id, "can_pay")
            tranche = queries.load_tranche(project, tranche_id)
            field_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("The payment was recorded.") if paying else _("The settlement was recorded."), "success")
            return redirect(url_for("projects.detail", project_id=project_id, _anchor="tranches"))
    return render_template(
        "projects/payment.html", project=project, tranche=tranche, form=form, paying=paying
    ), 400 if form.errors else 200
