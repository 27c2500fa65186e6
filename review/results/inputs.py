"""The database's sheets turned into the pure scoring functions' inputs: the rule, the points of each sheet, the
quorum, and one application's sheets (for the stored results and for the page showing them)."""

from dataclasses import dataclass, field
from decimal import Decimal

from policies.evaluation import Criterion, EvaluationRule
from review.councils.models import Assignment, Council, CouncilMember
from review.councils.queries import Entry, load_assignments
from review.results import scoring
from review.sheets.models import SUPPORTING, ScoreSheet

REVIEWED_STATES = ("in_review", "scored", "recommended", "not_selected", "pending_approval", "approved", "not_approved")


def rule_spec(rule: EvaluationRule, criteria: list[Criterion]) -> scoring.RuleSpec:
    """The rule record as the scoring functions take it."""
    tiebreak = next((c.id for c in criteria if c.code == rule.tiebreak_criterion_code), None)
    return scoring.RuleSpec(
        pass_threshold=Decimal(rule.pass_threshold),
        zero_rule=rule.zero_rule,
        zero_share=rule.share("zero_share"),
        use_criterion_minimum=rule.use_criterion_minimum,
        agreement_share=rule.share("agreement_share"),
        tiebreak_criterion_id=tiebreak,
        tiebreak_chair=rule.tiebreak_chair,
        disagreement_stdev_points=Decimal(rule.disagreement_stdev_points),
        disagreement_council_percent=rule.disagreement_council_percent,
        outlier_offset_points=Decimal(rule.outlier_offset_points),
        outlier_min_sheets=rule.outlier_min_sheets,
        quorum_share=rule.share("quorum_share"),
        quorum_needs_chair_or_vice=rule.quorum_needs_chair_or_vice,
        quorum_needs_reviewers=rule.quorum_needs_reviewers,
    )


def points_table(criteria: list[Criterion], mechanic: str) -> dict[int, dict[int, Decimal]]:
    """Criterion id → value → points by the template's mechanic: levels × coefficient, or the points given
    (computed once per page rather than once per score)."""
    if mechanic == "levels":
        return {c.id: {v: scoring.level_points(v, c.max_points) for v in range(5)} for c in criteria}
    return {c.id: {v: Decimal(v) for v in range(c.max_points + 1)} for c in criteria}


def sheet_points(sheet: ScoreSheet, criteria: list[Criterion], mechanic: str) -> dict[int, Decimal]:
    """Points per criterion of a sheet (scores must be loaded): levels × coefficient, or the points given."""
    table = points_table(criteria, mechanic)
    return {s.criterion_id: table[s.criterion_id][s.value] for s in sheet.scores if s.criterion_id in table}


def council_quorum(council: Council, rule: EvaluationRule) -> scoring.Quorum:
    """Whether the recorded attendance makes a valid session (members must be loaded)."""
    attendees = [scoring.Attendee(m.id, m.role, m.present) for m in council.members]
    return scoring.quorum(attendees, rule_spec(rule, []))


def other_sheets(council: Council, assignment: Assignment) -> list[tuple[CouncilMember, ScoreSheet, Decimal]] | None:
    """The other members' submitted sheets of the member's application (seat, sheet, total), once the rule lets the
    member see them: when it shows scores before submitting, or once their own sheet is submitted."""
    own = assignment.sheet
    if not (council.rule.show_scores_before_submit or (own is not None and own.is_submitted)):
        return None
    seats = {m.id: m for m in council.members}
    criteria, mechanic = list(council.template.criteria), council.template.mechanic
    return [
        (seats[a.member_id], a.sheet, sum(sheet_points(a.sheet, criteria, mechanic).values()))
        for a in load_assignments(council.id, assignment.proposal_id)
        if a.member_id != assignment.member_id and not a.is_conflicted and a.sheet is not None and a.sheet.is_submitted
    ]


@dataclass
class SheetRow:
    """One member's submitted sheet for an application."""

    member: CouncilMember
    sheet_id: int
    recommendation: str
    points: dict[int, Decimal]
    total: Decimal
    counted: bool  # False when the member was absent from the session
    proposal_version: int | None = None  # the application's version the sheet was written for


@dataclass
class ApplicationSheets:
    """One application's sheets before the council: all submitted ones, the valid ones (scoring's input), how many
    are expected, its reviewers and the members recused."""

    sheets: list[SheetRow] = field(default_factory=list)
    valid: list[scoring.Sheet] = field(default_factory=list)
    expected: int = 0
    reviewers: list[CouncilMember] = field(default_factory=list)
    recused: list[CouncilMember] = field(default_factory=list)


def application_sheets(
    entries: list[Entry],
    seats: dict[int, CouncilMember],
    scores: dict[int, dict[int, int]],
    points_of: dict[int, dict[int, Decimal]],
) -> ApplicationSheets:
    """One application's sheets: only submitted sheets of members present and without a conflict count; the members
    expected are those without a conflict who were not absent."""
    found = ApplicationSheets()
    for entry in entries:
        seat = seats[entry.member_id]
        if entry.is_conflicted:
            found.recused.append(seat)
            continue
        if entry.is_reviewer:
            found.reviewers.append(seat)
        attending = seat.present is not False
        found.expected += attending
        if not entry.is_submitted:
            continue
        points = {c: points_of[c][v] for c, v in scores.get(entry.sheet_id, {}).items() if c in points_of}
        total = sum(points.values(), Decimal(0))
        found.sheets.append(
            SheetRow(seat, entry.sheet_id, entry.recommendation, points, total, attending, entry.sheet_version)
        )
        if attending:
            found.valid.append(scoring.Sheet(seat.id, points, entry.recommendation in SUPPORTING))
    return found
