"""The department's pages of a council's decisions: the recommended applications with their decisions, drafting one,
a leader approving it or not, the waiting list, and an approved organization declining its support."""

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts.decorators import role_required
from accounts.models import DEPARTMENT_ROLES, LEADERS, MANAGERS
from core.documents import document_response
from core.edge import authorized, finish, run_form, run_small_form
from core.extensions import db
from core.forms import CommentForm, check_version
from core.register import suggest
from proposals.models import Proposal
from proposals.queries import load_proposal
from review import bp
from review.councils.models import Council
from review.councils.queries import load_council
from review.decisions import services, waiting
from review.decisions.forms import DecisionForm
from review.decisions.models import DECISION_STATES, Decision
from review.decisions.queries import council_decisions, load_decision
from review.results.aggregation import council_results


@bp.route("/staff/councils/<int:council_id>/decisions")
@role_required(*DEPARTMENT_ROLES)
def decisions_page(council_id: int):
    """The recommended applications with their decisions; leaders approve, staff release them together."""
    council = load_council(council_id)
    return render_template(
        "review/decisions.html",
        council=council,
        results=council_results(council, outcome="funded") if council.status in ("ranked", "released") else None,
        decisions=council_decisions(council.id),
        waiting=waiting.waiting_list(council),
        ready=services.release_blockers(council) == "",
        action_form=CommentForm(),
    )


def _decision_records(council_id: int, proposal_id: int) -> tuple[Council, Proposal, Decision]:
    """The council (run by the current user, else 403), one of its call's applications (else 404) and its decision,
    or a new one."""
    council = authorized(load_council(council_id), "can_manage")
    proposal = load_proposal(proposal_id)
    if proposal.call_id != council.call_id:
        abort(404)
    return council, proposal, council_decisions(council.id).get(proposal_id) or Decision()


def _decision_form(proposal: Proposal, record: Decision) -> DecisionForm:
    """The decision's form: the saved decision, or on a first draft the support requested."""
    form = DecisionForm(obj=record if request.method == "GET" and record.id else None)
    if request.method == "GET" and not record.id:
        form.approved_vnd.data, form.signer.data = proposal.support_total_vnd, ""
        suggest(form.number, "decision")
    return form


@bp.route("/staff/councils/<int:council_id>/decisions/<int:proposal_id>", methods=["GET", "POST"])
@role_required(*MANAGERS)
def decision(council_id: int, proposal_id: int):
    """Draft or correct the decision of one recommended application."""
    council, proposal, record = _decision_records(council_id, proposal_id)
    form = _decision_form(proposal, record)

    def save() -> Decision:
        if record.id:
            check_version(record, form)
        return services.save_decision(record, council, proposal, form.to_data(), current_user)

    back = url_for("review.decisions_page", council_id=council_id)
    return run_form(
        form,
        save,
        page=lambda shown: _decision_page(*shown, form),
        done=lambda _saved: finish(_("The decision was saved."), back),
        records=(council, proposal, record),
        reload=lambda: _decision_records(council_id, proposal_id),
    )


@bp.route("/staff/councils/<int:council_id>/waiting-list/<int:proposal_id>", methods=["POST"])
@role_required(*MANAGERS)
def recommend_waiting(council_id: int, proposal_id: int):
    """Staff recommend an application of the waiting list that fits in the support freed, then draft its decision."""
    council, proposal, _record = _decision_records(council_id, proposal_id)
    return run_small_form(
        CommentForm(),
        lambda: waiting.recommend_waiting(council, proposal, current_user),
        success=_("The application is recommended from the waiting list: draft its decision for the leader."),
        back=url_for("review.decisions_page", council_id=council_id),
        onward=url_for("review.decision", council_id=council_id, proposal_id=proposal_id),
    )


@bp.route("/staff/councils/<int:council_id>/decisions/<int:proposal_id>/withdrawal", methods=["POST"])
@role_required(*MANAGERS)
def record_withdrawal(council_id: int, proposal_id: int):
    """Staff record that an approved organization declines its support: it goes back to the waiting list."""
    council, proposal, _record = _decision_records(council_id, proposal_id)
    form = CommentForm()
    return run_small_form(
        form,
        lambda: waiting.record_withdrawal(council, proposal, form.comment.data or "", current_user),
        success=_("The application is withdrawn and its support is back in the call's envelope: see the waiting list."),
        back=url_for("review.decisions_page", council_id=council_id),
    )


def _decision_page(council: Council, proposal: Proposal, record: Decision, form: DecisionForm) -> str:
    """The decision's form beside the application it decides."""
    return render_template("review/decision.html", council=council, proposal=proposal, decision=record, form=form)


@bp.route("/staff/decisions/<int:decision_id>/transition/<to_state>", methods=["POST"])
@role_required(*LEADERS)
def transition_decision(decision_id: int, to_state: str):
    """A leader approves a decision (committing its amount) or does not approve it."""
    record = db.get_or_404(Decision, decision_id)
    council = load_council(record.council_id)
    form = CommentForm()
    return run_small_form(
        form,
        lambda: services.decide(record, council, to_state, current_user, (form.comment.data or "").strip()),
        success=_("The decision is now: %(state)s.", state=DECISION_STATES.get(to_state, to_state)),
        back=url_for("review.decisions_page", council_id=council.id),
    )


@bp.route("/decisions/<int:decision_id>/document", defaults={"form": "html"})
@bp.route("/decisions/<int:decision_id>/document.<any(pdf, docx):form>")
@login_required
def decision_document(decision_id: int, form: str):
    """The decision as the official document the leader signs: its print view, PDF or Word file."""
    record = authorized(load_decision(decision_id))
    return document_response(
        "documents/decision.html",
        f"quyet-dinh-{record.proposal.reference_code}",
        form,
        decision=record,
        back=url_for("proposals.detail", proposal_id=record.proposal_id),
    )
