"""The council's arithmetic, worked by hand: aggregation, pass rules, quorum, ranking and allocation (the flags:
test_flags.py)."""

from decimal import Decimal
from fractions import Fraction

import pytest

from review.results.scoring import (
    Aggregate,
    Attendee,
    CriterionSpec,
    RankInput,
    RuleSpec,
    Sheet,
    aggregate,
    level_points,
    quorum,
    rank,
)

# A small sheet that still totals 100: criterion 1 (necessity) 40, criterion 2 30, criterion 3 30.
CRITERIA = [CriterionSpec(1, 40), CriterionSpec(2, 30), CriterionSpec(3, 30)]
RULE = RuleSpec(pass_threshold=Decimal(70))
D = Decimal


def sheet(member_id: int, a: str | int, b: str | int, c: str | int, supports: bool = True) -> Sheet:
    """A sheet with the three criteria's points given as exact decimals."""
    return Sheet(member_id, {1: D(a), 2: D(b), 3: D(c)}, supports)


def run(sheets: list[Sheet], rule: RuleSpec = RULE, criteria: list[CriterionSpec] = CRITERIA) -> Aggregate:
    """Aggregate with every sheet's member expected and present."""
    return aggregate(criteria, rule, sheets, expected=len(sheets), present=len(sheets))


def test_normal_pass_with_every_statistic() -> None:
    sheets = [sheet(1, 30, 25, 20), sheet(2, 32, 24, 24), sheet(3, 28, 22, 20), sheet(4, 34, 26, 25)]
    result = run(sheets)
    # Totals 75, 80, 70, 85; sum 310; mean 310 / 4 = 77.5.
    assert result.mean == D("77.50")
    # Even count: sorted 70, 75, 80, 85, median (75 + 80) / 2 = 77.5.
    assert result.median == D("77.50")
    assert (result.minimum, result.maximum) == (D(70), D(85))
    # Deviations -7.5, -2.5, 2.5, 7.5; squares 56.25 + 6.25 + 6.25 + 56.25 = 125; 125 / 4 = 31.25;
    # sqrt(31.25) = 5.5901... -> 5.59.
    assert result.stdev == D("5.59")
    # Criterion 1: 124 / 4 = 31; criterion 2: 97 / 4 = 24.25; criterion 3: 89 / 4 = 22.25 (31 + 24.25 + 22.25 = 77.5).
    assert result.criterion_means == {1: D("31.00"), 2: D("24.25"), 3: D("22.25")}
    assert result.zeros == {1: 0, 2: 0, 3: 0}
    # 4 votes for among 4 present: 4 > 3/4 x 4 = 3.
    assert (result.received, result.expected, result.votes_for, result.present) == (4, 4, 4, 4)
    assert result.passed and result.reasons == ()


def test_odd_count_median_and_stdev() -> None:
    result = run([sheet(1, 20, 20, 20), sheet(2, 30, 20, 20), sheet(3, 40, 20, 20)])
    # Totals 60, 70, 80: mean 70, median 70; variance (100 + 0 + 100) / 3 = 66.67; sqrt = 8.1649... -> 8.16.
    assert (result.mean, result.median, result.stdev) == (D("70.00"), D("70.00"), D("8.16"))


def test_threshold_boundary() -> None:
    # 70 + 70 = 140, mean exactly 70: passes (>=).
    assert run([sheet(1, 30, 20, 20), sheet(2, 30, 20, 20)]).passed
    # 70 + 69.98 = 139.98, mean 69.99: fails.
    low = run([sheet(1, 30, 20, 20), sheet(2, "29.98", 20, 20)])
    assert low.mean == D("69.99") and low.reasons == ("below_threshold",)
    # 70 + 69.99 = 139.99, mean 69.995 is shown rounded half up as 70.00 but the unrounded mean fails.
    shown_as_seventy = run([sheet(1, 30, 20, 20), sheet(2, "29.99", 20, 20)])
    assert shown_as_seventy.mean == D("70.00")
    assert shown_as_seventy.exact_mean == Fraction(13999, 200)
    assert shown_as_seventy.reasons == ("below_threshold",)


def seven_sheets(zeros_on_3: int) -> list[Sheet]:
    """Seven sheets, the first `zeros_on_3` give 0 to criterion 3 (total 70), the others 95."""
    return [sheet(m, 40, 30, 0) if m <= zeros_on_3 else sheet(m, 40, 30, 25) for m in range(1, 8)]


def test_zero_rule_share() -> None:
    # 2 zeros: 2 > 1/3 x 7 = 2.33 is false; mean (2 x 70 + 5 x 95) / 7 = 615 / 7 = 87.857 -> passes.
    two = run(seven_sheets(2))
    assert two.zeros == {1: 0, 2: 0, 3: 2}
    assert two.mean == D("87.86") and two.passed
    # 3 zeros: 3 > 2.33 -> fails although the mean (3 x 70 + 4 x 95) / 7 = 590 / 7 = 84.29 is well above 70.
    three = run(seven_sheets(3))
    assert three.mean == D("84.29")
    assert three.reasons == ("zero_rule",)
    # Exactly one third is not "more than": 6 sheets, 2 zeros, 2 > 1/3 x 6 = 2 is false -> passes.
    assert run(seven_sheets(2)[:6]).passed


def test_zero_rule_any_and_none() -> None:
    any_zero = RuleSpec(pass_threshold=D(70), zero_rule="any")
    assert run(seven_sheets(1), any_zero).reasons == ("zero_rule",)
    assert run(seven_sheets(0), any_zero).passed
    # Every sheet gives 0 to criterion 3, but with no zero rule only the mean counts: 7 x 70 / 7 = 70.
    assert run(seven_sheets(7), RuleSpec(pass_threshold=D(70), zero_rule="none")).passed
    with pytest.raises(ValueError):
        RuleSpec(pass_threshold=D(70), zero_rule="some")


def test_criterion_minimum_on_the_mean() -> None:
    criteria = [CriterionSpec(1, 40), CriterionSpec(2, 30), CriterionSpec(3, 30, min_points=15)]
    rule = RuleSpec(pass_threshold=D(70), use_criterion_minimum=True)
    # Criterion 3: (10 + 14 + 20) / 3 = 14.67 < 15 -> fails; totals 80, 84, 90, mean 84.67 passes the threshold.
    low = run([sheet(1, 40, 30, 10), sheet(2, 40, 30, 14), sheet(3, 40, 30, 20)], rule, criteria)
    assert low.criterion_means[3] == D("14.67") and low.reasons == ("criterion_minimum:3",)
    # Same sheets, minimum not used by the call's rule: passes.
    assert run([sheet(1, 40, 30, 10), sheet(2, 40, 30, 14), sheet(3, 40, 30, 20)], RULE, criteria).passed
    # One sheet below 15 is fine when the mean is not: (10 + 15 + 20) / 3 = 15.
    assert run([sheet(1, 40, 30, 10), sheet(2, 40, 30, 15), sheet(3, 40, 30, 20)], rule, criteria).passed


def test_every_reason_in_order() -> None:
    criteria = [CriterionSpec(1, 40, min_points=20), CriterionSpec(2, 30), CriterionSpec(3, 30, min_points=10)]
    rule = RuleSpec(pass_threshold=D(70), use_criterion_minimum=True)
    # Totals 40 and 50 (mean 45 < 70); criterion 3: 2 zeros of 2 > 2/3; means 15 < 20 and 0 < 10; 0 votes.
    result = run([sheet(1, 10, 30, 0, False), sheet(2, 20, 30, 0, False)], rule, criteria)
    assert result.reasons == (
        "below_threshold",
        "zero_rule",
        "criterion_minimum:1",
        "criterion_minimum:3",
        "no_agreement",
    )


def test_agreement_needs_more_than_three_quarters() -> None:
    def votes(supporting: int) -> list[Sheet]:
        return [sheet(m, 35, 25, 25, m <= supporting) for m in range(1, 8)]

    # 7 present: 3/4 x 7 = 5.25. 5 > 5.25 is false -> no agreement; 6 > 5.25 -> passes.
    five = run(votes(5))
    assert five.votes_for == 5 and five.reasons == ("no_agreement",)
    assert run(votes(6)).passed
    # Exactly three quarters is not "more than": 4 present, 3 for, 3 > 3 is false.
    assert run(votes(3)[:4]).reasons == ("no_agreement",)


def test_absent_member() -> None:
    # 7 members, one absent: 6 valid sheets, 6 present. 5 for: 5 > 3/4 x 6 = 4.5 -> passes.
    sheets = [sheet(m, 35, 25, 25, m != 6) for m in range(1, 7)]
    result = aggregate(CRITERIA, RULE, sheets, expected=7, present=6)
    assert (result.received, result.expected, result.present, result.votes_for) == (6, 7, 6, 5)
    assert result.mean == D("85.00") and result.passed


def test_reopened_sheet_replaces_the_old_one() -> None:
    first = [sheet(1, 30, 20, 20), sheet(2, 40, 30, 30), sheet(3, 35, 25, 25)]
    # Totals 70, 100, 85: mean 255 / 3 = 85.
    assert run(first).mean == D("85.00")
    # Member 2 reopens and resubmits 30 + 20 + 20 = 70; the caller passes the new sheet: 225 / 3 = 75.
    resubmitted = [first[0], sheet(2, 30, 20, 20), first[2]]
    again = run(resubmitted)
    assert again.mean == D("75.00") and again.maximum == D(85)


def test_no_sheets() -> None:
    result = aggregate(CRITERIA, RULE, [], expected=7, present=0)
    assert (result.mean, result.median, result.minimum, result.maximum, result.stdev) == (None,) * 5
    assert result.criterion_means == {} and result.zeros == {1: 0, 2: 0, 3: 0}
    assert result.reasons == ("no_sheets", "no_agreement")


def test_incomplete_sheet_is_refused() -> None:
    with pytest.raises(ValueError):
        run([Sheet(1, {1: D(30), 2: D(20)}, True)])
    with pytest.raises(ValueError):
        run([sheet(1, 41, 20, 20)])


def council(size: int, absent: tuple[int, ...] = (), unrecorded: tuple[int, ...] = ()) -> list[Attendee]:
    """Members 1 chair, 2 vice-chair, 3-4 reviewers, 5 scientific secretary, the rest members."""
    roles = {1: "chair", 2: "vice_chair", 3: "reviewer", 4: "reviewer", 5: "scientific_secretary"}
    return [
        Attendee(m, roles.get(m, "member"), None if m in unrecorded else m not in absent) for m in range(1, size + 1)
    ]


def test_quorum_of_seven() -> None:
    # 2/3 x 7 = 4.67 -> 5 needed. Members 6 and 7 away: 5 present with chair and both reviewers.
    ok = quorum(council(7, absent=(6, 7)), RULE)
    assert (ok.present, ok.members, ok.needed, ok.met, ok.missing) == (5, 7, 5, True, ())
    # A third away: 4 < 5.
    assert quorum(council(7, absent=(5, 6, 7)), RULE).missing == ("members",)
    # Chair away, vice-chair present: enough.
    assert quorum(council(7, absent=(1,)), RULE).has_chair
    # Chair and vice-chair away.
    no_chair = quorum(council(7, absent=(1, 2)), RULE)
    assert not no_chair.has_chair and no_chair.missing == ("chair",)
    # A reviewer away, although 6 of 7 present.
    assert quorum(council(7, absent=(4,)), RULE).missing == ("reviewers",)
    # Same council when the call does not require the reviewers.
    assert quorum(council(7, absent=(4,)), RuleSpec(pass_threshold=D(70), quorum_needs_reviewers=False)).met


def test_quorum_of_nine_and_unrecorded_attendance() -> None:
    # 2/3 x 9 = 6 needed exactly.
    six = quorum(council(9, absent=(7, 8, 9)), RULE)
    assert (six.present, six.needed, six.met) == (6, 6, True)
    # Attendance not recorded counts as not present: for 7-9 and a reviewer, 5 present.
    unrecorded = quorum(council(9, unrecorded=(4, 7, 8, 9)), RULE)
    assert unrecorded.present == 5 and unrecorded.missing == ("members", "reviewers")
    # Nothing recorded at all: every requirement missing, in order.
    assert quorum(council(9, unrecorded=tuple(range(1, 10))), RULE).missing == ("members", "chair", "reviewers")


def entry(proposal_id: int, sheets: list[Sheet], requested: int = 100, chair_total: str | None = None) -> RankInput:
    """An application to rank, aggregated from its sheets."""
    return RankInput(proposal_id, run(sheets), requested, D(chair_total) if chair_total else None)


def test_rank_ties() -> None:
    rule = RuleSpec(pass_threshold=D(70), tiebreak_criterion_id=1)
    entries = [
        # Mean 80, necessity 30, chair 80.
        entry(10, [sheet(1, 30, 25, 25), sheet(2, 30, 25, 25)], chair_total="80"),
        # Mean 80, necessity 32 > 30: ahead of every other 80.
        entry(11, [sheet(1, 32, 24, 24), sheet(2, 32, 24, 24)], chair_total="70"),
        # Mean 80, necessity 30, chair 85 > 80: ahead of 10.
        entry(12, [sheet(1, 30, 25, 25), sheet(2, 30, 25, 25)], chair_total="85"),
        # Mean 80, necessity 30, chair 80 like 10: after 10 by id.
        entry(13, [sheet(1, 30, 25, 25), sheet(2, 30, 25, 25)], chair_total="80"),
        # Mean 80, necessity 30, no chair total: last of the ties.
        entry(9, [sheet(1, 30, 25, 25), sheet(2, 30, 25, 25)]),
        # Mean 85: first.
        entry(14, [sheet(1, 35, 25, 25), sheet(2, 35, 25, 25)]),
        # Failing: mean 70 with 2 of 2 zeros on criterion 3; mean 60; no sheets at all (mean None).
        entry(20, [sheet(1, 20, 20, 20), sheet(2, 20, 20, 20)]),
        entry(22, [sheet(1, 40, 30, 0), sheet(2, 40, 30, 0)]),
        RankInput(21, aggregate(CRITERIA, RULE, [], expected=2, present=2), 100, None),
    ]
    ranked = rank(entries, rule, envelope_vnd=10_000)
    assert [r.proposal_id for r in ranked] == [14, 11, 12, 10, 13, 9, 22, 20, 21]
    assert [r.rank for r in ranked] == list(range(1, 10))
    # Without the chair tie-break 9, 10, 12, 13 stay tied until their ids.
    no_chair = RuleSpec(pass_threshold=D(70), tiebreak_criterion_id=1, tiebreak_chair=False)
    assert [r.proposal_id for r in rank(entries, no_chair, 10_000)][:6] == [14, 11, 9, 10, 12, 13]


def test_rank_follows_the_exact_mean() -> None:
    rule = RuleSpec(pass_threshold=D(70), tiebreak_criterion_id=1)
    # 80 + 80.01 + 80 = 240.01, mean 80.0033 shown as 80.00, necessity 30.
    a = entry(1, [sheet(1, 30, 25, 25), sheet(2, "30.01", 25, 25), sheet(3, 30, 25, 25)])
    # Mean exactly 80.00 with a higher necessity 40: the tie-break does not apply, the means differ.
    b = entry(2, [sheet(1, 40, 20, 20), sheet(2, 40, 20, 20), sheet(3, 40, 20, 20)])
    assert a.aggregate.mean == b.aggregate.mean == D("80.00")
    assert [r.proposal_id for r in rank([b, a], rule, 1_000)] == [1, 2]


def test_rank_accepts_a_hand_built_aggregate() -> None:
    # Without the exact fields the rounded means are used: 81.50 ahead of 80.00, each passing.
    def built(mean: str) -> Aggregate:
        return Aggregate(2, 2, D(mean), D(mean), D(mean), D(mean), D(0), {1: D(30)}, {1: 0}, 2, 2, True, ())

    entries = [RankInput(1, built("80.00"), 10, None), RankInput(2, built("81.50"), 10, None)]
    assert [r.proposal_id for r in rank(entries, RuleSpec(pass_threshold=D(70), tiebreak_criterion_id=1), 20)] == [2, 1]


def passing(proposal_id: int, total: int, requested: int) -> RankInput:
    """A passing application with the given total on both of its two sheets."""
    return entry(proposal_id, [sheet(1, 40, 30, total - 70), sheet(2, 40, 30, total - 70)], requested)


def test_allocation_uses_the_envelope_exactly() -> None:
    entries = [passing(1, 95, 400_000_000), passing(2, 90, 600_000_000), passing(3, 85, 300_000_000)]
    ranked = rank(entries, RULE, envelope_vnd=1_000_000_000)
    # 400 + 600 = 1,000 million = the envelope: both funded; 1,000 + 300 > 1,000.
    assert [(r.outcome, r.cumulative_vnd) for r in ranked] == [
        ("funded", 400_000_000),
        ("funded", 1_000_000_000),
        ("passed_not_funded", 1_000_000_000),
    ]


def test_allocation_does_not_skip_rank_for_a_smaller_one() -> None:
    failed = entry(4, [sheet(1, 20, 20, 20), sheet(2, 20, 20, 20)], 50_000_000)
    entries = [failed, passing(1, 95, 400_000_000), passing(2, 90, 700_000_000), passing(3, 85, 100_000_000)]
    ranked = rank(entries, RULE, envelope_vnd=1_000_000_000)
    # 400 fits; 400 + 700 = 1,100 > 1,000 does not; 400 + 100 = 500 would fit but ranks after 2: not funded.
    assert [(r.proposal_id, r.rank, r.outcome, r.cumulative_vnd) for r in ranked] == [
        (1, 1, "funded", 400_000_000),
        (2, 2, "passed_not_funded", 400_000_000),
        (3, 3, "passed_not_funded", 400_000_000),
        (4, 4, "failed", 400_000_000),
    ]


def test_level_points() -> None:
    # Level x max / 4: 3 x 15 / 4 = 11.25; 4 x 20 / 4 = 20; 2 x 5 / 4 = 2.5; 0 x 10 / 4 = 0.
    assert level_points(3, 15) == D("11.25")
    assert level_points(4, 20) == D(20)
    assert level_points(2, 5) == D("2.5")
    assert level_points(0, 10) == D(0)
    for level in (-1, 5):
        with pytest.raises(ValueError):
            level_points(level, 15)
