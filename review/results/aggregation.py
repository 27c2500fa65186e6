"""A council's results: the database's sheets turned into the pure scoring functions' inputs, and back into rows for
the results page, the minutes, the vote-count record and the Excel export."""

from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from accounts.models import User
from core.i18n import localized, register_status_labels
from policies.evaluation import Criterion, EvaluationRule
from proposals.models import Proposal
from review.councils.models import Assignment, Council, CouncilMember
from review.councils.queries import Entry, council_entries, council_proposals, load_assignments
from review.results import scoring
from review.results.queries import council_scores
from review.sheets.models import SUPPORTING, ScoreSheet

register_status_labels(
    "outcome", {"funded": _l("Funded"), "passed_not_funded": _l("Passed, not funded"), "failed": _l("Not passed")}
)
REASONS = {
    "no_sheets": _l("no valid sheet"),
    "below_threshold": _l("mean below the pass threshold"),
    "zero_rule": _l("too many zero scores on a criterion"),
    "no_agreement": _l("not enough members present recommend support"),
}
RECOMMENDED_STATES = ("recommended", "pending_approval", "approved", "not_approved")
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
        disagreement_points=Decimal(rule.disagreement_points),
        outlier_points=Decimal(rule.outlier_points),
        quorum_share=rule.share("quorum_share"),
        quorum_needs_chair_or_vice=rule.quorum_needs_chair_or_vice,
        quorum_needs_reviewers=rule.quorum_needs_reviewers,
    )


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


@dataclass
class ResultRow:
    """An application's aggregate, rank and outcome, with its sheets and reviewers."""

    proposal: Proposal
    aggregate: scoring.Aggregate
    rank: int = 0
    outcome: str = "failed"
    cumulative_vnd: int = 0
    sheets: list[SheetRow] = field(default_factory=list)
    reviewers: list[CouncilMember] = field(default_factory=list)
    recused: list[CouncilMember] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # why it did not pass, in words


@dataclass
class CouncilResults:
    """Everything the results page, minutes and export show."""

    council: Council
    criteria: list[Criterion]
    quorum: scoring.Quorum
    rows: list[ResultRow]
    outliers: dict[CouncilMember, Decimal]


def council_results(council: Council, viewer: User | None = None) -> CouncilResults:
    """Aggregate every application of the council and rank them; a member viewing (the chair) does not see the
    applications they are conflicted on (council, its template's criteria and members must be loaded)."""
    criteria = list(council.template.criteria)
    spec = rule_spec(council.rule, criteria)
    specs = [scoring.CriterionSpec(c.id, c.max_points, c.min_points) for c in criteria]
    seats = {m.id: m for m in council.members}
    points_of = points_table(criteria, council.template.mechanic)
    scores = council_scores(council.id)
    by_proposal: dict[int, list[Entry]] = {}
    for entry in council_entries(council.id):
        by_proposal.setdefault(entry.proposal_id, []).append(entry)
    # A chair sees only the applications they declared no conflict with (the department sees all).
    seat = council.membership_of(viewer) if viewer is not None and not viewer.is_department else None
    hidden = {
        p
        for p, entries in by_proposal.items()
        for e in entries
        if seat is not None and e.member_id == seat.id and e.conflict != "none"
    }
    rows, valid_sheets, inputs = [], {}, []
    for proposal in council_proposals(council, REVIEWED_STATES):
        row, valid, expected = _row(proposal, by_proposal.get(proposal.id, []), seats, scores, points_of)
        row.aggregate = scoring.aggregate(specs, spec, valid, expected, expected)
        valid_sheets[proposal.id] = valid
        chair = next((s.total for s in row.sheets if s.member.role == "chair" and s.counted), None)
        inputs.append(scoring.RankInput(proposal.id, row.aggregate, proposal.support_total_vnd, chair))
        rows.append(row)
    ranked = {r.proposal_id: r for r in scoring.rank(inputs, spec, council.call.budget_vnd)}
    for row in rows:
        placed = ranked[row.proposal.id]
        row.rank, row.outcome, row.cumulative_vnd = placed.rank, placed.outcome, placed.cumulative_vnd
        if council.status in ("ranked", "released"):
            # Once recorded, the council's conclusions are the record, whatever changed since (a budget edited).
            if row.proposal.status in RECOMMENDED_STATES:
                row.outcome = "funded"
            elif row.outcome == "funded":
                row.outcome = "passed_not_funded"
        row.reasons = [reason_text(code, criteria) for code in row.aggregate.reasons]
    rows.sort(key=lambda r: r.rank)
    outliers = {seats[m]: d for m, d in scoring.outliers(valid_sheets, spec).items()}
    if hidden:  # neither a rank nor an outlier may betray what a hidden application scored
        rows, outliers = [r for r in rows if r.proposal.id not in hidden], {}
        for position, row in enumerate(rows, start=1):
            row.rank = position
    return CouncilResults(council, criteria, council_quorum(council, council.rule), rows, outliers)


def points_table(criteria: list[Criterion], mechanic: str) -> dict[int, dict[int, Decimal]]:
    """Criterion id → value → points by the template's mechanic: levels × coefficient, or the points given
    (computed once per page rather than once per score)."""
    if mechanic == "levels":
        return {c.id: {v: scoring.level_points(v, c.max_points) for v in range(5)} for c in criteria}
    return {c.id: {v: Decimal(v) for v in range(c.max_points + 1)} for c in criteria}


def _row(
    proposal: Proposal,
    entries: list[Entry],
    seats: dict[int, CouncilMember],
    scores: dict[int, dict[int, int]],
    points_of: dict[int, dict[int, Decimal]],
) -> tuple[ResultRow, list[scoring.Sheet], int]:
    """One application's sheets, the valid ones and how many are expected: only submitted sheets of members present
    and without a conflict count; the members expected are those without a conflict who were not absent."""
    row = ResultRow(proposal, None)  # type: ignore[arg-type]  # the caller aggregates
    valid, expected = [], 0
    for entry in entries:
        seat = seats[entry.member_id]
        if entry.is_conflicted:
            row.recused.append(seat)
            continue
        if entry.is_reviewer:
            row.reviewers.append(seat)
        attending = seat.present is not False
        expected += attending
        if not entry.is_submitted:
            continue
        points = {c: points_of[c][v] for c, v in scores.get(entry.sheet_id, {}).items() if c in points_of}
        total = sum(points.values(), Decimal(0))
        row.sheets.append(SheetRow(seat, entry.sheet_id, entry.recommendation, points, total, attending))
        if attending:
            valid.append(scoring.Sheet(seat.id, points, entry.recommendation in SUPPORTING))
    return row, valid, expected


def reason_text(code: str, criteria: list[Criterion]) -> str:
    """A failing reason's code in words."""
    if code.startswith("criterion_minimum:"):
        criterion_id = int(code.split(":", 1)[1])
        name = next((localized(c, "name") for c in criteria if c.id == criterion_id), "")
        return _("below the minimum on “%(name)s”", name=name)
    return str(REASONS.get(code, code))
