"""Forming and running a council: composition, conflicts of interest detected, reviewers proposed, attendance and the
council's moves (open scoring, close it, record the conclusions, release the decisions)."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from accounts.models import Membership, User
from core.audit import record_event
from core.errors import DomainError
from core.extensions import db
from core.formatting import add_working_days, to_local, utcnow
from core.workflow import perform_transition
from policies.evaluation import COUNCIL_ROLES, EvaluationRule
from policies.models import Call
from proposals import emails as proposal_emails
from proposals.models import PROPOSAL_TRANSITIONS, Proposal
from proposals.signals import proposal_changed
from review import emails, signals
from review.models import COUNCIL_TRANSITIONS, Assignment, Council, CouncilMember, Decision
from review.queries import council_decisions, council_proposals, load_assignments

# Applications of a council in each of its states.
COUNCIL_PROPOSAL_STATES = {
    "forming": ("valid",),
    "scoring": ("in_review",),
    "closed": ("scored",),
    "ranked": ("recommended", "not_selected", "pending_approval"),
    "released": ("approved", "not_approved", "not_selected"),
}


@dataclass(frozen=True)
class Finding:
    """One observation about a council's composition: blocking or only a warning."""

    message: str
    blocking: bool = True


def composition_findings(council: Council, rule: EvaluationRule) -> list[Finding]:
    """What keeps the composition from meeting the rule (members and their users must be loaded)."""
    findings = []
    size = len(council.members)
    if not rule.council_min_size <= size <= rule.council_max_size:
        findings.append(
            Finding(
                _(
                    "The council has %(size)d members; the rule asks for %(low)d to %(high)d.",
                    size=size,
                    low=rule.council_min_size,
                    high=rule.council_max_size,
                )
            )
        )
    for role, needed in (rule.required_roles or {}).items():
        have = sum(1 for m in council.members if m.role == role)
        if have < needed:
            findings.append(
                Finding(
                    _(
                        "The rule asks for %(needed)d “%(role)s”; the council has %(have)d.",
                        needed=needed,
                        role=COUNCIL_ROLES.get(role, role),
                        have=have,
                    )
                )
            )
    if council.admin_secretary_id is None:
        findings.append(Finding(_("Choose the administrative secretary.")))
    if council.meeting_at is None:
        findings.append(Finding(_("Set the meeting date."), blocking=False))
    else:
        earliest = add_working_days(to_local(utcnow()).date(), rule.documents_days_before)
        if to_local(council.meeting_at).date() < earliest:
            findings.append(
                Finding(
                    _(
                        "Members should have the documents %(days)d working days before the meeting.",
                        days=rule.documents_days_before,
                    ),
                    blocking=False,
                )
            )
    return findings


def save_council(council: Council, call: Call, data: dict, user: User) -> Council:
    """Create or update a council: its details always, its members and sheet/rule only while it is being formed."""
    if council.id is not None and council.status == "released":
        raise DomainError(_("The decisions of this council were released; it can no longer change."))
    forming = council.id is None or council.status == "forming"
    if not forming and (data["template_id"] != council.template_id or data["rule_id"] != council.rule_id):
        raise DomainError(_("The score sheet and the rule cannot change once scoring has opened."), "template_id")
    for field in ("name", "meeting_at", "place", "admin_secretary_id", "template_id", "rule_id"):
        setattr(council, field, data[field])
    if council.id is None:
        council.call_id, council.members = call.id, []
        db.session.add(council)
    if forming:
        _set_members(council, data["members"])
    db.session.flush()
    record_event("save", "council", council.id, actor=user)
    if forming:
        sync_assignments(council)
    else:
        admit_applications(council, user)
    return council


def _set_members(council: Council, rows: list[tuple[int, str]]) -> None:
    """Seats from (user id, council role) rows; a seat that stays keeps its row and assignments."""
    user_ids = [user_id for user_id, _role in rows]
    if len(set(user_ids)) != len(user_ids):
        raise DomainError(_("A person can hold only one seat on the council."), "members")
    if council.admin_secretary_id in user_ids:
        raise DomainError(_("The administrative secretary does not vote and cannot also be a member."), "members")
    users = {u.id: u for u in db.session.execute(select(User).where(User.id.in_(user_ids))).scalars()}
    for user_id in user_ids:
        user = users.get(user_id)
        if user is None or not user.active or not user.has_role("reviewer"):
            raise DomainError(_("Council members must be active users with the reviewer role."), "members")
    existing = {m.user_id: m for m in council.members}
    council.members = []
    for position, (user_id, role) in enumerate(rows, start=1):
        seat = existing.get(user_id) or CouncilMember(user_id=user_id)
        seat.role, seat.position = role, position
        council.members.append(seat)


def detect_conflict(user: User, organization_id: int, domains: set[str]) -> str:
    """Why the user may not judge this organization's application ('' when nothing is detected): the user acts for
    it, or shares a mail domain of its people that is not a public provider's."""
    membership = user.membership
    if membership is not None and membership.organization_id == organization_id:
        return _("Acts for the applicant organization.")
    domain = user.email.rsplit("@", 1)[-1].lower()
    if domain in domains and domain not in current_app.config["PUBLIC_MAIL_DOMAINS"]:
        return _("Shares the mail domain @%(domain)s with the applicant organization.", domain=domain)
    return ""


def organization_domains(organization_ids: set[int]) -> dict[int, set[str]]:
    """The mail domains of each organization's people."""
    found: dict[int, set[str]] = {org_id: set() for org_id in organization_ids}
    rows = db.session.execute(
        select(Membership.organization_id, User.email)
        .join(User, User.id == Membership.user_id)
        .where(Membership.organization_id.in_(organization_ids))
    )
    for org_id, email in rows:
        found[org_id].add(email.rsplit("@", 1)[-1].lower())
    return found


def sync_assignments(council: Council) -> None:
    """One assignment per member × application: conflicts detected again, reviewers proposed where missing."""
    proposals = council_proposals(council, COUNCIL_PROPOSAL_STATES[council.status])
    seats = list(council.members)
    users = {
        u.id: u
        for u in db.session.execute(
            select(User).where(User.id.in_([s.user_id for s in seats])).options(selectinload(User.membership))
        ).scalars()
    }
    domains = organization_domains({p.organization_id for p in proposals})
    current = {(a.member_id, a.proposal_id): a for a in load_assignments(council.id)}
    wanted = {(s.id, p.id) for s in seats for p in proposals}
    for key, assignment in current.items():
        if key not in wanted:
            db.session.delete(assignment)
    for proposal in proposals:
        for seat in seats:
            assignment = current.get((seat.id, proposal.id))
            if assignment is None:
                assignment = Assignment(member_id=seat.id, proposal_id=proposal.id, conflict="pending")
                db.session.add(assignment)
                current[(seat.id, proposal.id)] = assignment
            reason = detect_conflict(users[seat.user_id], proposal.organization_id, domains[proposal.organization_id])
            if reason:
                assignment.conflict, assignment.conflict_reason, assignment.is_reviewer = "detected", reason, False
            elif assignment.conflict == "detected":
                assignment.conflict, assignment.conflict_reason = "pending", ""
    db.session.flush()
    propose_reviewers(council, [a for key, a in current.items() if key in wanted])


def propose_reviewers(council: Council, assignments: list[Assignment]) -> None:
    """Give each application the rule's number of reviewers (phản biện): the least loaded members without a conflict,
    those seated as reviewers first on equal load, never the chair (who leads the session); reviewers already
    chosen stay."""
    needed = db.session.get(EvaluationRule, council.rule_id).reviewers_per_application
    role_of = {s.id: s.role for s in council.members}
    load = dict.fromkeys(role_of, 0)
    by_proposal: dict[int, list[Assignment]] = {}
    for assignment in assignments:
        by_proposal.setdefault(assignment.proposal_id, []).append(assignment)
        load[assignment.member_id] += assignment.is_reviewer
    for proposal_id in sorted(by_proposal):
        rows = by_proposal[proposal_id]
        missing = needed - sum(a.is_reviewer for a in rows)
        free = [a for a in rows if not a.is_reviewer and not a.is_conflicted and role_of[a.member_id] != "chair"]
        free.sort(key=lambda a: (load[a.member_id], role_of[a.member_id] != "reviewer", a.member_id))
        for assignment in free[: max(missing, 0)]:
            assignment.is_reviewer = True
            load[assignment.member_id] += 1
    db.session.flush()


def set_reviewers(council: Council, proposal_id: int, member_ids: list[int], user: User) -> None:
    """Staff choose an application's reviewers among members without a conflict."""
    if council.status not in ("forming", "scoring"):
        raise DomainError(_("Reviewers can change only before scoring closes."))
    rows = load_assignments(council.id, proposal_id)
    if not rows:
        raise DomainError(_("This application is not before the council."))
    chosen = set(member_ids)
    if any(a.is_conflicted for a in rows if a.member_id in chosen):
        raise DomainError(_("A member with a conflict of interest cannot review this application."), "member_ids")
    needed = min(
        db.session.get(EvaluationRule, council.rule_id).reviewers_per_application,
        sum(not a.is_conflicted for a in rows),
    )
    if len(chosen & {a.member_id for a in rows}) != needed:
        raise DomainError(_("Choose %(count)d reviewers.", count=needed), "member_ids")
    for assignment in rows:
        assignment.is_reviewer = assignment.member_id in chosen
    record_event("reviewers", "council", council.id, comment=f"{proposal_id}: {sorted(chosen)}", actor=user)
    db.session.flush()


def record_attendance(council: Council, present_ids: set[int], user: User) -> None:
    """Who attended the session (the others are absent: their sheets do not count)."""
    if council.status != "scoring":
        raise DomainError(_("Attendance is recorded while the council is scoring."))
    for seat in council.members:
        seat.present = seat.id in present_ids
    record_event("attendance", "council", council.id, comment=str(len(present_ids)), actor=user)
    db.session.flush()


def move_council(council: Council, to_state: str, user: User, comment: str = "") -> None:
    """A council move through its table, with the applications moving along and what each move requires. The
    applications' own history gets no comment: the council's reasons are internal (they stay in its audit)."""
    from review import results  # results reads what this module writes; imported here to keep the cycle out

    rule = db.session.get(EvaluationRule, council.rule_id)
    opening = council.status == "forming" and to_state == "scoring"
    if opening:
        sync_assignments(council)  # applications found valid since the council was last saved join it
    proposals = council_proposals(council, COUNCIL_PROPOSAL_STATES[council.status])
    outcome: dict[int, str] = {}
    if opening:
        _check_opening(council, rule, proposals)
    elif to_state in ("closed", "ranked") and not results.council_quorum(council, rule).met:
        raise DomainError(_("The session has no quorum: record the attendance first."))
    if to_state == "closed" and waiting_applications(council):
        raise DomainError(
            _(
                "Some applications were found valid after scoring opened: save the council to bring "
                "them before it, and have them scored."
            )
        )
    if to_state == "ranked":
        outcome = {row.proposal.id: row.outcome for row in results.council_results(council).rows}
    if to_state == "released" and (blocker := release_blockers(council)):
        raise DomainError(blocker)
    perform_transition(council, COUNCIL_TRANSITIONS, to_state, user, "council", comment, signals.council_changed)
    if to_state == "ranked":
        council.conclusions = comment  # printed in the minutes
    for proposal in proposals:
        target = _proposal_target(council.status, proposal, outcome)
        if target:
            perform_transition(proposal, PROPOSAL_TRANSITIONS, target, user, "proposal", "", proposal_changed)
    if opening:
        emails.send_scoring_open(council)
    if to_state == "released":
        passed = {row.proposal.id for row in results.council_results(council).rows if row.aggregate.passed}
        _release(proposals, council_decisions(council.id), passed, user)


def waiting_applications(council: Council) -> list[Proposal]:
    """Applications of the call found valid after scoring opened: not yet before the council."""
    return council_proposals(council, ("valid",)) if council.status == "scoring" else []


def admit_applications(council: Council, user: User) -> None:
    """Bring the applications found valid after scoring opened before the council, with their assignments."""
    waiting = waiting_applications(council)
    for proposal in waiting:
        perform_transition(proposal, PROPOSAL_TRANSITIONS, "in_review", user, "proposal", "", proposal_changed)
    if waiting:
        sync_assignments(council)


def release_blockers(council: Council) -> str:
    """Why the decisions cannot be released yet ('' when they can): every recommended application needs a
    decision, approved or not approved by a leader."""
    pending = council_proposals(council, ("recommended",))
    drafts = [d for d in council_decisions(council.id).values() if d.status == "draft"]
    if pending or drafts:
        return _("Every recommended application needs a decision approved or not approved first.")
    return ""


def _check_opening(council: Council, rule: EvaluationRule, proposals: list[Proposal]) -> None:
    blocking = [f.message for f in composition_findings(council, rule) if f.blocking]
    if blocking:
        raise DomainError(" ".join(blocking))
    if not proposals:
        raise DomainError(_("The call has no valid application to review."))
    assignments = load_assignments(council.id)
    reviewed = {a.proposal_id for a in assignments if a.is_reviewer}
    if rule.reviewers_per_application and any(a.proposal_id not in reviewed for a in assignments):
        raise DomainError(_("Some applications have no reviewer without a conflict: change the members."))


def _proposal_target(council_state: str, proposal: Proposal, outcome: dict[int, str]) -> str:
    """Where an application goes when its council reaches a state ('' to stay)."""
    if council_state == "scoring":
        return "in_review"
    if council_state == "closed":
        return "scored"
    if council_state == "ranked":
        return "recommended" if outcome.get(proposal.id) == "funded" else "not_selected"
    return ""


def _release(proposals: list[Proposal], decisions: dict[int, Decision], passed: set[int], user: User) -> None:
    """Each application gets its outcome and its organization is told, all at once; one that passed but did not
    fit in the envelope is told so ("passed, not funded"), in the record's language."""
    now = utcnow()
    for proposal in proposals:
        proposal.result_released_at = now
        decision = decisions.get(proposal.id)
        if proposal.status == "pending_approval":
            target = "approved" if decision.status == "approved" else "not_approved"
            text = emails.decision_text(decision)
            perform_transition(proposal, PROPOSAL_TRANSITIONS, target, user, "proposal", text, proposal_changed)
        else:
            with force_locale("vi"):
                text = (
                    _(
                        "The application passed the council's assessment but is not funded within the call's "
                        "budget envelope."
                    )
                    if proposal.id in passed
                    else _("The review council did not select the application for support.")
                )
            record_event(
                "release",
                "proposal",
                proposal.id,
                from_state=proposal.status,
                to_state=proposal.status,
                comment=text,
                actor=user,
            )
        proposal_emails.send_result(proposal, text)
