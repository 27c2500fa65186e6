"""A council's arithmetic as pure functions over plain values: quorum, aggregation, pass rule, ranking, flags.

No database, Flask or translations here, so the rules can be worked by hand in tests; reasons are codes the views
translate."""

import math
import statistics
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

ZERO_RULES = ("none", "any", "share")
CENT = Decimal("0.01")
SPREAD_MIN = 5  # applications scored by two members or more before a council has a usual spread
ROBUST_ERRORS = 2 * 1.4826 * 1.2533  # two standard errors of a median, from the MAD of normal scatter


@dataclass(frozen=True)
class CriterionSpec:
    """One criterion of the score sheet: its maximum and an optional minimum on its mean."""

    id: int
    max_points: int
    min_points: int | None = None


@dataclass(frozen=True)
class RuleSpec:
    """The evaluation rule of a call: threshold, zero rule, agreement, tie-breaks, flags and quorum."""

    pass_threshold: Decimal
    zero_rule: str = "share"
    zero_share: Fraction = Fraction(1, 3)
    use_criterion_minimum: bool = False
    agreement_share: Fraction = Fraction(3, 4)
    tiebreak_criterion_id: int | None = None
    tiebreak_chair: bool = True
    disagreement_stdev_points: Decimal = Decimal(12)
    disagreement_council_percent: int = 150
    outlier_offset_points: Decimal = Decimal(10)
    outlier_min_sheets: int = 5
    quorum_share: Fraction = Fraction(2, 3)
    quorum_needs_chair_or_vice: bool = True
    quorum_needs_reviewers: bool = True

    def __post_init__(self) -> None:
        # The rule is edited in admin; a typo must fail here rather than silently mean "no zero rule".
        if self.zero_rule not in ZERO_RULES:
            raise ValueError(f"unknown zero rule {self.zero_rule!r}")
        for share in (self.zero_share, self.agreement_share, self.quorum_share):
            if not 0 <= share <= 1:
                raise ValueError(f"share {share} outside 0..1")


@dataclass(frozen=True)
class Attendee:
    """A voting member of the council and whether they attended (None: not recorded yet)."""

    member_id: int
    role: str
    present: bool | None


@dataclass(frozen=True)
class Sheet:
    """One member's submitted score sheet for one application."""

    member_id: int
    points: dict[int, Decimal]
    supports: bool

    @property
    def total(self) -> Decimal:
        """The sum of the points over all criteria."""
        return sum(self.points.values(), Decimal(0))


@dataclass(frozen=True)
class Quorum:
    """Whether a session is valid, with the counts behind the answer."""

    present: int
    members: int
    needed: int
    has_chair: bool
    has_reviewers: bool
    met: bool
    missing: tuple[str, ...]


@dataclass(frozen=True)
class Aggregate:
    """The statistics of one application's valid sheets and whether it passes."""

    received: int
    expected: int
    mean: Decimal | None
    median: Decimal | None
    minimum: Decimal | None
    maximum: Decimal | None
    stdev: Decimal | None
    criterion_means: dict[int, Decimal]
    zeros: dict[int, int]
    votes_for: int
    present: int
    passed: bool
    reasons: tuple[str, ...]
    # Unrounded values for ranking: two means both shown as 80.00 may still differ, and the rank must follow the
    # true figures. Defaults keep hand-built aggregates (in tests) valid; rank() falls back to the rounded ones.
    exact_mean: Fraction | None = None
    exact_criterion_means: dict[int, Fraction] = field(default_factory=dict)


@dataclass(frozen=True)
class RankInput:
    """One application as the ranking sees it."""

    proposal_id: int
    aggregate: Aggregate
    requested_vnd: int
    chair_total: Decimal | None


@dataclass(frozen=True)
class Ranked:
    """An application's place in the ranking and what the envelope gives it."""

    proposal_id: int
    rank: int
    outcome: str
    cumulative_vnd: int


def level_points(level: int, max_points: int) -> Decimal:
    """The points of a level 0..4 ticked on a criterion worth max_points (coefficient max/4), exactly."""
    if level not in range(5) or max_points < 0:
        raise ValueError(f"level {level} outside 0..4 or negative maximum {max_points}")
    # A quarter of an integer has at most two decimals, so this Decimal division is exact.
    return Decimal(level * max_points) / Decimal(4)


def quorum(attendees: list[Attendee], rule: RuleSpec) -> Quorum:
    """Whether enough voting members, the chair or vice-chair and the reviewers are present."""
    members = len(attendees)
    attending = [a for a in attendees if a.present is True]  # not recorded yet is not present
    needed = math.ceil(rule.quorum_share * members)  # exact: 2/3 of 7 is 14/3, so 5
    has_chair = not rule.quorum_needs_chair_or_vice or any(a.role in ("chair", "vice_chair") for a in attending)
    has_reviewers = not rule.quorum_needs_reviewers or all(a.present is True for a in attendees if a.role == "reviewer")
    missing = []
    # An empty council would otherwise meet a quorum of zero.
    if len(attending) < needed or not attending:
        missing.append("members")
    if not has_chair:
        missing.append("chair")
    if not has_reviewers:
        missing.append("reviewers")
    return Quorum(len(attending), members, needed, has_chair, has_reviewers, not missing, tuple(missing))


def aggregate(
    criteria: list[CriterionSpec], rule: RuleSpec, sheets: list[Sheet], expected: int, present: int
) -> Aggregate:
    """Statistics and the pass decision for one application over its valid sheets."""
    _check_sheets(criteria, sheets)
    count = len(sheets)
    zeros = {c.id: sum(1 for s in sheets if s.points[c.id] == 0) for c in criteria}
    votes_for = sum(1 for s in sheets if s.supports)
    reasons: list[str] = []
    exact_mean: Fraction | None = None
    exact_criteria: dict[int, Fraction] = {}
    totals = sorted(s.total for s in sheets)
    if not sheets:
        reasons.append("no_sheets")
    else:
        # Fractions keep every mean exact: 70 - 0.005 must fail a threshold of 70 although it displays as 70.00.
        # Sums of points are exact in Decimal (a few digits each), so only the division needs a Fraction.
        exact_mean = Fraction(sum(totals, Decimal(0))) / count
        exact_criteria = {c.id: Fraction(sum((s.points[c.id] for s in sheets), Decimal(0))) / count for c in criteria}
        if exact_mean < Fraction(rule.pass_threshold):
            reasons.append("below_threshold")
        if _zero_rule_fails(rule, zeros, count):
            reasons.append("zero_rule")
        if rule.use_criterion_minimum:
            reasons += [
                f"criterion_minimum:{c.id}"
                for c in criteria
                if c.min_points is not None and exact_criteria[c.id] < c.min_points
            ]
    # "More than 3/4 of those present": exactly 3/4 is not enough, and nobody present concludes nothing.
    if present <= 0 or votes_for <= rule.agreement_share * present:
        reasons.append("no_agreement")
    return Aggregate(
        received=count,
        expected=expected,
        mean=_cents(exact_mean) if exact_mean is not None else None,
        median=_cents(statistics.median(Fraction(t) for t in totals)) if totals else None,
        minimum=totals[0] if totals else None,
        maximum=totals[-1] if totals else None,
        stdev=_population_stdev(totals, exact_mean) if exact_mean is not None else None,
        criterion_means={cid: _cents(mean) for cid, mean in exact_criteria.items()},
        zeros=zeros,
        votes_for=votes_for,
        present=present,
        passed=not reasons,
        reasons=tuple(reasons),
        exact_mean=exact_mean,
        exact_criterion_means=exact_criteria,
    )


def rank(entries: list[RankInput], rule: RuleSpec, envelope_vnd: int) -> list[Ranked]:
    """All applications in rank order, passing ones first, funded in that order until the envelope is used."""
    passing = sorted((e for e in entries if e.aggregate.passed), key=lambda e: _passing_key(e, rule))
    failing = sorted(
        (e for e in entries if not e.aggregate.passed), key=lambda e: (_descending(_exact(e.aggregate)), e.proposal_id)
    )
    ranked: list[Ranked] = []
    cumulative = 0
    envelope_closed = False
    for position, entry in enumerate(passing + failing, start=1):
        if not entry.aggregate.passed:
            outcome = "failed"
        elif not envelope_closed and cumulative + entry.requested_vnd <= envelope_vnd:
            outcome = "funded"
            cumulative += entry.requested_vnd
        else:
            # Fairness to rank: once an application does not fit, no lower-ranked one is funded ahead of it, even a
            # smaller one that would still fit; filling the remainder differently is the council's decision.
            envelope_closed = True
            outcome = "passed_not_funded"
        ranked.append(Ranked(entry.proposal_id, position, outcome, cumulative))
    return ranked


@dataclass(frozen=True)
class Spread:
    """How far apart a council's members usually score an application, and the standard deviation from which an
    application's totals count as a disagreement."""

    usual: Decimal | None  # the median standard deviation; None under SPREAD_MIN applications scored by two or more
    threshold: Decimal
    by_council: bool  # the council's usual spread raised the threshold above the rule's points


def usual_spread(stdevs: list[Decimal]) -> Decimal | None:
    """A council's usual spread: the median of its applications' standard deviations (those scored by two members or
    more), once it has SPREAD_MIN of them."""
    return _cents(statistics.median(Fraction(s) for s in stdevs)) if len(stdevs) >= SPREAD_MIN else None


def spread(usual: Decimal | None, rule: RuleSpec) -> Spread:
    """The threshold of a disagreement: rule.disagreement_stdev_points, or rule.disagreement_council_percent of the
    council's usual spread when that is higher (a council whose members always differ widely is judged by itself)."""
    by_council = _cents(Fraction(usual) * rule.disagreement_council_percent / 100) if usual is not None else None
    if by_council is not None and by_council > rule.disagreement_stdev_points:
        return Spread(usual, by_council, True)
    return Spread(usual, rule.disagreement_stdev_points, False)


def disagrees(agg: Aggregate, spread: Spread) -> bool:
    """Whether the members disagree on one application: two sheets or more, spread at least the threshold."""
    return agg.received >= 2 and agg.stdev is not None and agg.stdev >= spread.threshold


def offsets(sheets: list[Sheet]) -> dict[int, Fraction]:
    """On one application, each member's total less the mean of the others' (none under three sheets): positive
    for a member scoring above the others."""
    totals = {s.member_id: Fraction(s.total) for s in sheets}
    if len(totals) != len(sheets):
        raise ValueError("two sheets of one member for one application")
    # A member compared with a single other would measure that one person, not the council.
    if len(totals) < 3:
        return {}
    sum_all = sum(totals.values(), Fraction(0))
    return {m: total - (sum_all - total) / (len(totals) - 1) for m, total in totals.items()}


@dataclass(frozen=True)
class Bias:
    """Where a member's totals sit against the others' over the council's applications: the median of their offsets,
    the median absolute deviation of the offsets around it, and over how many applications."""

    median: Decimal
    spread: Decimal
    count: int

    def flagged(self, rule: RuleSpec) -> bool:
        """An outlier member: over enough applications, a median offset of at least rule.outlier_offset_points, and
        clear of the member's own scatter (at least two robust standard errors of a median: 1.4826 × MAD × 1.2533
        / √count), so that a member scoring erratically above and below the others is not called biased."""
        if self.count < max(rule.outlier_min_sheets, 1) or abs(self.median) < rule.outlier_offset_points:
            return False
        return float(abs(self.median)) * math.sqrt(self.count) >= ROBUST_ERRORS * float(self.spread)


def bias(offsets: list[int], scale: int = 1) -> Bias:
    """A member's bias from their offsets on the applications compared (at least one), each a whole number of units
    of 1 / scale point (results/store.py keeps them so): integers throughout, one exact division at the end."""
    doubled_median = _doubled_median(sorted(offsets))  # twice the median: a whole number even between two values
    doubled_spread = _doubled_median(sorted(abs(2 * o - doubled_median) for o in offsets))  # four times the MAD
    return Bias(
        median=_cents(Fraction(doubled_median, 2 * scale)),
        spread=_cents(Fraction(doubled_spread, 4 * scale)),
        count=len(offsets),
    )


def _doubled_median(ordered: list[int]) -> int:
    middle = len(ordered) // 2
    return 2 * ordered[middle] if len(ordered) % 2 else ordered[middle - 1] + ordered[middle]


def _check_sheets(criteria: list[CriterionSpec], sheets: list[Sheet]) -> None:
    # Submission validates sheets; a duplicate, partial or out-of-range one here is a bug that would skew every figure.
    ids = {c.id for c in criteria}
    if len({s.member_id for s in sheets}) != len(sheets) or any(
        set(s.points) != ids or any(not 0 <= s.points[c.id] <= c.max_points for c in criteria) for s in sheets
    ):
        raise ValueError("sheets must be one per member, each scoring every criterion within 0..max")


def _zero_rule_fails(rule: RuleSpec, zeros: dict[int, int], count: int) -> bool:
    if rule.zero_rule == "any":
        return any(zeros.values())
    if rule.zero_rule == "share":
        return any(n > rule.zero_share * count for n in zeros.values())
    return False


def _cents(value: Fraction) -> Decimal:
    # Rounding the exact rational once avoids a double rounding through a float or a limited Decimal context.
    cents = math.floor(abs(value) * 100 + Fraction(1, 2))
    return Decimal(cents if value >= 0 else -cents).scaleb(-2)


def _population_stdev(totals: list[Decimal], mean: Fraction) -> Decimal:
    variance = sum(((Fraction(t) - mean) ** 2 for t in totals), Fraction(0)) / len(totals)
    # A square root is irrational in general; 40 digits make the final rounding to cents safe in practice.
    with localcontext() as context:
        context.prec = 40
        root = (Decimal(variance.numerator) / Decimal(variance.denominator)).sqrt()
        return root.quantize(CENT, rounding=ROUND_HALF_UP)


def _exact(agg: Aggregate, criterion_id: int | None = None) -> Fraction | Decimal | None:
    # The unrounded mean (of the total or of one criterion); the rounded one only for an aggregate built by hand.
    if criterion_id is None:
        return agg.mean if agg.exact_mean is None else agg.exact_mean
    return agg.exact_criterion_means.get(criterion_id, agg.criterion_means.get(criterion_id))


def _descending(value: Fraction | Decimal | None) -> tuple[bool, Fraction]:
    # Sort key for "highest first, missing last".
    return (True, Fraction(0)) if value is None else (False, -Fraction(value))


def _passing_key(entry: RankInput, rule: RuleSpec) -> tuple:
    key = [_descending(_exact(entry.aggregate))]
    if rule.tiebreak_criterion_id is not None:
        key.append(_descending(_exact(entry.aggregate, rule.tiebreak_criterion_id)))
    if rule.tiebreak_chair:
        key.append(_descending(entry.chair_total))
    return (*key, entry.proposal_id)
