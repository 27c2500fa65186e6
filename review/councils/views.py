"""The department's pages of a council: the councils of the calls, forming one, running it, attendance, reviewers."""

from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from accounts.decorators import role_required
from accounts.models import DEPARTMENT_ROLES, MANAGERS
from accounts.services import users_with_role
from core.edge import authorized, finish, run_form, run_small_form
from core.extensions import db
from core.forms import CommentForm, check_version
from core.i18n import localized
from core.paging import page_number
from core.workflow import allowed_targets
from policies.evaluation import EvaluationRule, ScoreSheetTemplate
from policies.models import Call
from policies.services import load_call
from proposals.models import Proposal
from review import bp
from review.councils import assignments, queries, services
from review.councils.forms import CouncilAttendanceForm, CouncilForm, ReviewersForm
from review.councils.models import COUNCIL_PROPOSAL_STATES, COUNCIL_STATES, COUNCIL_TRANSITIONS, Assignment, Council
from review.experts.queries import member_fits
from review.results.inputs import council_quorum


@bp.route("/staff/councils")
@role_required(*DEPARTMENT_ROLES)
def councils():
    """The published calls, each with its council or the number of valid applications waiting for one."""
    page = queries.calls_page(page_number(), current_app.config["PAGE_SIZE"])
    ids = [call.id for call in page.items]
    return render_template(
        "review/councils.html",
        page=page,
        councils=queries.councils_of_calls(ids),
        waiting=queries.valid_counts(ids),
        can_form=Council.can_form(current_user),
    )


def _council_form(council: Council) -> CouncilForm:
    """The council form with its choices (people, score sheets, rules), showing the saved council on a GET."""
    form = CouncilForm()
    form.offer_people(users_with_role("staff"), users_with_role("reviewer"))
    templates = db.session.execute(select(ScoreSheetTemplate).order_by(ScoreSheetTemplate.id)).scalars()
    rules = db.session.execute(select(EvaluationRule).order_by(EvaluationRule.id)).scalars()
    form.template_id.choices = [(t.id, localized(t, "name")) for t in templates]
    form.rule_id.choices = [(r.id, localized(r, "name")) for r in rules]
    if request.method == "GET" and council.id:
        form.fill(council)
    elif request.method == "GET":
        form.name.data = council.name
    return form


def _call_council(call_id: int) -> tuple[Call, Council]:
    """The call and its council, or a new one."""
    call = load_call(call_id)
    return call, queries.council_of_call(call_id) or Council(name=_("Review council of call %(code)s", code=call.code))


@bp.route("/staff/calls/<int:call_id>/council", methods=["GET", "POST"])
@role_required(*MANAGERS)
def council_form(call_id: int):
    """Form the call's council, or change it: members and roles only until scoring opens."""
    call, council = _call_council(call_id)
    form = _council_form(council)

    def save() -> Council:
        if council.id:
            check_version(council, form)
        return services.save_council(council, call, form.to_data(), current_user)

    return run_form(
        form,
        save,
        page=lambda shown: render_template("review/council_form.html", call=shown[0], council=shown[1], form=form),
        done=lambda saved: finish(_("The council was saved."), url_for("review.council", council_id=saved.id)),
        records=(call, council),
        reload=lambda: _call_council(call_id),
    )


def _managed(council_id: int) -> Council:
    """A council the current user runs (staff), else 403."""
    return authorized(queries.load_council(council_id), "can_manage")


@bp.route("/staff/councils/<int:council_id>")
@role_required(*DEPARTMENT_ROLES)
def council(council_id: int):
    """The council: composition and its check, attendance and quorum, applications with reviewers, declarations
    and sheets received, and the moves allowed now."""
    council = queries.load_council(council_id)
    states = COUNCIL_PROPOSAL_STATES[council.status]
    page = queries.council_proposals_page(council, states, page_number(), current_app.config["PAGE_SIZE"])
    return render_template(
        "review/council.html",
        council=council,
        page=page,
        by_proposal=queries.entries_by_proposal(council.id, [p.id for p in page.items]),
        seats={m.id: m for m in council.members},
        findings=services.composition_findings(council, council.rule),
        quorum=council_quorum(council, council.rule),
        counting_head_id=queries.counting_head_id(council.id),
        waiting=len(queries.waiting_applications(council)),
        short=queries.short_of_reviewers(council.id, council.rule.reviewers_per_application)
        if council.status in ("forming", "scoring")
        else 0,
        actions=allowed_targets(COUNCIL_TRANSITIONS, council.status, current_user),
        action_form=CommentForm(),
    )


@bp.route("/staff/councils/<int:council_id>/transition/<to_state>", methods=["POST"])
@role_required(*MANAGERS)
def transition_council(council_id: int, to_state: str):
    """Open scoring, close it, reopen it, record the conclusions or release the decisions."""
    council = _managed(council_id)
    form = CommentForm()
    return run_small_form(
        form,
        lambda: services.move_council(council, to_state, current_user, (form.comment.data or "").strip()),
        success=_("The council is now: %(state)s.", state=COUNCIL_STATES.get(to_state, to_state)),
        back=url_for("review.council", council_id=council_id),
    )


@bp.route("/councils/<int:council_id>/attendance", methods=["POST"])
@login_required
def attendance(council_id: int):
    """Staff or the chair record who is present at the session."""
    council = authorized(queries.load_council(council_id), "can_record_attendance")
    form = CouncilAttendanceForm()
    back = "review.council" if current_user.is_department else "review.results_page"
    present = set(form.present.data or [])
    return run_small_form(
        form,
        lambda: services.record_attendance(council, present, current_user, form.counting_head.data or 0),
        success=_("Attendance recorded."),
        back=url_for(back, council_id=council_id),
    )


def _reviewer_rows(council_id: int, proposal_id: int) -> tuple[Council, list[Assignment]]:
    """The council and an application's assignments before it, else 404."""
    council = _managed(council_id)
    rows = queries.load_assignments(council.id, proposal_id)
    if not rows:
        abort(404)
    return council, rows


@bp.route("/staff/councils/<int:council_id>/applications/<int:proposal_id>/reviewers", methods=["GET", "POST"])
@role_required(*MANAGERS)
def reviewers(council_id: int, proposal_id: int):
    """Change an application's reviewers (phản biện) among the members without a conflict."""
    council, rows = _reviewer_rows(council_id, proposal_id)
    form = ReviewersForm()
    if request.method == "GET":
        form.member_ids.data = [a.member_id for a in rows if a.is_reviewer]
    return run_form(
        form,
        lambda: assignments.set_reviewers(council, proposal_id, form.member_ids.data or [], current_user),
        page=lambda shown: _reviewers_page(*shown, proposal_id, form),
        done=lambda _none: finish(_("The reviewers were changed."), url_for("review.council", council_id=council_id)),
        records=(council, rows),
        reload=lambda: _reviewer_rows(council_id, proposal_id),
    )


def _reviewers_page(council: Council, rows: list[Assignment], proposal_id: int, form: ReviewersForm) -> str:
    """The reviewers page of one application."""
    proposal = db.session.execute(
        select(Proposal)
        .where(Proposal.id == proposal_id)
        .options(joinedload(Proposal.sector), selectinload(Proposal.priority_items))
    ).scalar_one()
    return render_template(
        "review/reviewers.html",
        council=council,
        proposal=proposal,
        rows=rows,
        seats={m.id: m for m in council.members},
        fits=member_fits(list(council.members), proposal),
        items={item.id: item for item in proposal.priority_items},
        form=form,
    )
