"""The acceptance grade (TT 11/2014) as pure functions over plain values: each member's overall rating from the
product and report levels, then the council's grade from the members present; or the mean of points.

No database, Flask or translations here, so the rules can be worked by hand in tests."""

from dataclasses import dataclass, field
from fractions import Fraction

LEVEL_ORDER = {"fail": 0, "pass": 1, "excellent": 2}


@dataclass(frozen=True)
class MemberInput:
    """One member's rating: attendance, (quantity, quality) per product id, the final report's level, points, and
    whether the member has submitted it."""

    member_id: int
    present: bool | None
    products: dict[int, tuple[str | None, str | None]]
    report: str | None
    points: int | None = None
    submitted: bool = True


@dataclass(frozen=True)
class Tally:
    """How many present members gave each level to one product, on quantity and on quality."""

    quantity: dict[str, int]
    quality: dict[str, int]


@dataclass(frozen=True)
class Rating:
    """The council's grade with the figures behind it, for the minutes; no grade while no member present has
    submitted a rating (a late dossier excepted: it fails whatever the ratings)."""

    grade: str | None
    rule: str
    present: int
    rated: int  # present members who submitted their rating
    excellent: int  # present members rating the project excellent
    passing: int  # present members rating it pass or excellent
    needed: Fraction  # the share of the members present that must agree
    mean_points: Fraction | None
    late: bool
    verdicts: dict[int, str] = field(default_factory=dict)  # member id → the member's overall rating
    tallies: dict[int, Tally] = field(default_factory=dict)  # product id → tally


def _at_least(level: str | None, floor: str) -> bool:
    """A missing level counts as a fail."""
    return level is not None and LEVEL_ORDER.get(level, -1) >= LEVEL_ORDER[floor]


def member_verdict(products: list[tuple[str | None, str | None]], report: str | None, share: Fraction) -> str:
    """Excellent: every product excellent on quantity and quality, the report at least pass. Pass: every product's
    quality at least pass, at least `share` of the quantities at least pass, the report at least pass. Else fail."""
    if not _at_least(report, "pass"):
        return "fail"
    if all(_at_least(qty, "excellent") and _at_least(qual, "excellent") for qty, qual in products):
        return "excellent"
    quantities_ok = sum(1 for qty, _qual in products if _at_least(qty, "pass"))
    if all(_at_least(qual, "pass") for _qty, qual in products) and quantities_ok >= share * len(products):
        return "pass"
    return "fail"


def _tallies(product_ids: list[int], present: list[MemberInput]) -> dict[int, Tally]:
    tallies = {}
    for product_id in product_ids:
        quantity, quality = dict.fromkeys(LEVEL_ORDER, 0), dict.fromkeys(LEVEL_ORDER, 0)
        for member in present:
            qty, qual = member.products.get(product_id, (None, None))
            quantity[qty if qty in LEVEL_ORDER else "fail"] += 1
            quality[qual if qual in LEVEL_ORDER else "fail"] += 1
        tallies[product_id] = Tally(quantity, quality)
    return tallies


def rate_project(
    product_ids: list[int],
    members: list[MemberInput],
    rule: str,
    share: str,
    points_excellent: int,
    points_pass: int,
    late: bool,
) -> Rating:
    """The council's grade over the members present (absent ones are ignored), None until one of them has submitted
    a rating; a late dossier fails whatever the ratings. Under "tt11_2014": excellent when at least `share` (e.g.
    "3/4", exact) of them rate it excellent, pass when at least `share` rate it pass or better. Under "points": the
    mean of their points against the thresholds."""
    if rule not in ("tt11_2014", "points"):
        raise ValueError(f"unknown acceptance rule {rule!r}")
    needed = Fraction(share)
    if not 0 < needed <= 1:
        raise ValueError(f"share {share} outside (0, 1]")
    present = [m for m in members if m.present is True]
    verdicts = {
        m.member_id: member_verdict([m.products.get(p, (None, None)) for p in product_ids], m.report, needed)
        for m in present
    }
    excellent = sum(1 for v in verdicts.values() if v == "excellent")
    passing = sum(1 for v in verdicts.values() if v != "fail")
    points = [m.points for m in present if m.points is not None]
    mean = Fraction(sum(points), len(points)) if points else None
    if rule == "points":
        grade = (
            "fail"
            if mean is None
            else "excellent"
            if mean >= points_excellent
            else "pass"
            if mean >= points_pass
            else "fail"
        )
    elif not present:
        grade = "fail"
    else:
        grade = (
            "excellent"
            if excellent >= needed * len(present)
            else "pass"
            if passing >= needed * len(present)
            else "fail"
        )
    rated = sum(1 for m in present if m.submitted)
    return Rating(
        grade="fail" if late else grade if rated else None,
        rule=rule,
        present=len(present),
        rated=rated,
        excellent=excellent,
        passing=passing,
        needed=needed,
        mean_points=mean,
        late=late,
        verdicts=verdicts,
        tallies=_tallies(product_ids, present),
    )
