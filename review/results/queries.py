"""Loading what a council's results are computed from, and the few figures read from its stored results."""

from sqlalchemy import select

from core.extensions import db
from review.councils.models import Assignment, CouncilMember
from review.results.models import CouncilResult
from review.sheets.models import ScoreSheet, SheetScore


def council_scores(council_id: int, proposal_ids: list[int] | None = None) -> dict[int, dict[int, int]]:
    """Sheet id → criterion id → value, for every submitted sheet of the council (or of these applications), in one
    query."""
    found: dict[int, dict[int, int]] = {}
    query = (
        select(SheetScore.sheet_id, SheetScore.criterion_id, SheetScore.value)
        .join(ScoreSheet, ScoreSheet.id == SheetScore.sheet_id)
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
        .join(CouncilMember, CouncilMember.id == Assignment.member_id)
        .where(CouncilMember.council_id == council_id, ScoreSheet.status == "submitted")
    )
    if proposal_ids is not None:
        query = query.where(Assignment.proposal_id.in_(proposal_ids))
    for sheet_id, criterion_id, value in db.session.execute(query):
        found.setdefault(sheet_id, {})[criterion_id] = value
    return found


def stored_outcomes(council_id: int) -> dict[int, str]:
    """Application id → its stored outcome before the council."""
    rows = db.session.execute(
        select(CouncilResult.proposal_id, CouncilResult.outcome).where(CouncilResult.council_id == council_id)
    )
    return dict(rows.all())


def passed_applications(council_id: int) -> set[int]:
    """The applications that passed the council's assessment (funded or not)."""
    rows = db.session.execute(
        select(CouncilResult.proposal_id).where(CouncilResult.council_id == council_id, CouncilResult.passed)
    )
    return set(rows.scalars())
