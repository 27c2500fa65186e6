"""The stored results: after each kind of change they are what the scoring functions compute from the sheets, the
ranking follows the exact stored means, and the results page reads only its page, by the (council, rank) index."""

import re
from decimal import Decimal
from fractions import Fraction

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import event, insert, select, text
from sqlalchemy.orm import selectinload

from accounts.models import User
from core.extensions import db
from policies.models import Call
from policies.services import update_call
from proposals.models import Proposal
from review.councils import services
from review.councils.queries import council_entries, load_council
from review.models import Council, CouncilMember, CouncilResult
from review.results import scoring
from review.results.aggregation import application_result
from review.results.inputs import REVIEWED_STATES, application_sheets, points_table, rule_spec
from review.results.queries import council_scores
from review.results.store import deviation_scale, refresh_council, rerank_council
from review.sheets import services as sheets
from review.sheets.queries import seat_assignment
from tests.conftest import login
from tests.factories import make_call, make_council, make_organization, make_user, make_valid_proposal, score
from tests.migrating import migrated
from tests.plans import query_plan
from tests.review.test_councils import world  # noqa: F401 (the fixture)

FIGURES = ("received", "expected", "mean", "median", "minimum", "maximum", "stdev", "criterion_means", "zeros")
FIGURES += ("votes_for", "present", "passed", "reasons", "exact_mean", "exact_criterion_means")


def _computed(council_id: int) -> tuple[dict[int, scoring.Aggregate], dict[int, tuple], dict]:
    """From the sheets, by the pure functions alone: each application's aggregate, its rank and outcome, and what the
    flags are judged on (as the council stood before any conclusion was recorded): the usual spread, each seat's
    bias."""
    council = load_council(council_id)
    criteria = list(council.template.criteria)
    spec = rule_spec(council.rule, criteria)
    specs = [scoring.CriterionSpec(c.id, c.max_points, c.min_points) for c in criteria]
    seats = {m.id: m for m in council.members}
    points_of = points_table(criteria, council.template.mechanic)
    scores = council_scores(council_id)
    entries: dict[int, list] = {}
    for entry in council_entries(council_id):
        entries.setdefault(entry.proposal_id, []).append(entry)
    stored = db.session.execute(select(CouncilResult.proposal_id).where(CouncilResult.council_id == council_id))
    aggregates, valid, inputs = {}, {}, []
    reviewed = db.session.execute(
        select(Proposal.id, Proposal.support_total_vnd).where(
            Proposal.call_id == council.call_id, Proposal.status.in_(REVIEWED_STATES)
        )
    ).all()
    assert sorted(stored.scalars()) == sorted(p for p, _requested in reviewed)
    for proposal_id, requested in reviewed:
        found = application_sheets(entries.get(proposal_id, []), seats, scores, points_of)
        agg = scoring.aggregate(specs, spec, found.valid, found.expected, found.expected)
        chair = next((s.total for s in found.sheets if s.member.role == "chair" and s.counted), None)
        aggregates[proposal_id], valid[proposal_id] = agg, found.valid
        inputs.append(scoring.RankInput(proposal_id, agg, requested, chair))
    ranked = {
        r.proposal_id: (r.rank, r.outcome, r.cumulative_vnd)
        for r in scoring.rank(inputs, spec, council.call.budget_vnd)
    }
    scale, offsets = deviation_scale(len(seats)), {}
    for found_valid in valid.values():
        for member_id, offset in scoring.offsets(found_valid).items():
            offsets.setdefault(member_id, []).append(int(offset * scale))
    usual = scoring.usual_spread([a.stdev for a in aggregates.values() if a.received >= 2])
    flags = {"usual": usual} | {m: scoring.bias(o, scale) for m, o in offsets.items()}
    return aggregates, ranked, flags


def _assert_stored_matches(council_id: int) -> None:
    db.session.expire_all()
    aggregates, ranked, flags = _computed(council_id)
    rows = db.session.execute(select(CouncilResult).where(CouncilResult.council_id == council_id)).scalars().all()
    for row in rows:
        stored, computed = row.aggregate(), aggregates[row.proposal_id]
        for name in FIGURES:
            assert getattr(stored, name) == getattr(computed, name), (row.proposal_id, name)
        assert (row.rank, row.outcome, row.cumulative_vnd) == ranked[row.proposal_id]
    usual = db.session.execute(select(Council.usual_stdev_cents).where(Council.id == council_id)).scalar()
    seats = select(CouncilMember.id, CouncilMember.offset_cents, CouncilMember.offset_spread_cents)
    stored = {"usual": None if usual is None else Decimal(usual).scaleb(-2)} | {
        seat_id: scoring.Bias(Decimal(median).scaleb(-2), Decimal(spread).scaleb(-2), count)
        for seat_id, median, spread, count in db.session.execute(
            seats.add_columns(CouncilMember.offset_count).where(
                CouncilMember.council_id == council_id, CouncilMember.offset_count > 0
            )
        )
    }
    assert stored == flags


def test_stored_rows_follow_every_change(app, world):  # noqa: F811
    staff, members, proposals = world["staff"], world["members"], world["proposals"]
    council_id = world["council"].id
    with app.test_request_context():
        services.move_council(load_council(council_id), "scoring", staff)
        db.session.commit()
        _assert_stored_matches(council_id)
        levels = {0: 4, 1: 3, 2: 1}
        for index, proposal in enumerate(proposals):  # submit, one sheet at a time
            for position, member in enumerate(members):
                if seat_assignment(council_id, proposal.id, member.id).conflict == "detected":
                    continue
                if index == 1 and position == 2:  # a conflict declared instead
                    sheets.declare(
                        seat_assignment(council_id, proposal.id, member.id),
                        load_council(council_id),
                        True,
                        "Người thân",
                        member,
                    )
                    continue
                score(
                    load_council(council_id),
                    proposal,
                    member,
                    max(levels[index] - position % 2, 0),
                    "support" if index < 2 else "reject",
                )
        db.session.commit()
        _assert_stored_matches(council_id)
        done = seat_assignment(council_id, proposals[0].id, members[0].id).sheet
        sheets.reopen_sheet(done, load_council(council_id), "Sai điểm", staff)  # reopened
        db.session.commit()
        _assert_stored_matches(council_id)
        council = load_council(council_id)
        absent = council.members[1].id
        services.record_attendance(council, {m.id for m in council.members if m.id != absent}, staff)  # attendance
        db.session.commit()
        _assert_stored_matches(council_id)
        services.move_council(load_council(council_id), "closed", staff)  # scoring closed
        db.session.commit()
        _assert_stored_matches(council_id)
        call = db.session.get(Call, world["call"].id)
        data = {
            "regime_id": call.regime_id,
            "code": call.code,
            "title": call.title,
            "title_en": call.title_en,
            "year": call.year,
            "opens_at": call.opens_at,
            "closes_at": call.closes_at,
            "budget_vnd": 100_000_000,
            "guidance": call.guidance,
            "guidance_en": call.guidance_en,
            "category_ids": [c.id for c in db.session.execute(text("SELECT category_id AS id FROM call_categories"))],
            "sector_ids": [s.id for s in db.session.execute(text("SELECT sector_id AS id FROM call_sectors"))],
            "required_documents": ["Đơn đề nghị hỗ trợ"],
            "optional_documents": [],
        }
        call = db.session.execute(
            select(Call)
            .where(Call.id == call.id)
            .options(selectinload(Call.categories), selectinload(Call.sectors), selectinload(Call.documents))
        ).scalar_one()
        update_call(call, data)  # the envelope now holds no application
        db.session.commit()
        _assert_stored_matches(council_id)
        outcomes = db.session.execute(select(CouncilResult.outcome)).scalars().all()
        assert "funded" not in outcomes and "passed_not_funded" in outcomes


def test_the_ranking_follows_the_exact_stored_mean(app, world):  # noqa: F811
    """69.995 shows as 70.00 but ranks below an exact 70: the stored sum in hundredths over the count decides."""
    council_id, proposals = world["council"].id, world["proposals"]
    council = db.session.get(type(world["council"]), council_id)
    council.status = "closed"
    base = {"council_id": council_id, "expected": 2, "present": 2, "votes_for": 2, "criteria": {}, "reasons": []}
    base |= {"passed": True, "recused": [], "deviations": {}, "received": 2}
    db.session.execute(
        insert(CouncilResult),
        [
            base | {"proposal_id": proposals[0].id, "total_cents": 13999, "mean_cents": 7000},  # 69.995
            base | {"proposal_id": proposals[1].id, "total_cents": 14000, "mean_cents": 7000},  # 70
        ],
    )
    rerank_council(council_id)
    db.session.commit()
    rows = {r.proposal_id: r for r in db.session.execute(select(CouncilResult)).scalars()}
    low, exact = rows[proposals[0].id], rows[proposals[1].id]
    assert str(low.aggregate().mean) == "70.00" and low.aggregate().exact_mean == Fraction(69995, 1000)
    assert low.aggregate().exact_mean < Fraction(70)
    assert (exact.rank, low.rank) == (1, 2)


def _large_council(app, count: int) -> int:
    with app.test_request_context():
        staff = make_user("staff@s.vn", roles=("staff",))
        call = make_call(budget_vnd=10**12)
        applicant = make_user("an@org.vn", organization=make_organization())
        for i in range(count):
            make_valid_proposal(call, applicant, title=f"Dự án {i}")
        members = [make_user(f"tv{i}@vien{i}.vn", roles=("reviewer",)) for i in range(7)]
        council = make_council(call, staff, members, open_scoring=True)
        db.session.commit()
    return council.id


def test_the_results_page_reads_only_its_page(app, reference):
    council_id = _large_council(app, 30)
    client = app.test_client()
    login(client, "staff@s.vn")
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        page = client.get(f"/councils/{council_id}/results")
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert page.status_code == 200 and page.text.count('<tbody class="outcome-') == 25
    reads = [s for s in statements if "FROM council_results" in s and "max(" not in s]
    assert reads and all("LIMIT" in s and "council_results.rank >" in s for s in reads)  # a seek by rank
    second = client.get(f"/councils/{council_id}/results?page=2")
    ranks = re.findall(r'<tbody class="outcome-\w+">\s*<tr><td>(\d+)</td>', second.text)
    assert ranks == ["26", "27", "28", "29", "30"] and "page=2" in page.text  # counted by the highest rank


def test_the_page_query_uses_the_council_rank_index(app, reference):
    council_id = _large_council(app, 3)
    page = select(CouncilResult.id).where(CouncilResult.council_id == council_id).order_by(CouncilResult.rank)
    plan = query_plan(page.limit(25).offset(0))
    assert "ix_council_results_council_id_rank" in plan, plan


def test_the_upgrade_fills_the_results_of_existing_councils(database_url, tmp_path):
    snapshot = text(
        "SELECT council_id, proposal_id, received, mean_cents, rank, outcome FROM council_results ORDER BY 1, 2"
    )
    with migrated(database_url, tmp_path):  # a council scoring, some sheets submitted
        before = db.session.execute(snapshot).all()
        assert before
        db.session.remove()
        downgrade(revision="0009_sessions")
        upgrade()
        assert db.session.execute(snapshot).all() == before
        for council_id in db.session.execute(select(CouncilResult.council_id).distinct()).scalars().all():
            refresh_council(council_id)
        assert db.session.execute(snapshot).all() == before


def test_one_application_result_is_ranked_among_what_the_chair_sees(app, reference):
    council_id = _large_council(app, 3)
    rows = db.session.execute(
        select(CouncilResult).where(CouncilResult.council_id == council_id).order_by(CouncilResult.id)
    ).scalars()
    first, second, third = rows.all()
    first.rank, second.rank, third.rank = 1, 2, 3
    council = load_council(council_id)
    chair = next(m for m in council.members if m.role == "chair")
    for result in (first, second, third):  # the first ranked one conflicted, no conflict with the others
        assignment = seat_assignment(council_id, result.proposal_id, chair.user_id)
        assignment.conflict = "declared" if result is first else "none"
    db.session.commit()
    staff = db.session.execute(select(User).where(User.email == "staff@s.vn")).scalar_one()
    assert application_result(load_council(council_id), staff, third.proposal_id)[0].rank == 3
    row, found = application_result(load_council(council_id), chair.user, third.proposal_id)
    assert row.rank == 2 and found.rows == [row] and len(row.sheets) == 0  # nothing scored yet
    with pytest.raises(LookupError):
        application_result(load_council(council_id), chair.user, first.proposal_id)
