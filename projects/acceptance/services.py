"""Final acceptance (nghiệm thu, TT 11/2014): the host's final dossier, the acceptance council and its members'
ratings, attendance, and the conclusion that grades the project. Then closing an accepted project (result
registration — TT 14/2014 —, settlement, assets, liquidation), or deciding the recovery of the funds of a failed or
terminated one."""

from decimal import Decimal
from fractions import Fraction

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from accounts.models import REVIEWERS, Organization, User
from core.audit import record_event
from core.errors import DomainError
from core.extensions import db
from core.formatting import to_local, utcnow
from core.register import claim
from core.workflow import perform_transition
from policies.models import Regime
from projects.acceptance.models import ACCEPTANCE_TRANSITIONS, AcceptanceCouncil, AcceptanceMember, ProductRating
from projects.acceptance.rating import MemberInput, Rating, rate_project
from projects.contracts.documents import attach_files
from projects.contracts.models import DOSSIER_STATES, Project
from projects.contracts.services import move_project
from projects.money.closing import account_blockers, close_account, record_final_settlement
from projects.money.ledger import check_day
from projects.money.services import decide_recovery
from projects.signals import acceptance_changed
from review.councils.assignments import detect_conflict, organization_domains
from review.experts.queries import expertise_of
from review.results.scoring import Attendee, Quorum, RuleSpec, quorum

DOSSIER_TEXTS = ("final_report", "product_report", "financial_report", "self_assessment")


def submit_dossier(project: Project, data: dict, uploads: list[FileStorage], user: User) -> None:
    """The host submits the final dossier (reports, self-assessment, files); flagged late after the due date."""
    if project.status not in DOSSIER_STATES:
        raise DomainError(_("The final dossier can be submitted only while the project runs."))
    for name in DOSSIER_TEXTS:
        setattr(project, name, data[name])
    project.dossier_submitted_at = utcnow()
    project.dossier_late = to_local(project.dossier_submitted_at).date() > project.dossier_due_on
    attach_files(project, "dossier", None, uploads, user)
    move_project(project, "acceptance_submitted", user)


def _check_members(project: Project, secretary_id: int | None, rows: list[tuple[int, str]]) -> None:
    """As many active reviewers as the regime asks (5 to 9 by default), each once, one chair, the secretary not among
    them, nobody with a detected conflict with the host organization (project's regime loaded)."""
    user_ids = [user_id for user_id, _role in rows]
    low, high = project.regime.acceptance_council_min, project.regime.acceptance_council_max
    if not low <= len(user_ids) <= high:
        raise DomainError(_("An acceptance council has %(low)d to %(high)d members.", low=low, high=high), "members")
    if len(set(user_ids)) != len(user_ids):
        raise DomainError(_("A person can hold only one seat on the council."), "members")
    if sum(1 for _user, role in rows if role == "chair") != 1:
        raise DomainError(_("The council needs exactly one chair."), "members")
    if secretary_id in user_ids:
        raise DomainError(_("The administrative secretary does not vote and cannot also be a member."), "members")
    secretary = db.session.get(User, secretary_id) if secretary_id else None
    if secretary is None or not secretary.has_role("staff"):
        raise DomainError(_("Choose the administrative secretary among the department staff."), "admin_secretary_id")
    users = db.session.execute(
        select(User).where(User.id.in_(user_ids)).options(selectinload(User.membership))
    ).scalars()
    found = {u.id: u for u in users}
    domains = organization_domains({project.organization_id})[project.organization_id]
    organization = db.session.get(Organization, project.organization_id)
    expertise = expertise_of(user_ids)
    for user_id in user_ids:
        user = found.get(user_id)
        if user is None or not user.active or not user.has_role(*REVIEWERS):
            raise DomainError(_("Council members must be active users with the reviewer role."), "members")
        reason = detect_conflict(user, organization, domains, expertise[user_id], project.regime.conflict_years)
        if reason:
            raise DomainError(
                _("%(name)s cannot sit on this council: %(reason)s", name=user.full_name, reason=reason), "members"
            )


def save_council(project: Project, council: AcceptanceCouncil | None, data: dict, user: User) -> AcceptanceCouncil:
    """Form the acceptance council (the project moves into acceptance; a re-evaluation after a failed one forms
    round 2 and needs a reason), or change it while it is being formed."""
    if council is not None and council.status != "forming":
        raise DomainError(_("The rating has opened: the council can no longer change."))
    _check_members(project, data["admin_secretary_id"], data["members"])
    if council is None:
        if project.status not in ("acceptance_submitted", "not_accepted"):
            raise DomainError(_("An acceptance council is formed once the final dossier is submitted."))
        last = db.session.execute(
            select(func.max(AcceptanceCouncil.round)).where(AcceptanceCouncil.project_id == project.id)
        ).scalar()
        council = AcceptanceCouncil(
            project_id=project.id, round=(last or 0) + 1, members=[], rating_rule=project.regime.acceptance_rule
        )
        db.session.add(council)
        move_project(project, "in_acceptance", user, data["comment"])
    for name in ("name", "meeting_at", "place", "admin_secretary_id"):
        setattr(council, name, data[name])
    existing = {m.user_id: m for m in council.members}
    council.members = []
    for position, (user_id, role) in enumerate(data["members"], start=1):
        seat = existing.get(user_id) or AcceptanceMember(user_id=user_id)
        seat.role, seat.position = role, position
        council.members.append(seat)
    db.session.flush()
    record_event("save", "acceptance_council", council.id, actor=user)
    return council


def open_rating(council: AcceptanceCouncil, project: Project, user: User) -> None:
    """Open the rating (its members are told, with the link to the rating page)."""
    perform_transition(council, ACCEPTANCE_TRANSITIONS, "rating", user, "acceptance_council", signal=acceptance_changed)


def declare_interest(
    council: AcceptanceCouncil, seat: AcceptanceMember, conflicted: bool, reason: str, user: User
) -> None:
    """The member declares no conflict with the project (its dossier and rating open) or a conflict (they are
    recused: no rating, not counted in the quorum nor the grade)."""
    if council.status != "rating":
        raise DomainError(_("The rating of this council is not open."))
    if seat.submitted_at is not None:
        raise DomainError(_("This declaration can no longer change."))
    if conflicted and not reason.strip():
        raise DomainError(_("Please say what the conflict is."), "reason")
    seat.conflict, seat.conflict_reason = ("declared", reason.strip()) if conflicted else ("none", "")
    if conflicted:
        seat.present = None
    seat.declared_at = utcnow()
    record_event("declare", "acceptance_member", seat.id, to_state=seat.conflict, comment=reason, actor=user)


def save_rating(council: AcceptanceCouncil, seat: AcceptanceMember, data: dict, submitting: bool, user: User) -> None:
    """A member's rating, saved as a draft or submitted (then locked); submitting needs every level."""
    if council.status != "rating":
        raise DomainError(_("The rating of this council is not open."))
    if not seat.is_open:
        raise DomainError(_("Declare whether you have a conflict of interest first."))
    if seat.submitted_at is not None:
        raise DomainError(_("Your rating was submitted and can no longer change."))
    if submitting:
        for name, value in data["levels"].items():
            if not value[0] or not value[1]:
                raise DomainError(
                    _("Rate every product on quantity and quality before submitting."), f"quantity_{name}"
                )
        if not data["report_level"]:
            raise DomainError(_("Rate the final report before submitting."), "report_level")
        if council.rating_rule == "points" and data["points"] is None:
            raise DomainError(_("Give your points before submitting."), "points")
    current = {r.product_id: r for r in seat.ratings}
    for product_id, (quantity, quality) in data["levels"].items():
        row = current.get(product_id)
        if row is None:
            row = ProductRating(product_id=product_id)
            seat.ratings.append(row)
        row.quantity, row.quality = quantity or None, quality or None
    seat.report_level, seat.points, seat.comment = data["report_level"] or None, data["points"], data["comment"]
    if submitting:
        seat.submitted_at = utcnow()
    db.session.flush()
    record_event("submit" if submitting else "save", "acceptance_member", seat.id, actor=user)


def record_attendance(council: AcceptanceCouncil, present_ids: set[int], user: User) -> None:
    """Who attended the meeting: the members ticked are present, the others absent (the recused ones neither)."""
    if council.status != "rating":
        raise DomainError(_("Attendance is recorded while the council rates the project."))
    for seat in council.members:
        seat.present = None if seat.is_recused else seat.id in present_ids
    record_event(
        "attendance",
        "acceptance_council",
        council.id,
        actor=user,
        comment=", ".join(str(s.id) for s in council.members if s.present),
    )


def council_quorum(council: AcceptanceCouncil, regime: Regime) -> Quorum:
    """The regime's share of the members present (two thirds by default), the chair or the vice-chair among them:
    the quorum part of a review council's rule."""
    rule = RuleSpec(
        pass_threshold=Decimal(0), quorum_share=Fraction(regime.acceptance_quorum), quorum_needs_reviewers=False
    )
    return quorum([Attendee(s.id, s.role, s.present) for s in _taking_part(council)], rule)


def _taking_part(council: AcceptanceCouncil) -> list[AcceptanceMember]:
    """The members who did not recuse themselves."""
    return [s for s in council.members if not s.is_recused]


def council_rating(council: AcceptanceCouncil, project: Project) -> Rating:
    """The grade the members' ratings give now (members with their ratings, project with regime and products)."""
    members = [
        MemberInput(
            s.id,
            s.present,
            {r.product_id: (r.quantity, r.quality) for r in s.ratings},
            s.report_level,
            s.points,
            submitted=s.submitted_at is not None,
        )
        for s in _taking_part(council)
    ]
    regime = project.regime
    return rate_project(
        [p.id for p in project.products],
        members,
        council.rating_rule,
        regime.acceptance_share,
        regime.points_excellent,
        regime.points_pass,
        project.dossier_late,
    )


def conclude(council: AcceptanceCouncil, project: Project, conclusions: str, user: User) -> Rating:
    """Record the council's conclusion: quorum met and every present member's rating submitted; the grade moves
    the project to accepted (excellent, pass) or not accepted (fail)."""
    if council.status != "rating":
        raise DomainError(_("The rating of this council is not open."))
    if not council_quorum(council, project.regime).met:
        raise DomainError(
            _(
                "No quorum: at least %(share)s of the members, with the chair or the vice-chair, must "
                "be recorded present.",
                share=project.regime.acceptance_quorum,
            )
        )
    waiting = [s.user.full_name for s in council.members if s.present and s.submitted_at is None]
    if waiting:
        raise DomainError(
            _("Members present who have not submitted their rating: %(names)s.", names=", ".join(waiting))
        )
    rating = council_rating(council, project)
    council.grade, council.conclusions, project.grade = rating.grade, conclusions, rating.grade
    perform_transition(
        council, ACCEPTANCE_TRANSITIONS, "concluded", user, "acceptance_council", conclusions, acceptance_changed
    )
    move_project(project, "not_accepted" if rating.grade == "fail" else "accepted", user, conclusions)
    return rating


CLOSING_STATES = ("accepted", "result_registered")
RECOVERY_STATES = ("failed", "terminated")


def register_result(project: Project, data: dict, user: User) -> None:
    """The result is registered (certificate number and date); accepted → result registered."""
    check_day(data["certificate_on"], "certificate_on", project.signed_on, _("the signature of the contract"))
    move_project(project, "result_registered", user, data["certificate_number"])
    project.certificate_number, project.certificate_on = data["certificate_number"], data["certificate_on"]


def _check_closing(project: Project) -> None:
    """The closing steps are recorded between the acceptance and the liquidation."""
    if project.status not in CLOSING_STATES:
        raise DomainError(_("This is recorded once the project is accepted and before the contract is liquidated."))


def _record_step(project: Project, prefix: str, data: dict, user: User) -> None:
    """The asset handling of an accepted project: its date and note."""
    _check_closing(project)
    check_day(data[f"{prefix}_on"], f"{prefix}_on", project.signed_on, _("the signature of the contract"))
    setattr(project, f"{prefix}_on", data[f"{prefix}_on"])
    setattr(project, f"{prefix}_note", data[f"{prefix}_note"])
    record_event(prefix, "project", project.id, actor=user, comment=data[f"{prefix}_note"])


def record_settlement(project: Project, data: dict, user: User) -> None:
    """The final settlement of the funds (quyết toán), with the spending it accepts."""
    _check_closing(project)
    record_final_settlement(project, data, user)
    record_event("settlement", "project", project.id, actor=user, comment=data["settlement_note"])


def record_assets(project: Project, data: dict, user: User) -> None:
    """The assets bought with the support are handled (xử lý tài sản)."""
    _record_step(project, "assets", data, user)


def liquidation_blockers(project: Project) -> list[str]:
    """What is still missing before the contract can be liquidated (empty when it can; tranches loaded)."""
    missing = []
    if project.grade not in ("excellent", "pass"):
        missing.append(_("The acceptance has not graded the project Excellent or Pass."))
    if project.status != "result_registered":
        missing.append(_("The result is not registered yet."))
    missing.extend(account_blockers(project))
    if project.assets_on is None:
        missing.append(_("The handling of the assets is not recorded yet."))
    return missing


def liquidate(project: Project, data: dict, user: User) -> None:
    """Liquidate the contract once every prerequisite is met and the account closes: the record states the final
    account, approves the final payment it leaves and cancels the other unpaid tranches."""
    missing = liquidation_blockers(project)
    if missing:
        raise DomainError(" ".join(missing), "liquidation_number")
    claim("liquidation", project.id, data["liquidation_number"], data["liquidated_on"], "liquidation_number")
    close_account(project, data["liquidation_number"], data["liquidated_on"])
    move_project(project, "liquidated", user, data["liquidation_number"])
    project.liquidation_number, project.liquidated_on = data["liquidation_number"], data["liquidated_on"]


def decide_failed_recovery(project: Project, data: dict, user: User) -> None:
    """The recovery of a failed or terminated project's funds (projects.money.services.decide_recovery)."""
    if project.status not in RECOVERY_STATES:
        raise DomainError(_("A recovery is decided for a failed or terminated project."))
    decide_recovery(project, data, user)
