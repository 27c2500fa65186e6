"""Loading a council's decisions."""

from sqlalchemy import select

from core.extensions import db
from review.decisions.models import Decision


def council_decisions(council_id: int) -> dict[int, Decision]:
    """The council's decisions by application."""
    rows = db.session.execute(select(Decision).where(Decision.council_id == council_id)).scalars()
    return {d.proposal_id: d for d in rows}
