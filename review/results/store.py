"""A council's results stored when their inputs change, so that no page aggregates a whole call: one application's row
when one of its sheets or declarations changes, every row when the attendance changes or applications join, the
ranking again (from the stored integers) whenever a figure, the council's state or the call's envelope moves.

The figures are the pure scoring functions' (scoring.py), computed from the sheets; only the ranking reads them back
from the rows, exactly: a mean is the sum of the totals in hundredths over 100 × the number of sheets."""

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import bindparam, insert, select

from core.extensions import db
from policies.evaluation import Criterion
from policies.models import Call
from proposals.models import Proposal
from review.councils.models import Council, CouncilMember
from review.councils.queries import entries_by_proposal, load_council
from review.results import scoring
from review.results.inputs import REVIEWED_STATES, ApplicationSheets, application_sheets, points_table, rule_spec
from review.results.models import CouncilResult, from_cents, stored_aggregate, to_cents
from review.results.queries import council_scores

RECOMMENDED_STATES = ("recommended", "pending_approval", "approved", "not_approved")
BATCH = 500  # applications aggregated per round trip when a whole council is refreshed
RESULTS = CouncilResult.__table__
SEATS = CouncilMember.__table__
COUNCILS = Council.__table__


@dataclass
class _Context:
    """What every row of a council is computed with."""

    council: Council
    criteria: list[Criterion]
    spec: scoring.RuleSpec
    specs: list[scoring.CriterionSpec]
    seats: dict[int, CouncilMember]
    points_of: dict[int, dict[int, Decimal]]
    scale: int  # deviations are stored as integers in units of 1 / scale point


def deviation_scale(seats: int) -> int:
    """A deviation is |n·t − S| / (n − 1) over n sheets of totals in hundredths: a whole number of units of
    1 / (100 · lcm(1 … seats − 1)) point, so sums of them stay exact in an integer column."""
    return 100 * math.lcm(*range(1, max(seats, 2)))


def _context(council_id: int) -> _Context:
    """The council, locked so that two refreshes of its rows follow each other (PostgreSQL; SQLite has one writer)."""
    db.session.execute(select(Council.id).where(Council.id == council_id).with_for_update())
    council = load_council(council_id)
    criteria = list(council.template.criteria)
    return _Context(
        council=council,
        criteria=criteria,
        spec=rule_spec(council.rule, criteria),
        specs=[scoring.CriterionSpec(c.id, c.max_points, c.min_points) for c in criteria],
        seats={m.id: m for m in council.members},
        points_of=points_table(criteria, council.template.mechanic),
        scale=deviation_scale(len(council.members)),
    )


def refresh_application(council_id: int, proposal_id: int) -> None:
    """Recompute one application's row from its sheets (a sheet submitted or reopened, a conflict declared), then
    the ranking."""
    context = _context(council_id)
    where = (RESULTS.c.council_id == council_id, RESULTS.c.proposal_id == proposal_id)
    old = db.session.execute(select(RESULTS.c.id).where(*where)).scalar()
    listed = db.session.execute(
        select(Proposal.id).where(
            Proposal.id == proposal_id,
            Proposal.call_id == context.council.call_id,
            Proposal.status.in_(REVIEWED_STATES),
        )
    ).first()
    new = None
    if listed:
        found = application_sheets(
            entries_by_proposal(council_id, [proposal_id]).get(proposal_id, []),
            context.seats,
            council_scores(council_id, [proposal_id]),
            context.points_of,
        )
        new = _values(context, proposal_id, found)
    if old is not None and new is not None:
        db.session.execute(RESULTS.update().where(RESULTS.c.id == old).values(**new))
    elif new is not None:
        db.session.execute(insert(RESULTS).values(**new))
    elif old is not None:
        db.session.execute(RESULTS.delete().where(RESULTS.c.id == old))
    _rerank(context)


def refresh_council(council_id: int) -> None:
    """Recompute every row of the council from its sheets, a batch of applications at a time, and rank them (the
    attendance changed, applications joined, or after a bulk load)."""
    context = _context(council_id)
    db.session.execute(RESULTS.delete().where(RESULTS.c.council_id == council_id))
    proposal_ids = (
        db.session.execute(
            select(Proposal.id)
            .where(Proposal.call_id == context.council.call_id, Proposal.status.in_(REVIEWED_STATES))
            .order_by(Proposal.id)
        )
        .scalars()
        .all()
    )
    for start in range(0, len(proposal_ids), BATCH):
        batch = proposal_ids[start : start + BATCH]
        entries, scores = entries_by_proposal(council_id, batch), council_scores(council_id, batch)
        rows = [
            _values(context, p, application_sheets(entries.get(p, []), context.seats, scores, context.points_of))
            for p in batch
        ]
        db.session.execute(insert(RESULTS), rows)
    _rerank(context)


def rerank_council(council_id: int) -> None:
    """Rank the stored rows again (the council moved, or the call's envelope changed)."""
    _rerank(_context(council_id))


def rerank_call(call: Call, **_signal: object) -> None:
    """Rank again the results of the call's council, if it has one (its budget envelope changed: policies'
    budget_changed signal)."""
    council_id = db.session.execute(select(Council.id).where(Council.call_id == call.id)).scalar()
    if council_id is not None:
        rerank_council(council_id)


def refresh_all_results() -> int:
    """Recompute the stored results of every council past forming (after a bulk load, or an upgrade); returns how
    many councils."""
    council_ids = db.session.execute(select(Council.id).where(Council.status != "forming")).scalars().all()
    for council_id in council_ids:
        refresh_council(council_id)
    db.session.flush()
    return len(council_ids)


def _values(context: _Context, proposal_id: int, found: ApplicationSheets) -> dict:
    """The stored row of one application, by the scoring functions over its valid sheets."""
    valid = found.valid
    agg = scoring.aggregate(context.specs, context.spec, valid, found.expected, found.expected)
    chair = next((s.total for s in found.sheets if s.member.role == "chair" and s.counted), None)
    return {
        "council_id": context.council.id,
        "proposal_id": proposal_id,
        "received": agg.received,
        "expected": agg.expected,
        "present": agg.present,
        "votes_for": agg.votes_for,
        "total_cents": to_cents(sum((s.total for s in valid), Decimal(0))),
        "mean_cents": to_cents(agg.mean),
        "median_cents": to_cents(agg.median),
        "minimum_cents": to_cents(agg.minimum),
        "maximum_cents": to_cents(agg.maximum),
        "stdev_cents": to_cents(agg.stdev),
        "chair_cents": to_cents(chair),
        "criteria": {
            str(c.id): [
                to_cents(sum((s.points[c.id] for s in valid), Decimal(0))),
                to_cents(agg.criterion_means.get(c.id)),
                agg.zeros[c.id],
            ]
            for c in context.criteria
        },
        "passed": agg.passed,
        "reasons": list(agg.reasons),
        "recused": [seat.id for seat in found.recused],
        "deviations": {str(m): _units(d, context.scale) for m, d in scoring.offsets(valid).items()},
    }


def _units(deviation: Fraction, scale: int) -> int:
    units = deviation * scale
    if units.denominator != 1:  # points have at most two decimals; anything else would make the sums inexact
        raise ValueError(f"deviation {deviation} is not a whole number of 1/{scale} point")
    return units.numerator


def _rerank(context: _Context) -> None:
    """Rank the council's stored rows by the scoring rules and write the ranks, outcomes and sums that changed, the
    council's usual spread and each seat's bias. Once the conclusions are recorded they are the record, whatever
    changed since (a budget edited)."""
    council = context.council
    rows = (
        db.session.execute(
            select(RESULTS, Proposal.support_total_vnd, Proposal.status.label("proposal_status"))
            .join(Proposal, Proposal.id == RESULTS.c.proposal_id)
            .where(RESULTS.c.council_id == council.id)
        )
        .mappings()
        .all()
    )
    inputs = [
        scoring.RankInput(r["proposal_id"], stored_aggregate(r), r["support_total_vnd"], from_cents(r["chair_cents"]))
        for r in rows
    ]
    by_proposal = {r["proposal_id"]: r for r in rows}
    recorded = council.status in ("ranked", "released")
    changes = []
    for placed in scoring.rank(inputs, context.spec, council.call.budget_vnd):
        row, outcome = by_proposal[placed.proposal_id], placed.outcome
        if recorded and row["proposal_status"] in RECOMMENDED_STATES:
            outcome = "funded"
        elif recorded and outcome == "funded":
            outcome = "passed_not_funded"
        if (row["rank"], row["outcome"], row["cumulative_vnd"]) != (placed.rank, outcome, placed.cumulative_vnd):
            changes.append({"row_id": row["id"], "r": placed.rank, "o": outcome, "c": placed.cumulative_vnd})
    if changes:
        db.session.execute(
            RESULTS.update()
            .where(RESULTS.c.id == bindparam("row_id"))
            .values(rank=bindparam("r"), outcome=bindparam("o"), cumulative_vnd=bindparam("c")),
            changes,
        )
    _write_flags(context, rows)


def _write_flags(context: _Context, rows: list) -> None:
    """The figures the flags are judged on, from the council's rows: its usual spread and each seat's bias. Every
    change of the stored results ends here: the exports built from an earlier revision are out of date."""
    usual = scoring.usual_spread([from_cents(r["stdev_cents"]) for r in rows if r["received"] >= 2])
    found: dict[int, list[int]] = {seat_id: [] for seat_id in context.seats}
    for row in rows:
        for member_id, units in (row["deviations"] or {}).items():
            found.setdefault(int(member_id), []).append(units)
    if found:
        db.session.execute(
            SEATS.update()
            .where(SEATS.c.id == bindparam("seat_id"))
            .values(offset_cents=bindparam("m"), offset_spread_cents=bindparam("s"), offset_count=bindparam("n")),
            [_seat_bias(seat_id, units, context.scale) for seat_id, units in found.items()],
        )
    db.session.execute(
        COUNCILS.update()
        .where(COUNCILS.c.id == context.council.id)
        .values(usual_stdev_cents=to_cents(usual), results_revision=COUNCILS.c.results_revision + 1)
    )


def _seat_bias(seat_id: int, offsets: list[int], scale: int) -> dict:
    # A seat compared on no application has no bias: its figures stay empty.
    if not offsets:
        return {"seat_id": seat_id, "m": None, "s": None, "n": 0}
    bias = scoring.bias(offsets, scale)
    return {"seat_id": seat_id, "m": to_cents(bias.median), "s": to_cents(bias.spread), "n": bias.count}
