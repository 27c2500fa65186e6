"""Decisions approving support: drafted by staff, approved or not by a leader, the budget envelope committed by one
conditional update that never lets approved support pass the call's budget."""

from flask_babel import gettext as _
from sqlalchemy import select, update

from accounts.models import User
from core.audit import record_event
from core.errors import DomainError
from core.extensions import db
from core.formatting import format_money
from core.workflow import perform_transition
from policies.models import Call
from proposals.models import PROPOSAL_TRANSITIONS, Proposal
from proposals.signals import proposal_changed
from review import signals
from review.models import DECISION_TRANSITIONS, Council, Decision

DECISION_FIELDS = ("number", "signed_on", "signer", "approved_vnd", "conditions")


def save_decision(decision: Decision, council: Council, proposal: Proposal, data: dict, user: User) -> Decision:
    """Draft or correct a decision; the first draft sends the application for approval."""
    if council.status != "ranked":
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
    taken = select(Decision.id).where(Decision.number == data["number"], Decision.id != (decision.id or 0))
    if db.session.execute(taken).first():
        raise DomainError(_("Another decision already has this number."), "number")
    for name in DECISION_FIELDS:
        setattr(decision, name, data[name])
    if decision.id is None:
        decision.council_id, decision.proposal_id, decision.status = council.id, proposal.id, "draft"
        db.session.add(decision)
        perform_transition(proposal, PROPOSAL_TRANSITIONS, "pending_approval", user, "proposal", "", proposal_changed)
    db.session.flush()
    record_event("save", "decision", decision.id, actor=user)
    return decision


def decide(decision: Decision, council: Council, to_state: str, user: User, comment: str = "") -> None:
    """A leader approves (committing the amount to the call's envelope) or does not approve a decision."""
    if council.status != "ranked":
        raise DomainError(_("The decisions of this council were already released."))
    if to_state == "approved":
        commit_envelope(council.call_id, decision.approved_vnd)
    perform_transition(decision, DECISION_TRANSITIONS, to_state, user, "decision", comment, signals.decision_changed)


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
