"""The project page (host and department), its moves and its documents; the contract of an approved application and
its annex; the tranches: the host's request and staff's approval (finance's records are in projects.money)."""

from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts.decorators import role_required
from accounts.models import DEPARTMENT_ROLES, MANAGERS
from core.documents import document_response
from core.edge import attempt, authorized, finish, run_form, run_small_form, said
from core.extensions import db
from core.forms import CommentForm, field_errors_from
from core.paging import page_number
from core.register import suggest
from policies.models import Regime
from projects import bp
from projects.acceptance.queries import acceptance_section
from projects.contracts import queries, services
from projects.contracts.documents import is_draft_report_file, project_files, send_project_file
from projects.contracts.files import ProjectFile
from projects.contracts.forms import ContractForm, TrancheRequestForm
from projects.contracts.models import Project
from projects.contracts.queries import load_project
from projects.contracts.scope import contract_scope
from projects.fixed.queries import fixed_amount_calls, is_fixed_award
from projects.followup.queries import follow_section
from projects.money.queries import money_section
from projects.official import project_documents
from projects.portfolio.queries import health_section
from proposals.models import Proposal
from proposals.queries import load_proposal
from proposals.versions import SECTIONS


@bp.route("/projects/<int:project_id>")
@login_required
def detail(project_id: int):
    """The project: contract, tranches, reports, inspections, adjustments, acceptance and closing, with the moves
    the user may make."""
    return _detail_page(authorized(load_project(project_id)))


def _detail_page(project: Project, refused_request: TrancheRequestForm | None = None, tranche_id: int = 0) -> str:
    """The project's page; a refused payment request is shown again under its tranche with its note and why."""
    documents = project_files(project.id)
    acceptance = acceptance_section(project, documents)
    return render_template(
        "projects/detail.html",
        project=project,
        documents=documents,
        official_documents=project_documents(project, acceptance["acceptance_councils"], current_user),
        action_form=CommentForm(),
        refused_request=refused_request,
        refused_tranche_id=tranche_id,
        **health_section(project),
        **money_section(project),
        **follow_section(project, documents),
        **acceptance,
    )


@bp.route("/projects/<int:project_id>/transition/<to_state>", methods=["POST"])
@login_required
def transition(project_id: int, to_state: str):
    """A project move from its table (start, suspend, resume, call for the dossier, terminate, declare failed)."""
    project = authorized(load_project(project_id), "can_decide")
    form = CommentForm()
    return run_small_form(
        form,
        lambda: services.move_by_hand(project, to_state, current_user, form.comment.data or ""),
        success=_("The project was updated."),
        back=url_for("projects.detail", project_id=project_id),
    )


@bp.route("/projects/<int:project_id>/documents/<int:file_id>")
@login_required
def download(project_id: int, file_id: int):
    """A document of the project, always as an attachment, for those who may see the project (the files of a report
    the host has not submitted yet only for the host)."""
    project = authorized(load_project(project_id))
    record = db.get_or_404(ProjectFile, file_id)
    if record.project_id != project.id or (not project.is_host(current_user) and is_draft_report_file(record)):
        abort(404)
    return send_project_file(record)


@bp.route("/staff/contracts")
@role_required(*DEPARTMENT_ROLES)
def contracts_due():
    """Approved applications waiting for their contract, and the calls whose fixed amounts go in batch decisions."""
    page = queries.contracts_due_page(page_number(), current_app.config["PAGE_SIZE"])
    return render_template("projects/contracts_due.html", page=page, fixed_calls=fixed_amount_calls(), Project=Project)


def _contractable(proposal_id: int) -> Proposal:
    """An approved application waiting for its contract, for staff who may record it (404 for any other)."""
    proposal = load_proposal(proposal_id)
    may = proposal.status == "approved" and Project.can_record_contract(current_user, proposal)
    if not may or is_fixed_award(proposal_id):
        abort(404)
    return proposal


@bp.route("/staff/applications/<int:proposal_id>/contract", methods=["GET", "POST"])
@role_required(*MANAGERS)
def contract_form(proposal_id: int):
    """Sign the contract of an approved application: dates, parties and the disbursement plan (the regime's split
    pre-filled)."""
    proposal = _contractable(proposal_id)
    approved = services.approved_amount(proposal)
    regime = db.session.get(Regime, proposal.call.regime_id)
    form = ContractForm()
    if request.method == "GET":
        form.propose(services.plan_tranches(approved, regime.tranche_split), proposal.organization.legal_rep_name)
        suggest(form.contract_number, "contract")
    return run_form(
        form,
        lambda: services.create_project(proposal, form.to_data(), form.plan(approved), current_user),
        page=lambda shown: render_template(
            "projects/contract_form.html", proposal=shown, form=form, approved=approved, regime=regime
        ),
        done=lambda project: finish(
            _("The contract was recorded: project %(code)s.", code=project.code),
            url_for("projects.detail", project_id=project.id),
        ),
        records=proposal,
        reload=lambda: load_proposal(proposal_id),
    )


@bp.route("/projects/<int:project_id>/contract", defaults={"form": "html"})
@bp.route("/projects/<int:project_id>/contract.<any(pdf, docx):form>")
@login_required
def contract_document(project_id: int, form: str):
    """The contract with its annex as the official document both parties sign: print view, PDF or Word file."""
    project = authorized(load_project(project_id))
    return document_response(
        "documents/contract.html",
        f"hop-dong-{project.code}",
        form,
        project=project,
        decision=services.approved_decision(project.proposal_id),
        scope=contract_scope(project.id),
        back=url_for("projects.detail", project_id=project.id),
    )


@bp.route("/projects/<int:project_id>/annex")
@login_required
def annex(project_id: int):
    """The contract's annex: the support as the decision approved it beside the one requested, the budget as
    approved, the work packages and products, then the application's text as frozen at signature."""
    project = authorized(load_project(project_id))
    return render_template(
        "projects/annex.html",
        project=project,
        scope=contract_scope(project.id),
        content=project.annex,
        sections=SECTIONS,
    )


@bp.route("/projects/<int:project_id>/tranches/<int:tranche_id>/request", methods=["POST"])
@login_required
def request_tranche(project_id: int, tranche_id: int):
    """The host asks for an eligible tranche, with its documents; a refused note or file shows the project's page
    again with the note kept and the reason under it."""
    project = authorized(load_project(project_id), "can_act_as_host")
    tranche = queries.load_tranche(project, tranche_id)
    form = TrancheRequestForm()
    if form.validate_on_submit():
        uploads = request.files.getlist(form.file.name)
        _done, error = attempt(
            lambda: services.request_tranche(tranche, project, form.note.data or "", current_user, uploads)
        )
        if error is None or error.field is None:  # sent, or refused as a whole (the project's state): said
            back = url_for("projects.detail", project_id=project_id, _anchor="tranches")
            return said(error, _("The payment request was sent."), back)
        field_errors_from(form, error)
    return _detail_page(load_project(project_id), form, tranche_id), 400


@bp.route("/projects/<int:project_id>/tranches/<int:tranche_id>/review/<to_state>", methods=["POST"])
@login_required
def review_tranche(project_id: int, tranche_id: int, to_state: str):
    """Staff approve a request for payment, or return it with a reason."""
    project = authorized(load_project(project_id), "can_manage")
    tranche = queries.load_tranche(project, tranche_id)
    form = CommentForm()
    return run_small_form(
        form,
        lambda: services.review_request(tranche, project, to_state, current_user, form.comment.data or ""),
        success=_("The tranche was updated."),
        back=url_for("projects.detail", project_id=project_id, _anchor="tranches"),
    )
