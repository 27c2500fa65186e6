"""The review package's models in one import, for the packages above it and the tests; each is defined with its
feature: councils (Council, CouncilMember, Assignment), results (CouncilResult), sheets (ScoreSheet, SheetScore),
decisions (Decision), experts (ExpertProfile, ExpertAffiliation)."""

from review.councils.models import Assignment, Council, CouncilMember
from review.decisions.models import Decision
from review.experts.models import ExpertAffiliation, ExpertProfile
from review.results.models import CouncilResult
from review.sheets.models import ScoreSheet, SheetScore

__all__ = [
    "Assignment",
    "Council",
    "CouncilMember",
    "CouncilResult",
    "Decision",
    "ExpertAffiliation",
    "ExpertProfile",
    "ScoreSheet",
    "SheetScore",
]
