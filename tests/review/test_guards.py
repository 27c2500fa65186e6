"""What the council's pages and services refuse, and what they keep to themselves: refused input shown again,
the chair's view, internal comments, quorum, late applications, the export and frozen rules."""

from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from admin.services import save_evaluation_rule
from core.errors import DomainError
from core.extensions import db
from core.models import OutboxMessage
from policies.evaluation import EvaluationRule
from proposals.models import Proposal
from proposals.queries import load_proposal
from review.councils import services
from review.councils.queries import load_assignments, load_council
from review.decisions import services as decisions
from review.models import Decision
from review.sheets.queries import seat_assignment
from tests.conftest import login
from tests.factories import make_call, make_council, make_organization, make_user, make_valid_proposal, score


@pytest.fixture
def world(app, reference):
    with app.test_request_context():
        staff = make_user("staff@s.vn", roles=("staff",))
        call = make_call(budget_vnd=500_000_000)
        applicants = [make_user(f"an{i}@congty{i}.vn", organization=make_organization()) for i in range(2)]
        proposals = [make_valid_proposal(call, a, title=f"Dự án {i}") for i, a in enumerate(applicants)]
        members = [make_user(f"tv{i}@vien.vn", roles=("reviewer",), full_name=f"Thành viên {i}") for i in range(7)]
        council = make_council(call, staff, members, open_scoring=True)
        db.session.commit()
    return {
        "staff": staff,
        "call": call,
        "proposals": proposals,
        "members": members,
        "council": council,
        "applicants": applicants,
    }


def _client(app, email):
    client = app.test_client()
    login(client, email)
    return client


def _url(world, index=0):
    return f"/review/councils/{world['council'].id}/applications/{world['proposals'][index].id}"


def test_refused_input_is_shown_again_not_a_server_error(app, world):
    member = world["members"][3]
    client = _client(app, member.email)
    refused = client.post(_url(world) + "/declare", data={"conflicted": "yes", "reason": ""})
    assert refused.status_code == 400 and world["proposals"][0].title in refused.text
    client.post(_url(world) + "/declare", data={"conflicted": "no"})
    criterion = load_council(world["council"].id).template.criteria[0]
    partial = {f"value_{criterion.id}": "3", "comment": "Nhận xét đang viết dở", "action": "submit"}
    refused = client.post(_url(world), data=partial)
    assert refused.status_code == 400 and "Nhận xét đang viết dở" in refused.text  # nothing typed is lost
    assert client.post(_url(world), data={**partial, "version": "abc"}).status_code == 400
    staff = _client(app, "staff@s.vn")
    rows = load_assignments(world["council"].id, world["proposals"][0].id)
    path = f"/staff/councils/{world['council'].id}/applications/{world['proposals'][0].id}/reviewers"
    assert staff.post(path, data={"member_ids": [rows[1].member_id]}).status_code == 400  # one, the rule asks two


def test_a_chair_sees_others_scores_only_after_scoring_own_sheets(app, world):
    chair = world["members"][0]
    client = _client(app, chair.email)
    results = f"/councils/{world['council'].id}/results"
    assert client.get(results).headers["Location"].endswith("/review")
    with app.test_request_context():
        council = load_council(world["council"].id)
        score(council, world["proposals"][0], chair)
        assignment = seat_assignment(council.id, world["proposals"][1].id, chair.id)
        from review.sheets import services as sheets

        sheets.declare(assignment, council, True, "Vợ của chủ nhiệm", chair)
        db.session.commit()
    page = client.get(results)
    assert page.status_code == 200
    assert "Dự án 0" in page.text and "Dự án 1" not in page.text  # recused: not even its rank
    first, second = (f"{results}/{p.id}" for p in world["proposals"][:2])
    assert client.get(second).status_code == 404  # nor its sheets
    assert "Dự án 0" in client.get(first).text
    export = load_workbook(BytesIO(client.get(results.replace("results", "results.xlsx")).data))
    assert [row[0].value for row in export.worksheets[0].iter_rows(min_row=3)] == [1]


def test_council_comments_stay_internal_and_quorum_holds_to_the_conclusions(app, world):
    staff = world["staff"]
    with app.test_request_context():
        council = load_council(world["council"].id)
        for proposal in world["proposals"]:
            for member in world["members"]:
                score(council, proposal, member)
        services.record_attendance(council, {m.id for m in council.members}, staff)
        services.move_council(council, "closed", staff)
        with pytest.raises(DomainError):  # attendance is recorded while scoring
            services.record_attendance(load_council(council.id), set(), staff)
        services.move_council(load_council(council.id), "scoring", staff, "Phiếu của thành viên 3 ghi nhầm")
        db.session.commit()
    applicant = _client(app, world["applicants"][0].email)
    page = applicant.get(f"/applications/{world['proposals'][0].id}")
    assert page.status_code == 200 and "ghi nhầm" not in page.text


def test_an_application_found_valid_late_joins_before_scoring_closes(app, world):
    staff = world["staff"]
    with app.test_request_context():
        late = make_valid_proposal(world["call"], make_user(organization=make_organization()), title="Dự án muộn")
        council = load_council(world["council"].id)
        services.record_attendance(council, {m.id for m in council.members}, staff)
        db.session.commit()
        with pytest.raises(DomainError):
            services.move_council(load_council(council.id), "closed", staff)
        db.session.rollback()
        council = load_council(council.id)
        data = {
            "name": council.name,
            "template_id": council.template_id,
            "rule_id": council.rule_id,
            "meeting_at": council.meeting_at,
            "place": council.place,
            "admin_secretary_id": staff.id,
            "members": [(m.user_id, m.role) for m in council.members],
        }
        services.save_council(council, world["call"], data, staff)
        db.session.commit()
    assert load_proposal(late.id).status == "in_review"
    rows = load_assignments(world["council"].id, late.id)
    assert len(rows) == 7 and sum(a.is_reviewer for a in rows) == 2


def test_the_export_keeps_typed_text_as_text(app, world):
    db.session.execute(
        Proposal.__table__.update()
        .where(Proposal.id == world["proposals"][0].id)
        .values(title='=HYPERLINK("http://evil.example","x")')
    )
    db.session.commit()
    export = _client(app, "staff@s.vn").get(f"/councils/{world['council'].id}/results.xlsx")
    cells = [c for row in load_workbook(BytesIO(export.data)).worksheets[0].iter_rows() for c in row]
    title = next(c for c in cells if "HYPERLINK" in str(c.value))
    assert title.data_type == "s" and title.value == '=HYPERLINK("http://evil.example","x")'  # a string, not a formula


def test_a_rule_a_council_scored_under_is_frozen(app, world):
    rule = db.session.execute(select(EvaluationRule).where(EvaluationRule.id == world["council"].rule_id)).scalar()
    with pytest.raises(DomainError):
        save_evaluation_rule(rule, {"pass_threshold": 95})


def test_passed_but_not_funded_is_told_so_at_release(app, world):
    staff, leader = world["staff"], make_user("lead@s.vn", roles=("leader",))
    world["call"].budget_vnd = 250_000_000  # room for one of the two 250-million applications
    db.session.commit()
    with app.test_request_context():
        council = load_council(world["council"].id)
        for level, proposal in ((4, world["proposals"][0]), (3, world["proposals"][1])):
            for member in world["members"]:
                score(council, proposal, member, level)
        services.record_attendance(council, {m.id for m in council.members}, staff)
        services.move_council(council, "closed", staff)
        services.move_council(load_council(council.id), "ranked", staff)
        first = load_proposal(world["proposals"][0].id)
        data = {
            "number": "7/QĐ-SKHCN",
            "signed_on": first.created_at.date(),
            "signer": "Giám đốc",
            "approved_vnd": 250_000_000,
            "conditions": "",
        }
        made = decisions.save_decision(Decision(), load_council(council.id), first, data, staff)
        decisions.decide(made, load_council(council.id), "approved", leader)
        services.move_council(load_council(council.id), "released", staff)
        db.session.commit()
    second = load_proposal(world["proposals"][1].id)
    assert second.applicant_status == "not_selected"
    mail = db.session.execute(select(OutboxMessage).where(OutboxMessage.recipient == "an1@congty1.vn")).scalars()
    assert any("không được hỗ trợ trong phạm vi tổng kinh phí" in m.body_text for m in mail)
