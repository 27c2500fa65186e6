"""The acceptance grade (TT 11/2014) worked by hand: members' verdicts, the council's share, points, late dossiers."""

from fractions import Fraction

import pytest

from projects.acceptance.rating import MemberInput, member_verdict, rate_project

E, P, F = "excellent", "pass", "fail"
PRODUCTS = [1, 2, 3, 4]


def member(member_id, level, present=True, report=P, points=None):
    """A member rating all four products at one level on quantity and quality."""
    return MemberInput(member_id, present, {p: (level, level) for p in PRODUCTS}, report, points)


def rate(members, rule="tt11_2014", late=False):
    return rate_project(PRODUCTS, members, rule, "3/4", 85, 50, late)


@pytest.mark.parametrize(
    ("products", "report", "expected"),
    [
        ([(E, E)] * 4, P, E),  # every product excellent, report pass → excellent
        ([(E, E)] * 4, F, F),  # the report fails → fail whatever the products
        ([(E, E)] * 3 + [(E, P)], E, P),  # one quality only pass → pass, not excellent
        ([(P, P)] * 3 + [(F, P)], P, P),  # exactly 3 of 4 quantities pass → pass
        ([(P, P)] * 2 + [(F, P)] * 2, P, F),  # 2 of 4 quantities → fail
        ([(P, P)] * 3 + [(P, F)], P, F),  # any quality fail → fail
        ([(P, P), (P, None)], P, F),  # a missing level counts as a fail
        ([(P, P)] * 3, None, F),  # no report level → fail
    ],
)
def test_member_verdict(products, report, expected):
    assert member_verdict(products, report, Fraction(3, 4)) == expected


def test_seven_of_eight_quantities_pass_but_five_of_eight_do_not():
    """3/4 of 8 products is 6: 6 passes, 5 does not (exact, no rounding)."""
    six = [(P, P)] * 6 + [(F, P)] * 2
    five = [(P, P)] * 5 + [(F, P)] * 3
    assert member_verdict(six, P, Fraction(3, 4)) == P
    assert member_verdict(five, P, Fraction(3, 4)) == F


def test_exactly_three_quarters_excellent_gives_excellent():
    result = rate([member(1, E), member(2, E), member(3, E), member(4, P)])
    assert (result.grade, result.present, result.excellent, result.passing) == (E, 4, 3, 4)


def test_just_under_three_quarters_excellent_gives_pass():
    """5 of 7 excellent: 5/7 < 3/4 → not excellent; all 7 pass or better → pass."""
    result = rate([member(i, E) for i in range(5)] + [member(5, P), member(6, P)])
    assert (result.grade, result.excellent, result.passing) == (P, 5, 7)


def test_exactly_three_quarters_pass_gives_pass_and_under_fails():
    assert rate([member(1, P), member(2, P), member(3, E), member(4, F)]).grade == P
    assert rate([member(1, P), member(2, P), member(3, F), member(4, F)]).grade == F
    # 5 of 7 passing is just under 3/4
    assert rate([member(i, P) for i in range(5)] + [member(5, F), member(6, F)]).grade == F


def test_absent_members_are_ignored():
    """Two absent members rating fail do not count; 3 of 3 present excellent."""
    members = [member(1, E), member(2, E), member(3, E), member(4, F, present=False), member(5, F, present=None)]
    result = rate(members)
    assert (result.grade, result.present) == (E, 3)
    assert set(result.verdicts) == {1, 2, 3}
    assert result.tallies[1].quantity == {E: 3, P: 0, F: 0}


def test_no_grade_until_a_member_present_has_submitted_a_rating():
    unsent = [MemberInput(i, True, {}, None, None, submitted=False) for i in range(5)]
    assert (rate(unsent).grade, rate(unsent).rated) == (None, 0)
    assert rate(unsent, rule="points").grade is None
    assert rate([member(i, E, present=None) for i in range(5)]).grade is None  # attendance not recorded yet
    assert rate(unsent, late=True).grade == F  # a late dossier fails whatever the ratings
    one = rate([member(0, E), *unsent[1:]])  # the four still rating count as not agreeing
    assert (one.grade, one.rated, one.present) == (F, 1, 5)


def test_late_dossier_fails_regardless():
    result = rate([member(i, E) for i in range(5)], late=True)
    assert (result.grade, result.excellent, result.late) == (F, 5, True)


def test_nobody_present_gives_no_grade():
    assert rate([member(1, E, present=False)]).grade is None  # the conclusion needs a quorum anyway


def test_points_rule_boundaries():
    at_85 = rate([member(1, F, points=80), member(2, F, points=90)], rule="points")
    assert (at_85.grade, at_85.mean_points) == (E, Fraction(85))
    assert rate([member(1, F, points=84), member(2, F, points=85)], rule="points").grade == P  # 84.5
    assert rate([member(1, F, points=50), member(2, F, points=50)], rule="points").grade == P
    assert rate([member(1, F, points=49), member(2, F, points=50)], rule="points").grade == F  # 49.5
    # an absent member's points are ignored
    assert rate([member(1, F, points=90), member(2, F, present=False, points=0)], rule="points").grade == E
    assert rate([member(1, E, points=99)], rule="points", late=True).grade == F


def test_tallies_count_levels_per_product():
    members = [
        MemberInput(1, True, {1: (E, P), 2: (F, F)}, P),
        MemberInput(2, True, {1: (P, P)}, P),
    ]
    result = rate_project([1, 2], members, "tt11_2014", "3/4", 85, 50, False)
    assert result.tallies[1].quantity == {E: 1, P: 1, F: 0}
    assert result.tallies[1].quality == {E: 0, P: 2, F: 0}
    assert result.tallies[2].quantity == {E: 0, P: 0, F: 2}  # the missing rating counts as a fail


def test_bad_rule_or_share_is_refused():
    with pytest.raises(ValueError):
        rate_project([], [], "vote", "3/4", 85, 50, False)
    with pytest.raises(ValueError):
        rate_project([], [], "tt11_2014", "5/4", 85, 50, False)
