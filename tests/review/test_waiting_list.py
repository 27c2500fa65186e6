"""The waiting list: support freed by a decision not approved, or approved below the support requested, goes to the
next applications that passed without being funded, in rank order as they fit; staff recommend one and draft its
decision; the envelope is never over-committed, even when staff and leaders act at the same moment."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from accounts.models import User
from core.errors import DomainError
from core.extensions import db
from core.models import AuditEvent
from policies.models import Call
from proposals.queries import load_proposal
from review.councils import services
from review.councils.queries import load_council
from review.decisions import services as decisions
from review.decisions import waiting
from review.models import CouncilResult, Decision
from tests.budgets import BELL
from tests.conftest import login, run_at_once
from tests.factories import make_call, make_council, make_organization, make_user, make_valid_proposal, score

MILLION = 1_000_000


def _ranked(app, count: int = 4) -> dict:
    """A call of 500 million and `count` applications of 250 million each before a council of seven, all passing
    (levels 4, 4, 3, 3...: ranked in that order), its conclusions recorded: two recommended, the others waiting."""
    with app.test_request_context():
        staff = make_user("staff@s.vn", roles=("staff",))
        make_user("leader@s.vn", roles=("leader",))
        call = make_call(budget_vnd=500 * MILLION)
        proposals = [
            make_valid_proposal(call, make_user(organization=make_organization(f"Công ty {i}")), title=f"Dự án {i}")
            for i in range(count)
        ]
        members = [make_user(f"tv{i}@vien{i}.vn", roles=("reviewer",)) for i in range(7)]
        council = make_council(call, staff, members, open_scoring=True)
        for index, proposal in enumerate(proposals):
            for member in members:
                score(council, proposal, member, 4 if index < 2 else 3, "support")
        council = load_council(council.id)
        services.record_attendance(council, {m.id for m in council.members}, staff)
        services.move_council(load_council(council.id), "closed", staff)
        services.move_council(load_council(council.id), "ranked", staff, "Đề nghị hỗ trợ.")
        db.session.commit()
        return {"council": council.id, "call": call.id, "proposals": [p.id for p in proposals]}


def _draft(council_id: int, proposal_id: int, number: str, amount: int = 250 * MILLION) -> Decision:
    staff = db.session.execute(select(User).where(User.email == "staff@s.vn")).scalar_one()
    data = {"number": number, "signed_on": load_proposal(proposal_id).created_at.date(), "signer": "Giám đốc"}
    data |= {"approved_vnd": amount, "conditions": ""}
    return decisions.save_decision(Decision(), load_council(council_id), load_proposal(proposal_id), data, staff)


def _leader() -> User:
    return db.session.execute(select(User).where(User.email == "leader@s.vn")).scalar_one()


def test_a_refused_decision_frees_support_for_the_next_application(app, client, reference):
    world = _ranked(app, count=3)
    council_id, (first, second, third) = world["council"], world["proposals"]
    with app.test_request_context():
        listed = waiting.waiting_list(load_council(council_id))
        assert [w.proposal_id for w in listed.entries] == [third] and not listed.proposed  # 500 spoken for
        made = [_draft(council_id, first, "1/QĐ-SKHCN"), _draft(council_id, second, "2/QĐ-SKHCN")]
        decisions.decide(made[0], load_council(council_id), "approved", _leader())
        decisions.decide(made[1], load_council(council_id), "refused", _leader(), "Chưa đủ điều kiện")
        db.session.commit()
        listed = waiting.waiting_list(load_council(council_id))
        assert listed.free_vnd == 250 * MILLION and [w.proposal_id for w in listed.proposed] == [third]
    login(client, "staff@s.vn")
    client.post("/language", data={"language": "en"})
    page = client.get(f"/staff/councils/{council_id}/decisions").get_data(as_text=True)
    assert "Waiting list" in page and "Fits in the support left" in page and "250.000.000 ₫" in page
    answer = client.post(f"/staff/councils/{council_id}/waiting-list/{third}")
    assert answer.headers["Location"] == f"/staff/councils/{council_id}/decisions/{third}"  # on to its decision
    assert load_proposal(third).status == "recommended"
    row = db.session.execute(select(CouncilResult).where(CouncilResult.proposal_id == third)).scalar_one()
    assert row.outcome == "funded"  # listed with the recommendations now
    form = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert 'value="250.000.000"' in form  # the support requested, as a first draft starts
    with app.test_request_context():
        decisions.decide(_draft(council_id, third, "3/QĐ-SKHCN"), load_council(council_id), "approved", _leader())
        db.session.commit()
    assert db.session.get(Call, world["call"]).committed_vnd == 500 * MILLION
    assert "Waiting list" not in client.get(f"/staff/councils/{council_id}/decisions").get_data(as_text=True)


def test_the_decisions_page_weighs_the_waiting_list_in_a_few_queries(app, client, reference, count_queries):
    world = _ranked(app, count=4)
    login(client, "staff@s.vn")
    client.get(f"/staff/councils/{world['council']}/decisions")  # warm the caches, as test_query_budget does
    with count_queries() as counter:
        page = client.get(f"/staff/councils/{world['council']}/decisions")
    assert 'id="waiting-list"' in page.get_data(as_text=True)
    with app.test_request_context(), count_queries() as weighing:
        waiting.waiting_list(load_council(world["council"]))
    # The council (1 + its members, call, sheet...) then the envelope, the drafts, the support undecided, the list.
    assert weighing.count - count_of_loading(app, count_queries, world["council"]) == 4
    assert counter.count <= 15 + BELL + 4 + 1  # its budget while scoring (test_query_budget), the list, ranked


def test_support_approved_below_the_request_frees_only_the_difference(app, client, reference):
    world = _ranked(app, count=3)
    council_id, (first, second, third) = world["council"], world["proposals"]
    with app.test_request_context():
        for number, proposal, amount in ((1, first, 250 * MILLION), (2, second, 200 * MILLION)):
            decision = _draft(council_id, proposal, f"{number}/QĐ-SKHCN", amount)
            decisions.decide(decision, load_council(council_id), "approved", _leader())
        db.session.commit()
        listed = waiting.waiting_list(load_council(council_id))
        assert listed.free_vnd == 50 * MILLION and not listed.proposed  # 50 million left, 250 requested
        with pytest.raises(DomainError) as refused:
            waiting.recommend_waiting(load_council(council_id), load_proposal(third), _leader())
        assert "Kinh phí còn lại (50.000.000 ₫) không đủ cho 250.000.000 ₫" in refused.value.message
        db.session.rollback()
    login(client, "staff@s.vn")
    answer = client.post(f"/staff/councils/{council_id}/waiting-list/{third}", follow_redirects=True)
    assert "50.000.000 ₫" in answer.get_data(as_text=True) and load_proposal(third).status == "not_selected"
    # An application the council recommended is not on the list: refused, and it keeps its decision.
    refusal = client.post(f"/staff/councils/{council_id}/waiting-list/{first}", follow_redirects=True)
    assert "Hồ sơ này không có trong danh sách chờ." in refusal.get_data(as_text=True)
    assert load_proposal(first).status == "pending_approval"


def test_two_staff_at_the_same_moment_recommend_the_freed_support_once(app, reference):
    world = _ranked(app, count=4)
    council_id, (first, second, third, fourth) = world["council"], world["proposals"]
    with app.test_request_context():
        decisions.decide(_draft(council_id, first, "1/QĐ-SKHCN"), load_council(council_id), "approved", _leader())
        refused = _draft(council_id, second, "2/QĐ-SKHCN")
        decisions.decide(refused, load_council(council_id), "refused", _leader(), "Chưa đủ điều kiện")
        db.session.commit()
    # 250 million freed: the third fits, the fourth (ranked after it) would not once the third is funded.
    assert [w.proposal_id for w in waiting.waiting_list(load_council(council_id)).proposed] == [third]
    done, refusals = [], []

    def recommend(proposal_id: int) -> None:
        staff = db.session.execute(select(User).where(User.email == "staff@s.vn")).scalar_one()
        try:
            waiting.recommend_waiting(load_council(council_id), load_proposal(proposal_id), staff)
            db.session.commit()
            done.append(proposal_id)
        except (DomainError, StaleDataError):  # the list moved under them, or the application did
            db.session.rollback()
            refusals.append(proposal_id)

    assert not run_at_once(app, recommend, [(third,), (third,), (fourth,)])
    assert done == [third] and sorted(refusals) == [third, fourth]
    moves = select(AuditEvent).where(AuditEvent.object_type == "proposal", AuditEvent.object_id == third)
    moves = moves.where(AuditEvent.to_state == "recommended")
    assert len(db.session.execute(moves.where(AuditEvent.from_state == "not_selected")).all()) == 1
    with app.test_request_context():
        decisions.decide(_draft(council_id, third, "3/QĐ-SKHCN"), load_council(council_id), "approved", _leader())
        db.session.commit()
    db.session.expire_all()
    assert db.session.get(Call, world["call"]).committed_vnd == 500 * MILLION  # the envelope, not a đồng more


def count_of_loading(app, count_queries, council_id: int) -> int:
    with app.test_request_context(), count_queries() as loading:
        load_council(council_id)
    return loading.count
