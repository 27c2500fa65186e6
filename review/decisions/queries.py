"""Loading a council's decisions, and a decision as the official document its pages list."""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core.documents import OfficialDocument
from core.extensions import db
from policies.models import Call
from proposals.models import Proposal
from review.decisions.models import Decision


def council_decisions(council_id: int) -> dict[int, Decision]:
    """The council's decisions by application."""
    rows = db.session.execute(select(Decision).where(Decision.council_id == council_id)).scalars()
    return {d.proposal_id: d for d in rows}


def load_decision(decision_id: int) -> Decision:
    """A decision with what its document names (the application's organization, call and regime; the council), or
    404."""
    return db.one_or_404(
        select(Decision)
        .where(Decision.id == decision_id)
        .options(
            joinedload(Decision.proposal).options(
                joinedload(Proposal.organization), joinedload(Proposal.call).joinedload(Call.regime)
            ),
            joinedload(Decision.council),
        )
    )


def decision_document(decision: Decision) -> OfficialDocument:
    """The decision as an official document (review.decision_document draws it)."""
    args = {"decision_id": decision.id}
    return OfficialDocument(
        _("Approval decision"), decision.number, decision.signed_on, "review.decision_document", args
    )


def application_decision(proposal: Proposal, *, user: object) -> list[OfficialDocument]:
    """The application's decision, if the user may open it (a receiver of proposals.signals.documents_wanted): one
    awaiting its approval or approved (a decision not approved is not a document)."""
    if proposal.status not in ("pending_approval", "approved"):
        return []
    decision = db.session.execute(
        select(Decision).where(Decision.proposal_id == proposal.id).options(joinedload(Decision.proposal))
    ).scalar()
    return [decision_document(decision)] if decision is not None and decision.can_view(user) else []
