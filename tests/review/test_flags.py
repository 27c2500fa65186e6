"""The review flags, worked by hand: an application's disagreement judged on its standard deviation against the rule
and the council's usual spread, a member's bias on the median of their offsets and its scatter; a council of
typical members flags nothing, and the demo council only the application its members really disagree on."""

import random
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from policies.models import Call
from proposals.models import Proposal
from review.councils.queries import load_council
from review.models import Council
from review.results.scoring import (
    Aggregate,
    Bias,
    CriterionSpec,
    RuleSpec,
    Sheet,
    aggregate,
    bias,
    disagrees,
    offsets,
    spread,
    usual_spread,
)
from review.sheets.queries import seat_assignment
from tests.conftest import login
from tests.factories import make_call, make_council, make_organization, make_user, make_valid_proposal, score

D = Decimal
RULE = RuleSpec(pass_threshold=D(70))  # the defaults: 12 points and 150%; a median gap of 10 over 5 applications


def totals(*points: float) -> list[Sheet]:
    """Sheets carrying only a total, members numbered from 1."""
    return [Sheet(m, {1: D(str(t))}, True) for m, t in enumerate(points, start=1)]


def spread_of(stdev: str, received: int = 3) -> Aggregate:
    """An aggregate as the flags read it: how many sheets and their standard deviation."""
    return Aggregate(received, 7, None, None, None, None, D(stdev), {}, {}, 0, 7, False, ())


def test_the_usual_spread_is_the_median_once_five_applications_have_one() -> None:
    assert usual_spread([D(4), D(6), D(8), D(30)]) is None  # four: too few to say what is usual
    assert usual_spread([D(4), D(6), D(8), D(30), D(5)]) == D("6.00")  # 4, 5, 6, 8, 30: the 30 does not pull it
    assert usual_spread([D(4), D(6), D(8), D(30), D(5), D("6.5")]) == D("6.25")  # (6 + 6.5) / 2


def test_the_threshold_is_the_rules_points_or_the_councils_usual_spread() -> None:
    assert spread(None, RULE).threshold == D(12) and not spread(None, RULE).by_council
    assert spread(D(8), RULE).threshold == D(12)  # 150% of 8 = 12: not above the rule's 12
    raised = spread(D("8.01"), RULE)  # 150% of 8.01 = 12.015, rounded half up to 12.02
    assert raised.threshold == D("12.02") and raised.by_council and raised.usual == D("8.01")
    assert spread(D(10), RuleSpec(pass_threshold=D(70), disagreement_council_percent=200)).threshold == D(20)


def test_an_application_is_flagged_from_the_threshold_with_two_sheets() -> None:
    usual = spread(None, RULE)
    assert disagrees(spread_of("12.00"), usual) and not disagrees(spread_of("11.99"), usual)
    assert not disagrees(spread_of("40.00", received=1), usual)
    # The case the demo showed: a standard deviation of 7.7 (totals 62 to 83, a range of 21 over seven members).
    assert not disagrees(spread_of("7.70", received=7), usual)
    # A council whose members always differ by 10 judges by itself: 14 is usual there, 15 is not.
    assert not disagrees(spread_of("14.00"), spread(D(10), RULE)) and disagrees(spread_of("15.00"), spread(D(10), RULE))


def test_offsets_are_signed_against_the_others_mean() -> None:
    # m1: 80 - (82 + 78 + 50) / 3 = 10; m2: 82 - 208/3 = 38/3; m3: 78 - 212/3 = 22/3; m4: 50 - 80 = -30.
    assert offsets(totals(80, 82, 78, 50)) == {1: 10, 2: Fraction(38, 3), 3: Fraction(22, 3), 4: -30}
    assert offsets(totals(90, 10)) == {}  # compared with one other only: nothing


def test_the_bias_is_the_median_offset_and_its_median_absolute_deviation() -> None:
    # Odd: -15, -14, -13, -12, -11 -> median -13; gaps 2, 1, 0, 1, 2 -> MAD 1.
    assert bias([-12, -15, -11, -14, -13]) == Bias(D("-13.00"), D("1.00"), 5)
    # Even, in hundredths of a point (scale 100): -1450, -1200, -1100, -1000 -> median -11.50; gaps 2.50, 0.30... :
    # |-1450 + 1150| = 300, |-1200 + 1150| = 50, |-1100 + 1150| = 50, |-1000 + 1150| = 150 -> (50 + 150) / 2 = 1.00.
    assert bias([-1000, -1450, -1100, -1200], scale=100) == Bias(D("-11.50"), D("1.00"), 4)


def test_a_consistent_gap_flags_a_member_an_erratic_one_does_not() -> None:
    assert Bias(D("-13.00"), D("1.00"), 5).flagged(RULE)  # 13 below, every time
    assert not Bias(D("-13.00"), D("1.00"), 4).flagged(RULE)  # over four applications only
    assert Bias(D("10.00"), D("1.00"), 5).flagged(RULE) and not Bias(D("9.99"), D("1.00"), 5).flagged(RULE)
    # -30, +25, -20, +28, -12: a median of -12, but a MAD of 18: 12 × √5 = 26.8 < 3.716 × 18 = 66.9, not a bias.
    erratic = bias([-30, 25, -20, 28, -12])
    assert erratic == Bias(D("-12.00"), D("18.00"), 5) and not erratic.flagged(RULE)
    # The edge of the scatter test: 11 × √9 = 33 against 3.7163 × 8.87 = 32.96 (flagged) and × 8.89 = 33.04 (not).
    assert Bias(D("11.00"), D("8.87"), 9).flagged(RULE) and not Bias(D("11.00"), D("8.89"), 9).flagged(RULE)
    assert not Bias(D("-13.00"), D(0), 5).flagged(RuleSpec(pass_threshold=D(70), outlier_min_sheets=6))


def _council_flags(rounds: list[list[float]]) -> tuple[list[int], list[int]]:
    """The applications flagged for disagreement and the members flagged as outliers, rounds being each
    application's totals by member (as the store judges them)."""
    by_member: dict[int, list[int]] = {}
    aggregates = []
    for points in rounds:
        sheets = totals(*points)
        aggregates.append(aggregate([CriterionSpec(1, 100)], RULE, sheets, 7, 7))
        for member_id, offset in offsets(sheets).items():
            by_member.setdefault(member_id, []).append(int(offset * 600))  # 100 × lcm(1..6): whole units
    threshold = spread(usual_spread([a.stdev for a in aggregates]), RULE)
    flagged = [i for i, a in enumerate(aggregates) if disagrees(a, threshold)]
    return flagged, [m for m, units in sorted(by_member.items()) if bias(units, 600).flagged(RULE)]


def test_a_council_of_typical_members_flags_nothing_and_finds_the_real_outlier() -> None:
    for seed in range(100):
        draw = random.Random(seed)
        # Seven members scoring twelve applications, each a level above or below the others on a criterion or two
        # of 20, 15 or 10 points (5, 3.75 or 2.5 points a level).
        rounds = []
        for _ in range(12):
            base = draw.choice([55, 65, 75, 85])
            rounds.append(
                [base + sum(draw.choice([-5, -3.75, -2.5, 0, 2.5, 3.75, 5]) for _ in range(2)) for _ in range(7)]
            )
        assert _council_flags(rounds) == ([], []), seed
        harsh = [points[:6] + [points[6] - 20] for points in rounds]  # member 7 gives 20 points less, every time
        assert _council_flags(harsh)[1] == [7], seed
        split = rounds[:11] + [[85, 88, 82, 30, 35, 28, 80]]  # the last application divides the council
        assert _council_flags(split)[0] == [11], seed


# The demo council's members (in seat order), and the levels each gives on the default sheet's eight criteria (20,
# 20, 15, 10, 15, 10, 5, 5 points): a level here and there apart on the first two applications, as typical members
# are (totals from 65 to 85, a range of 20 that the old flag called a wide disagreement), divided on the third.
TYPICAL = [[3] * 8, [4, 3, 3, 3, 3, 3, 3, 3], [2, 3, 3, 3, 3, 3, 3, 3], [4, 4, 3, 3, 3, 3, 3, 3]]
TYPICAL += [[2, 2, 3, 3, 3, 3, 3, 3], [3, 3, 3, 4, 3, 3, 3, 3], [3, 3, 3, 3, 3, 2, 3, 3]]
DIVIDED = [[4] * 8, [4, 4, 4, 3, 4, 4, 4, 4], [1] * 8, [4] * 8, [1, 1, 1, 2, 1, 1, 1, 1], [4] * 8, [1] * 8]


def test_the_demo_council_flags_only_the_application_it_is_divided_on(app, client):
    from admin.demo import DEMO_PASSWORD, seed_demo

    seed_demo()
    db.session.commit()
    council = db.session.execute(select(Council).join(Call).where(Call.code == "TN-2026-01")).scalar_one()
    applications = db.session.execute(
        select(Proposal).where(Proposal.call_id == council.call_id).order_by(Proposal.sequence)
    ).scalars()
    seats = sorted(load_council(council.id).members, key=lambda m: m.position)
    for index, proposal in enumerate(applications.all()):
        for seat, levels in zip(seats, DIVIDED if index == 2 else TYPICAL, strict=True):
            assignment = seat_assignment(council.id, proposal.id, seat.user_id)
            if assignment.conflict == "detected" or assignment.sheet is not None:
                continue  # the applicant's employee; the chair's sheet the demo already holds
            score(load_council(council.id), proposal, db.session.get(User, seat.user_id), levels=levels)
    db.session.commit()
    chair = db.session.get(User, seats[0].user_id)
    login(client, chair.email, DEMO_PASSWORD)
    client.post("/language", data={"language": "en"})
    page = client.get(f"/councils/{council.id}/results").get_data(as_text=True)
    assert page.count("Members disagree widely") == 1
    # 100, 97.5, 25, 100, 26.25, 100, 25: a mean of 67.86 and a standard deviation of 36.41; the others 6.52, 6.12.
    assert (
        "standard deviation of 36.41 points" in page
        and "the flag starts at 12.00 points, as the evaluation rule sets" in page
    )
    assert "sit apart from the others" not in page  # three applications: too few to judge a member


def test_the_results_page_names_the_harsh_member_and_judges_by_the_councils_spread(app, client, reference):
    """Six applications before seven members, the seventh always 25 points below the others (level 2 against 3),
    the last application dividing the council."""
    with app.test_request_context():
        staff = make_user("staff@s.vn", roles=("staff",))
        call = make_call(budget_vnd=10**12)
        applicant = make_user("an@org.vn", organization=make_organization())
        proposals = [make_valid_proposal(call, applicant, title=f"Dự án {i}") for i in range(6)]
        members = [make_user(f"tv{i}@vien{i}.vn", roles=("reviewer",)) for i in range(7)]
        council = make_council(call, staff, members, open_scoring=True)
        for index, proposal in enumerate(proposals):
            levels = [4, 4, 4, 1, 1, 1, 2] if index == 5 else [3, 3, 3, 3, 3, 3, 2]
            for member, level in zip(members, levels, strict=True):
                score(council, proposal, member, level)
        db.session.commit()
        council_id, harsh = council.id, members[6].full_name
    login(client, "staff@s.vn")
    client.post("/language", data={"language": "en"})
    page = client.get(f"/councils/{council_id}/results").get_data(as_text=True)
    # Member 7: 50 - 75 = -25 on five applications, 50 - 350/6 = -8.33 on the last: a median of -25, a MAD of 0.
    assert f"<strong>{harsh}</strong>:" in page and "a median of 25.00 points below the other members over 6" in page
    assert page.count("points above the other members") == 0  # the others sit 4.17 above on five: not a bias
    # The usual spread is 8.75 (75 six times and 50: the five alike), so the flag starts at 150% of it, 13.13.
    assert page.count("Members disagree widely") == 1
    assert "the flag starts at 13.13 points, 150% of the spread usual in this council (8.75 points)" in page
