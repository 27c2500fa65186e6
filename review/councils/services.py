"""Forming and running a council: its composition and the rule's check of it, attendance, and the council's moves
(open scoring, close it, record the conclusions, release the decisions) with its applications moving along."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from accounts.models import REVIEWERS, User
from core.audit import record_event
from core.errors import DomainError
from core.extensions import db
from core.formatting import to_local, utcnow
from core.workflow import perform_transition
from policies.evaluation import COUNCIL_ROLES, EvaluationRule
from policies.models import Call
from policies.services import working_days_after
from proposals.models import PROPOSAL_TRANSITIONS, Proposal
from proposals.signals import proposal_changed
from review import signals
from review.councils.assignments import admit_applications, sync_assignments
from review.councils.models import COUNCIL_PROPOSAL_STATES, COUNCIL_TRANSITIONS, Council, CouncilMember
from review.councils.queries import council_proposals, load_assignments, waiting_applications
from review.decisions.services import release_blockers, release_decisions
from review.results import store
from review.results.inputs import council_quorum
from review.results.queries import stored_outcomes


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
        earliest = working_days_after(to_local(utcnow()).date(), rule.documents_days_before)
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
        if user is None or not user.active or not user.has_role(*REVIEWERS):
            raise DomainError(_("Council members must be active users with the reviewer role."), "members")
    existing = {m.user_id: m for m in council.members}
    council.members = []
    for position, (user_id, role) in enumerate(rows, start=1):
        seat = existing.get(user_id) or CouncilMember(user_id=user_id)
        seat.role, seat.position = role, position
        council.members.append(seat)


def record_attendance(council: Council, present_ids: set[int], user: User, counting_head_id: int = 0) -> None:
    """Who attended the session (the others are absent: their sheets do not count), and which of them heads the
    vote-counting committee (none yet: 0)."""
    if council.status != "scoring":
        raise DomainError(_("Attendance is recorded while the council is scoring."))
    if counting_head_id and counting_head_id not in present_ids:
        raise DomainError(_("The head of the vote-counting committee is one of the members present."), "counting_head")
    for seat in council.members:
        seat.present = seat.id in present_ids
        seat.counting_head = seat.id == counting_head_id
    record_event("attendance", "council", council.id, comment=str(len(present_ids)), actor=user)
    db.session.flush()
    store.refresh_council(council.id)  # who counts changed for every application


def move_council(council: Council, to_state: str, user: User, comment: str = "") -> None:
    """A council move through its table, with the applications moving along and what each move requires. The
    applications' own history gets no comment: the council's reasons are internal (they stay in its audit)."""
    rule = db.session.get(EvaluationRule, council.rule_id)
    opening = council.status == "forming" and to_state == "scoring"
    if opening:
        sync_assignments(council)  # applications found valid since the council was last saved join it
    proposals = council_proposals(council, COUNCIL_PROPOSAL_STATES[council.status])
    outcome: dict[int, str] = {}
    if opening:
        _check_opening(council, rule, proposals)
    elif to_state in ("closed", "ranked") and not council_quorum(council, rule).met:
        raise DomainError(_("The session has no quorum: record the attendance first."))
    if to_state == "closed" and waiting_applications(council):
        raise DomainError(
            _(
                "Some applications were found valid after scoring opened: save the council to bring "
                "them before it, and have them scored."
            )
        )
    if to_state == "ranked":
        outcome = stored_outcomes(council.id)
    if to_state == "released" and (blocker := release_blockers(council)):
        raise DomainError(blocker)
    perform_transition(council, COUNCIL_TRANSITIONS, to_state, user, "council", comment, signals.council_changed)
    if to_state == "ranked":
        council.conclusions = comment  # printed in the minutes
    for proposal in proposals:
        target = _proposal_target(council.status, proposal, outcome)
        if target:
            perform_transition(proposal, PROPOSAL_TRANSITIONS, target, user, "proposal", "", proposal_changed)
    if to_state == "released":
        release_decisions(council, proposals, user)
    # Opening brings the applications before the council; every other move changes only outcomes and ranks.
    (store.refresh_council if opening else store.rerank_council)(council.id)


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
