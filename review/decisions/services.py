"""Decisions approving support: drafted by staff, approved or not by a leader, the budget envelope committed by one
conditional update that never lets approved support pass the call's budget; then released all together, each
applicant told the outcome. Support freed after the release (a withdrawal) goes to the waiting list the same way:
its late decisions are each released to their applicant as soon as a leader decides them."""

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from accounts.models import User
from core.audit import record_event
from core.errors import DomainError
from core.extensions import db
from core.formatting import format_money, local_today, utcnow
from core.register import claim, release
from core.workflow import perform_transition
from policies.models import Call
from proposals.models import PROPOSAL_TRANSITIONS, Proposal
from proposals.signals import proposal_changed
from review import signals
from review.councils.models import Council
from review.councils.queries import council_proposals
from review.decisions.emails import decision_text
from review.decisions.models import DECISION_TRANSITIONS, Decision
from review.decisions.queries import council_decisions
from review.results.queries import passed_applications

DECISION_FIELDS = ("number", "signed_on", "signer", "approved_vnd", "conditions")
# Councils whose decisions are drafted and decided: before the release, and after it for the waiting list.
DECIDING_STATES = ("ranked", "released")


def save_decision(decision: Decision, council: Council, proposal: Proposal, data: dict, user: User) -> Decision:
    """Draft or correct a decision; the first draft sends the application for approval."""
    if council.status not in DECIDING_STATES:
        raise DomainError(_("Decisions are prepared once the council's conclusions are recorded."))
    if decision.id is not None and decision.status != "draft":
        raise DomainError(_("This decision was already approved or not approved."))
    if proposal.status not in ("recommended", "pending_approval"):
        raise DomainError(_("Only an application the council recommended gets a decision."))
    if data["approved_vnd"] > proposal.support_total_vnd:
        raise DomainError(
            _(
                "The approved support cannot exceed the support requested (%(amount)s).",
                amount=format_money(proposal.support_total_vnd),
            ),
            "approved_vnd",
        )
    if data["signed_on"] > local_today():
        raise DomainError(_("A decision cannot be dated in the future."), "signed_on")
    for name in DECISION_FIELDS:
        setattr(decision, name, data[name])
    if decision.id is None:
        decision.council_id, decision.proposal_id, decision.status = council.id, proposal.id, "draft"
        db.session.add(decision)
        perform_transition(proposal, PROPOSAL_TRANSITIONS, "pending_approval", user, "proposal", "", proposal_changed)
    db.session.flush()
    claim("decision", decision.id, decision.number, decision.signed_on, "number")
    record_event("save", "decision", decision.id, actor=user)
    return decision


def decide(decision: Decision, council: Council, to_state: str, user: User, comment: str = "") -> None:
    """A leader approves (committing the amount to the call's envelope) or does not approve a decision; once the
    council's decisions are released, a late one (from the waiting list) is released to its applicant at once."""
    if council.status not in DECIDING_STATES:
        raise DomainError(_("Decisions are prepared once the council's conclusions are recorded."))
    if to_state == "approved":
        commit_envelope(council.call_id, decision.approved_vnd)
    else:
        release("decision", decision.id)
    perform_transition(decision, DECISION_TRANSITIONS, to_state, user, "decision", comment, signals.decision_changed)
    if council.status == "released":
        release_decisions(council, [db.session.get(Proposal, decision.proposal_id)], user)


def commit_envelope(call_id: int, amount: int) -> None:
    """Raise the call's committed support only if the envelope still holds the amount: a single conditional update,
    so two approvals at the same moment cannot both take the last of it."""
    raised = db.session.execute(
        update(Call)
        .where(Call.id == call_id, Call.committed_vnd + amount <= Call.budget_vnd)
        .values(committed_vnd=Call.committed_vnd + amount)
        .execution_options(synchronize_session=False)
    )
    if raised.rowcount != 1:
        left = db.session.execute(select(Call.budget_vnd - Call.committed_vnd).where(Call.id == call_id)).scalar()
        raise DomainError(
            _(
                "Approving %(amount)s would pass the call's budget envelope: %(left)s is left.",
                amount=format_money(amount),
                left=format_money(left or 0),
            )
        )


def give_back_envelope(call_id: int, amount: int) -> None:
    """Lower the call's committed support by what a decision approved, in the same single conditional update."""
    given_back = db.session.execute(
        update(Call)
        .where(Call.id == call_id, Call.committed_vnd >= amount)
        .values(committed_vnd=Call.committed_vnd - amount)
        .execution_options(synchronize_session=False)
    )
    if given_back.rowcount != 1:  # the envelope never holds less than what its decisions approved
        raise DomainError(_("The call's committed support is less than this decision approved: ask an administrator."))


def release_blockers(council: Council) -> str:
    """Why the decisions cannot be released yet ('' when they can): every recommended application needs a
    decision, approved or not approved by a leader."""
    pending = council_proposals(council, ("recommended",))
    drafts = [d for d in council_decisions(council.id).values() if d.status == "draft"]
    if pending or drafts:
        return _("Every recommended application needs a decision approved or not approved first.")
    return ""


def release_decisions(council: Council, proposals: list[Proposal], user: User) -> None:
    """Each application of the council gets its outcome and its organization is told, all at once; one that passed
    but did not fit in the envelope is told so ("passed, not funded"), in the record's language."""
    passed = passed_applications(council.id)
    decisions = council_decisions(council.id)
    now = utcnow()
    for proposal in proposals:
        proposal.result_released_at = now
        decision = decisions.get(proposal.id)
        if proposal.status == "pending_approval":
            target = "approved" if decision.status == "approved" else "not_approved"
            text = decision_text(decision)
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
        signals.result_released.send(proposal, from_state=None, to_state=proposal.status, actor=user, comment=text)
