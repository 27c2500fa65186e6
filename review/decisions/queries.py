"""Loading a council's decisions."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

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
