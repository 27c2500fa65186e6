"""The department's pages of the review: councils of the calls, forming one, running it, decisions."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from accounts.decorators import role_required
from accounts.models import DEPARTMENT_ROLES, MANAGERS
from accounts.services import users_with_role
from core.errors import DomainError, StaleObjectError
from core.extensions import db
from core.forms import CommentForm, check_version, field_errors_from
from core.i18n import localized
from core.paging import page_number
from policies.evaluation import EvaluationRule, ScoreSheetTemplate
from policies.services import load_call
from proposals.models import Proposal
from proposals.queries import load_proposal
from review import decisions, queries, services
from review.forms import AttendanceForm, CouncilForm, DecisionForm, ReviewersForm
from review.models import COUNCIL_STATES, COUNCIL_TRANSITIONS, DECISION_STATES, Council, Decision
from review.results import council_quorum, council_results
from review.views import bp, run_small_form


@bp.route("/staff/councils")
@role_required(*DEPARTMENT_ROLES)
def councils():
    """The published calls, each with its council or the number of valid applications waiting for one."""
    page = queries.calls_page(page_number(), current_app.config["PAGE_SIZE"])
    ids = [call.id for call in page.items]
    return render_template(
        "review/councils.html", page=page, councils=queries.councils_of_calls(ids), waiting=queries.valid_counts(ids)
    )


def _council_form(**kwargs: object) -> CouncilForm:
    form = CouncilForm(**kwargs)
    form.offer_people(users_with_role("staff"), users_with_role("reviewer"))
    templates = db.session.execute(select(ScoreSheetTemplate).order_by(ScoreSheetTemplate.id)).scalars()
    rules = db.session.execute(select(EvaluationRule).order_by(EvaluationRule.id)).scalars()
    form.template_id.choices = [(t.id, localized(t, "name")) for t in templates]
    form.rule_id.choices = [(r.id, localized(r, "name")) for r in rules]
    return form


@bp.route("/staff/calls/<int:call_id>/council", methods=["GET", "POST"])
@role_required(*MANAGERS)
def council_form(call_id: int):
    """Form the call's council, or change it: members and roles only until scoring opens."""
    call = load_call(call_id)
    council = queries.council_of_call(call_id) or Council(name=_("Review council of call %(code)s", code=call.code))
    form = _council_form()
    if request.method == "GET":
        if council.id:
            form.fill(council)
        else:
            form.name.data = council.name
    elif form.validate_on_submit():
        try:
            if council.id:
                check_version(council, form)
            services.save_council(council, call, form.to_data(), current_user)
        except (DomainError, StaleObjectError) as error:
            db.session.rollback()  # the page is shown again from fresh records, with what was typed
            field_errors_from(form, error)
            call, council = load_call(call_id), queries.council_of_call(call_id) or Council(name=form.name.data)
        else:
            db.session.commit()
            flash(_("The council was saved."), "success")
            return redirect(url_for("review.council", council_id=council.id))
    return render_template("review/council_form.html", call=call, council=council, form=form), (
        400 if form.errors else 200
    )


def _managed(council_id: int) -> Council:
    council = queries.load_council(council_id)
    if not council.can_manage(current_user):
        abort(403)
    return council


@bp.route("/staff/councils/<int:council_id>")
@role_required(*DEPARTMENT_ROLES)
def council(council_id: int):
    """The council: composition and its check, attendance and quorum, applications with reviewers, declarations
    and sheets received, and the moves allowed now."""
    council = queries.load_council(council_id)
    states = services.COUNCIL_PROPOSAL_STATES[council.status]
    page = queries.council_proposals_page(council, states, page_number(), current_app.config["PAGE_SIZE"])
    by_proposal: dict[int, list] = {}
    for entry in queries.council_entries(council.id, [p.id for p in page.items]):
        by_proposal.setdefault(entry.proposal_id, []).append(entry)
    rule = council.rule
    return render_template(
        "review/council.html",
        council=council,
        page=page,
        by_proposal=by_proposal,
        seats={m.id: m for m in council.members},
        findings=services.composition_findings(council, rule),
        quorum=council_quorum(council, rule),
        waiting=len(services.waiting_applications(council)),
        actions=[(to, t) for (frm, to), t in COUNCIL_TRANSITIONS.items() if frm == council.status],
        action_form=CommentForm(),
        attendance_form=AttendanceForm(),
    )


@bp.route("/staff/councils/<int:council_id>/transition/<to_state>", methods=["POST"])
@role_required(*MANAGERS)
def transition_council(council_id: int, to_state: str):
    """Open scoring, close it, reopen it, record the conclusions or release the decisions."""
    council = _managed(council_id)
    form = CommentForm()
    act = lambda: services.move_council(council, to_state, current_user, (form.comment.data or "").strip())  # noqa: E731
    run_small_form(form, act, _("The council is now: %(state)s.", state=COUNCIL_STATES.get(to_state, to_state)))
    return redirect(url_for("review.council", council_id=council_id))


@bp.route("/councils/<int:council_id>/attendance", methods=["POST"])
@login_required
def attendance(council_id: int):
    """Staff or the chair record who is present at the session."""
    council = queries.load_council(council_id)
    if not council.can_record_attendance(current_user):
        abort(403 if current_user.is_department else 404)
    form = AttendanceForm()
    act = lambda: services.record_attendance(council, set(form.present.data or []), current_user)  # noqa: E731
    run_small_form(form, act, _("Attendance recorded."))
    back = "review.council" if current_user.is_department else "review.results_page"
    return redirect(url_for(back, council_id=council_id))


@bp.route("/staff/councils/<int:council_id>/applications/<int:proposal_id>/reviewers", methods=["GET", "POST"])
@role_required(*MANAGERS)
def reviewers(council_id: int, proposal_id: int):
    """Change an application's reviewers (phản biện) among the members without a conflict."""
    council = _managed(council_id)
    rows = queries.load_assignments(council.id, proposal_id)
    if not rows:
        abort(404)
    form = ReviewersForm()
    if form.validate_on_submit():
        try:
            services.set_reviewers(council, proposal_id, form.member_ids.data or [], current_user)
        except DomainError as error:
            db.session.rollback()
            field_errors_from(form, error)
            council, rows = _managed(council_id), queries.load_assignments(council_id, proposal_id)
        else:
            db.session.commit()
            flash(_("The reviewers were changed."), "success")
            return redirect(url_for("review.council", council_id=council_id))
    elif request.method == "GET":
        form.member_ids.data = [a.member_id for a in rows if a.is_reviewer]
    seats = {m.id: m for m in council.members}
    return render_template(
        "review/reviewers.html",
        council=council,
        proposal=db.get_or_404(Proposal, proposal_id),
        rows=rows,
        seats=seats,
        form=form,
    ), 400 if form.errors else 200


@bp.route("/staff/councils/<int:council_id>/decisions")
@role_required(*DEPARTMENT_ROLES)
def decisions_page(council_id: int):
    """The recommended applications with their decisions; leaders approve, staff release them together."""
    council = queries.load_council(council_id)
    found = council_results(council) if council.status in ("ranked", "released") else None
    made = queries.council_decisions(council.id)
    return render_template(
        "review/decisions.html",
        council=council,
        results=found,
        decisions=made,
        ready=services.release_blockers(council) == "",
        action_form=CommentForm(),
    )


@bp.route("/staff/councils/<int:council_id>/decisions/<int:proposal_id>", methods=["GET", "POST"])
@role_required(*MANAGERS)
def decision(council_id: int, proposal_id: int):
    """Draft or correct the decision of one recommended application."""
    council = _managed(council_id)
    proposal = load_proposal(proposal_id)
    if proposal.call_id != council.call_id:
        abort(404)
    record = queries.council_decisions(council.id).get(proposal_id) or Decision()
    form = DecisionForm(obj=record if request.method == "GET" and record.id else None)
    if request.method == "GET" and not record.id:
        form.approved_vnd.data, form.signer.data = proposal.support_total_vnd, ""
    if form.validate_on_submit():
        try:
            if record.id:
                check_version(record, form)
            decisions.save_decision(record, council, proposal, form.to_data(), current_user)
        except (DomainError, StaleObjectError) as error:
            db.session.rollback()
            field_errors_from(form, error)
            council, proposal = _managed(council_id), load_proposal(proposal_id)
            record = queries.council_decisions(council.id).get(proposal_id) or Decision()
        else:
            db.session.commit()
            flash(_("The decision was saved."), "success")
            return redirect(url_for("review.decisions_page", council_id=council_id))
    return render_template(
        "review/decision.html", council=council, proposal=proposal, form=form, decision=record
    ), 400 if form.errors else 200


@bp.route("/staff/decisions/<int:decision_id>/transition/<to_state>", methods=["POST"])
@role_required("leader")
def transition_decision(decision_id: int, to_state: str):
    """A leader approves a decision (committing its amount) or does not approve it."""
    record = db.get_or_404(Decision, decision_id)
    council = queries.load_council(record.council_id)
    form = CommentForm()
    act = lambda: decisions.decide(record, council, to_state, current_user, (form.comment.data or "").strip())  # noqa: E731
    run_small_form(form, act, _("The decision is now: %(state)s.", state=DECISION_STATES.get(to_state, to_state)))
    return redirect(url_for("review.decisions_page", council_id=council.id))
