"""Loading what a council's results are computed from."""

from sqlalchemy import select

from core.extensions import db
from review.councils.models import Assignment, CouncilMember
from review.sheets.models import ScoreSheet, SheetScore


def council_scores(council_id: int) -> dict[int, dict[int, int]]:
    """Sheet id → criterion id → value, for every submitted sheet of the council, in one query."""
    found: dict[int, dict[int, int]] = {}
    rows = db.session.execute(
        select(SheetScore.sheet_id, SheetScore.criterion_id, SheetScore.value)
        .join(ScoreSheet, ScoreSheet.id == SheetScore.sheet_id)
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
        .join(CouncilMember, CouncilMember.id == Assignment.member_id)
        .where(CouncilMember.council_id == council_id, ScoreSheet.status == "submitted")
    )
    for sheet_id, criterion_id, value in rows:
        found.setdefault(sheet_id, {})[criterion_id] = value
    return found
