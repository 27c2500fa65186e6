"""Who sits before which application: one assignment per member × application, conflicts of interest detected, the
reviewers (phản biện) proposed and chosen, and applications found valid late brought before the council."""

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from accounts.models import Membership, Organization, User
from core.audit import record_event
from core.errors import DomainError
from core.extensions import db
from core.formatting import local_today
from core.workflow import perform_transition
from policies.evaluation import EvaluationRule
from policies.models import Call, Regime
from proposals.models import PROPOSAL_TRANSITIONS
from proposals.signals import proposal_changed
from review.councils.models import COUNCIL_PROPOSAL_STATES, Assignment, Council
from review.councils.queries import council_proposals, load_assignments, waiting_applications
from review.experts.affinity import Expertise, Topic, affinity, history_conflict
from review.experts.matching import Candidate, choose_reviewers
from review.experts.queries import expertise_of, topics_of
from review.results import store


def detect_conflict(user: User, organization: Organization, domains: set[str], expertise: Expertise, years: int) -> str:
    """Why the user may not judge this organization's application ('' when nothing is detected): the user acts for
    it, shares a mail domain of its people that is not a public provider's, or worked for it within the regime's
    years (their expertise profile's history)."""
    membership = user.membership
    if membership is not None and membership.organization_id == organization.id:
        return _("Acts for the applicant organization.")
    domain = user.email.rsplit("@", 1)[-1].lower()
    if domain in domains and domain not in current_app.config["PUBLIC_MAIL_DOMAINS"]:
        return _("Shares the mail domain @%(domain)s with the applicant organization.", domain=domain)
    return history_conflict(expertise, organization.name, organization.tax_code, local_today().year, years)


def conflict_years(call_id: int) -> int:
    """The call's regime's years within which a past job makes a conflict."""
    return db.session.execute(
        select(Regime.conflict_years).join(Call, Call.regime_id == Regime.id).where(Call.id == call_id)
    ).scalar_one()


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
    expertise = expertise_of([s.user_id for s in seats])
    years = conflict_years(council.call_id)
    current = {(a.member_id, a.proposal_id): a for a in load_assignments(council.id)}
    wanted = {(s.id, p.id) for s in seats for p in proposals}
    for key, assignment in current.items():
        if key not in wanted:
            db.session.delete(assignment)
    for proposal in proposals:
        for seat in seats:
            assignment = current.get((seat.id, proposal.id))
            if assignment is None:
                assignment = Assignment(
                    member_id=seat.id, proposal_id=proposal.id, sequence=proposal.sequence, conflict="pending"
                )
                db.session.add(assignment)
                current[(seat.id, proposal.id)] = assignment
            reason = detect_conflict(
                users[seat.user_id],
                proposal.organization,
                domains[proposal.organization_id],
                expertise[seat.user_id],
                years,
            )
            if reason:
                assignment.conflict, assignment.conflict_reason, assignment.is_reviewer = "detected", reason, False
            elif assignment.conflict == "detected":
                assignment.conflict, assignment.conflict_reason = "pending", ""
    db.session.flush()
    propose_reviewers(council, [a for key, a in current.items() if key in wanted], expertise)


def propose_reviewers(council: Council, assignments: list[Assignment], expertise: dict[int, Expertise]) -> None:
    """Give each application the rule's number of reviewers (phản biện), chosen exactly (experts.matching) among the
    members without a conflict, never the chair (who leads the session): as many as the members' limits allow, of
    the most affinity for it, the load even, members seated as reviewers first; reviewers already chosen stay."""
    needed = db.session.get(EvaluationRule, council.rule_id).reviewers_per_application
    seats = {s.id: s for s in council.members}
    load = dict.fromkeys(seats, 0)
    by_proposal: dict[int, list[Assignment]] = {}
    for assignment in assignments:
        by_proposal.setdefault(assignment.proposal_id, []).append(assignment)
        load[assignment.member_id] += assignment.is_reviewer
    needs = {pid: needed - sum(a.is_reviewer for a in rows) for pid, rows in by_proposal.items()}
    topics = topics_of([pid for pid, need in needs.items() if need > 0])

    def candidate(assignment: Assignment, topic: Topic) -> Candidate:
        seat = seats[assignment.member_id]
        return Candidate(seat.id, affinity(expertise[seat.user_id], topic).points, seat.role == "reviewer")

    candidates = {
        pid: [
            candidate(a, topic)
            for a in by_proposal[pid]
            if not a.is_reviewer and not a.is_conflicted and seats[a.member_id].role != "chair"
        ]
        for pid, topic in topics.items()
    }
    room = {}
    for seat_id, seat in seats.items():
        limit = expertise[seat.user_id].max_reviews
        room[seat_id] = None if limit is None else limit - load[seat_id]
    choice = choose_reviewers({pid: needs[pid] for pid in topics}, candidates, room, load)
    for pid, members in choice.chosen.items():
        for assignment in by_proposal[pid]:
            if assignment.member_id in members:
                assignment.is_reviewer = True
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


def admit_applications(council: Council, user: User) -> None:
    """Bring the applications found valid after scoring opened before the council, with their assignments."""
    waiting = waiting_applications(council)
    for proposal in waiting:
        perform_transition(proposal, PROPOSAL_TRANSITIONS, "in_review", user, "proposal", "", proposal_changed)
    if waiting:
        sync_assignments(council)
        store.refresh_council(council.id)
