"""Forming and running a council through its services: composition, conflicts, reviewers, scoring, ranking,
decisions and release."""

import pytest
from sqlalchemy import select

from core.errors import DomainError
from core.extensions import db
from core.models import OutboxMessage
from policies.models import Call
from proposals.queries import load_proposal
from review.councils import services
from review.councils.queries import load_assignments, load_council
from review.decisions import services as decisions
from review.models import Assignment, Council, Decision
from review.results import aggregation as results
from review.sheets import services as sheets
from review.sheets.queries import seat_assignment
from tests.factories import make_call, make_council, make_organization, make_user, make_valid_proposal, score


@pytest.fixture
def world(app, reference):
    with app.test_request_context():
        staff = make_user("staff@s.vn", roles=("staff",))
        leader = make_user("leader@s.vn", roles=("leader",))
        call = make_call(budget_vnd=500_000_000)
        orgs = [make_organization(f"Công ty {i}") for i in range(3)]
        applicants = [make_user(f"nop{i}@congty{i}.vn", organization=o) for i, o in enumerate(orgs)]
        proposals = [make_valid_proposal(call, a, title=f"Dự án số {i}") for i, a in enumerate(applicants)]
        # Member 6 shares the first applicant's mail domain: blocked for that application only.
        members = [make_user(f"tv{i}@vien{i}.vn", roles=("reviewer",), full_name=f"Thành viên {i}") for i in range(6)]
        members.append(make_user("chuyengia@congty0.vn", roles=("reviewer",), full_name="Chuyên gia 6"))
        council = make_council(call, staff, members)
        db.session.commit()
    return {
        "staff": staff,
        "leader": leader,
        "call": call,
        "proposals": proposals,
        "members": members,
        "council": council,
        "applicants": applicants,
    }


def _assignment(council: Council, proposal_id: int, user_id: int) -> Assignment:
    return seat_assignment(council.id, proposal_id, user_id)


def test_conflict_detected_by_mail_domain_and_reviewers_proposed(app, world):
    council = load_council(world["council"].id)
    conflicted = _assignment(council, world["proposals"][0].id, world["members"][6].id)
    assert conflicted.conflict == "detected" and "congty0.vn" in conflicted.conflict_reason
    assert _assignment(council, world["proposals"][1].id, world["members"][6].id).conflict == "pending"
    for proposal in world["proposals"]:
        rows = [a for a in load_assignments(council.id) if a.proposal_id == proposal.id]
        assert sum(a.is_reviewer for a in rows) == 2
        assert not any(a.is_reviewer and a.is_conflicted for a in rows)
    loads = {}
    for a in load_assignments(council.id):
        loads[a.member_id] = loads.get(a.member_id, 0) + a.is_reviewer
    assert max(loads.values()) - min(loads.values()) <= 1  # 6 reviews over 7 members: balanced


def test_public_mail_domain_is_not_a_conflict(app, reference):
    with app.test_request_context():
        staff = make_user(roles=("staff",))
        call = make_call()
        org = make_organization()
        proposal = make_valid_proposal(call, make_user("ban@gmail.com", organization=org))
        member = make_user("khac@gmail.com", roles=("reviewer",))
        council = make_council(call, staff, [member, *[make_user(roles=("reviewer",)) for _ in range(6)]])
        assert _assignment(council, proposal.id, member.id).conflict == "pending"


def test_composition_rule_blocks_opening(app, world, reference):
    with app.test_request_context():
        call = make_call()
        make_valid_proposal(call, make_user(organization=make_organization()))
        council = make_council(call, world["staff"], roles=("chair", "member", "member"))
        findings = [f.message for f in services.composition_findings(load_council(council.id), council.rule)]
        assert any("3" in m and "7" in m for m in findings)
        with pytest.raises(DomainError):
            services.move_council(load_council(council.id), "scoring", world["staff"])


def test_full_cycle_to_release(app, world):
    staff, leader, members = world["staff"], world["leader"], world["members"]
    with app.test_request_context():
        council = load_council(world["council"].id)
        services.move_council(council, "scoring", staff)
        db.session.commit()
        assert load_proposal(world["proposals"][0].id).status == "in_review"
        assert db.session.execute(select(OutboxMessage).where(OutboxMessage.recipient == members[0].email)).first()
        council = load_council(council.id)
        levels = {0: 4, 1: 3, 2: 2}  # 100, 75 and 50 points
        for index, proposal in enumerate(world["proposals"]):
            for member in members:
                if _assignment(council, proposal.id, member.id).conflict == "detected":
                    continue
                score(council, proposal, member, levels[index], "support" if index < 2 else "reject")
        db.session.commit()
        with pytest.raises(DomainError):  # no attendance recorded: no quorum
            services.move_council(load_council(council.id), "closed", staff)
        council = load_council(council.id)
        services.record_attendance(council, {m.id for m in council.members}, staff)
        services.move_council(council, "closed", staff)
        db.session.commit()
        found = results.council_results(load_council(council.id))
        by_title = {row.proposal.title: row for row in found.rows}
        assert by_title["Dự án số 0"].aggregate.received == 6  # the blocked member's sheet does not exist
        assert str(by_title["Dự án số 0"].aggregate.mean) == "100.00"
        # Envelope 500 million: the first two (250 million each) fit, the third failed.
        assert [r.outcome for r in found.rows] == ["funded", "funded", "failed"]
        services.move_council(load_council(council.id), "ranked", staff, "Đề nghị hỗ trợ hai dự án đứng đầu.")
        db.session.commit()
        assert load_council(council.id).conclusions == "Đề nghị hỗ trợ hai dự án đứng đầu."
        first, second, third = (load_proposal(p.id) for p in world["proposals"])
        assert (first.status, second.status, third.status) == ("recommended", "recommended", "not_selected")
        assert first.applicant_status == "in_review"  # nothing told before release
        council = load_council(council.id)
        made = []
        for number, proposal in ((1, first), (2, second)):
            data = {
                "number": f"{number}/QĐ-SKHCN",
                "signed_on": first.created_at.date(),
                "signer": "Giám đốc",
                "approved_vnd": 240_000_000,
                "conditions": "",
            }
            made.append(decisions.save_decision(Decision(), council, proposal, data, staff))
        db.session.commit()
        with pytest.raises(DomainError):  # a decision still a draft
            services.move_council(load_council(council.id), "released", staff)
        db.session.rollback()
        decisions.decide(made[0], load_council(council.id), "approved", leader)
        decisions.decide(made[1], load_council(council.id), "refused", leader, "Chưa đủ điều kiện")
        db.session.commit()
        assert db.session.get(Call, world["call"].id).committed_vnd == 240_000_000
        services.move_council(load_council(council.id), "released", staff)
        db.session.commit()
    first, second, third = (load_proposal(p.id) for p in world["proposals"])
    assert (first.status, second.status, third.status) == ("approved", "not_approved", "not_selected")
    assert third.applicant_status == "not_selected"
    mails = db.session.execute(select(OutboxMessage).where(OutboxMessage.recipient == "nop0@congty0.vn")).scalars()
    assert any("1/QĐ-SKHCN" in m.body_text for m in mails)


def test_declared_conflict_recuses_and_hides(app, world):
    staff, member = world["staff"], world["members"][2]
    with app.test_request_context():
        council = load_council(world["council"].id)
        services.move_council(council, "scoring", staff)
        db.session.commit()
        council = load_council(council.id)
        assignment = _assignment(council, world["proposals"][1].id, member.id)
        with pytest.raises(DomainError):
            sheets.declare(assignment, council, True, "  ", member)
        sheets.declare(assignment, council, True, "Anh ruột của chủ nhiệm", member)
        db.session.commit()
    assignment = _assignment(load_council(world["council"].id), world["proposals"][1].id, member.id)
    assert assignment.is_conflicted and not assignment.is_reviewer


def test_sheet_values_checked_and_reopen_logged(app, world):
    staff, member = world["staff"], world["members"][0]
    with app.test_request_context():
        council = load_council(world["council"].id)
        services.move_council(council, "scoring", staff)
        db.session.commit()
        council = load_council(council.id)
        proposal_id = world["proposals"][1].id
        assignment = _assignment(council, proposal_id, member.id)
        sheets.declare(assignment, council, False, "", member)
        bad = {
            "values": {c.id: 5 for c in council.template.criteria},
            "comments": {},
            "recommendation": "support",
            "comment": "",
            "review_text": "x",
        }
        with pytest.raises(DomainError):
            sheets.save_sheet(assignment, council, bad, False, member)
        partial = {**bad, "values": {council.template.criteria[0].id: 2}}
        sheet = sheets.save_sheet(assignment, council, partial, False, member)
        with pytest.raises(DomainError):  # not every criterion scored
            sheets.save_sheet(assignment, council, partial, True, member)
        db.session.rollback()
        score(council, load_proposal(proposal_id), world["members"][1])
        db.session.commit()
        done = _assignment(load_council(council.id), proposal_id, world["members"][1].id).sheet
        with pytest.raises(DomainError):
            sheets.reopen_sheet(done, load_council(council.id), "", staff)
        sheets.reopen_sheet(done, load_council(council.id), "Sai điểm tiêu chí 2", staff)
        db.session.commit()
    assert sheet is not None
    assert _assignment(load_council(world["council"].id), proposal_id, world["members"][1].id).sheet.status == "draft"
