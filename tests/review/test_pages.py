"""The review pages through HTTP: forming a council, declaring, scoring, results, prints, export and decisions."""

from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.extensions import db
from policies.evaluation import EvaluationRule, ScoreSheetTemplate
from proposals.queries import load_proposal
from review.councils.queries import counting_head_id, load_council
from review.models import Council
from review.sheets.queries import seat_assignment
from tests.conftest import login, vi_text
from tests.factories import make_call, make_council, make_organization, make_user, make_valid_proposal, score


@pytest.fixture
def world(app, reference):
    with app.test_request_context():
        staff = make_user("staff@s.vn", roles=("staff",))
        call = make_call()
        applicant = make_user("an@congty.vn", organization=make_organization())
        proposal = make_valid_proposal(call, applicant)
        members = [make_user(f"tv{i}@vien.vn", roles=("reviewer",), full_name=f"Thành viên {i}") for i in range(7)]
        db.session.commit()
    return {"staff": staff, "call": call, "proposal": proposal, "members": members, "applicant": applicant}


def test_staff_form_council_through_the_page(app, world):
    client = app.test_client()
    login(client, "staff@s.vn")
    page = client.get(f"/staff/calls/{world['call'].id}/council")
    assert page.status_code == 200
    template = db.session.execute(select(ScoreSheetTemplate.id)).scalar()
    rule = db.session.execute(select(EvaluationRule.id)).scalar()
    form = {
        "name": "Hội đồng A",
        "template_id": template,
        "rule_id": rule,
        "place": "Phòng 1",
        "admin_secretary_id": world["staff"].id,
    }
    roles = ["chair", "vice_chair", "reviewer", "reviewer", "scientific_secretary", "member", "member"]
    for i, (member, role) in enumerate(zip(world["members"], roles, strict=True)):
        form[f"members-{i}-user_id"], form[f"members-{i}-role"] = member.id, role
    duplicate = {**form, "members-7-user_id": world["members"][0].id, "members-7-role": "member"}
    refused = client.post(f"/staff/calls/{world['call'].id}/council", data=duplicate)
    assert refused.status_code == 400 and "Hội đồng A" in refused.text  # what was typed is kept
    saved = client.post(f"/staff/calls/{world['call'].id}/council", data=form)
    assert saved.status_code == 302
    council = db.session.execute(select(Council)).scalar_one()
    page = client.get(f"/staff/councils/{council.id}")
    assert page.status_code == 200 and "Thành viên 6" in page.text
    # Editing the council while it is formed shows every member chosen in its row.
    edit = client.get(f"/staff/calls/{world['call'].id}/council").text
    for member in world["members"]:
        assert f'<option selected value="{member.id}">' in edit


def test_member_declares_scores_and_staff_see_results(app, world):
    with app.test_request_context():
        council = make_council(world["call"], world["staff"], world["members"], open_scoring=True)
        db.session.commit()
    member, proposal = world["members"][0], world["proposal"]
    client = app.test_client()
    login(client, member.email)
    assert proposal.title in client.get("/review").text
    url = f"/review/councils/{council.id}/applications/{proposal.id}"
    declare_page = client.get(url)
    assert "Khai báo" in declare_page.text or "conflict" in declare_page.text.lower()
    assert proposal.objectives not in declare_page.text  # the content stays closed until declared
    assert client.post(url + "/declare", data={"conflicted": "no"}).status_code == 302
    sheet_page = client.get(url)
    assert proposal.objectives in sheet_page.text
    council = load_council(council.id)
    criteria = council.template.criteria
    data = {f"value_{c.id}": "3" for c in criteria} | {"recommendation": "support", "action": "submit"}
    refused = client.post(url, data=data)  # the chair is a reviewer of it? then the review is required
    assignment = seat_assignment(council.id, proposal.id, member.id)
    if assignment.is_reviewer:
        assert refused.status_code == 400
        data["review_text"] = "Nhận xét chi tiết"
        assert client.post(url, data=data).status_code == 302
    assert seat_assignment(council.id, proposal.id, member.id).sheet.is_submitted
    with app.test_request_context():
        for other in world["members"][1:]:
            score(load_council(council.id), load_proposal(proposal.id), other)
        db.session.commit()
    staff = app.test_client()
    login(staff, "staff@s.vn")
    results = staff.get(f"/councils/{council.id}/results")
    assert results.status_code == 200 and "75" in results.text
    detail = f"/councils/{council.id}/results/{proposal.id}"
    assert f'data-src="{detail}"' in results.text and "Thành viên 0" not in results.text  # sheets on their page
    sheets = staff.get(detail)
    assert sheets.status_code == 200 and 'id="result-detail"' in sheets.text
    assert all(f"Thành viên {n}" in sheets.text for n in range(7))
    assert staff.get(f"/councils/{council.id}/results/{proposal.id + 999}").status_code == 404
    seats = {seat.user.full_name: seat.id for seat in load_council(council.id).members}
    present = [seats[f"Thành viên {n}"] for n in range(7) if n != 6]
    attendance = f"/councils/{council.id}/attendance"
    absent_head = staff.post(attendance, data={"present": present, "counting_head": seats["Thành viên 6"]})
    refusal = vi_text(app, "The head of the vote-counting committee is one of the members present.")
    assert refusal in staff.get(absent_head.location).text
    assert counting_head_id(council.id) is None
    staff.post(attendance, data={"present": present + [seats["Thành viên 6"]], "counting_head": seats["Thành viên 3"]})
    counted = staff.get(f"/councils/{council.id}/vote-count").text
    assert 'upper">Trưởng ban kiểm phiếu' in counted and '<div class="bold">Thành viên 3</div>' in counted
    for path in ("minutes", "vote-count"):
        record = staff.get(f"/councils/{council.id}/{path}", buffered=False)
        chunks = list(record.response)  # streamed in chunks of many pieces, not a write per piece of the template
        assert record.status_code == 200 and len(chunks) == 1 and proposal.reference_code in chunks[0].decode()
        record.close()
    sheet_id = seat_assignment(council.id, proposal.id, member.id).sheet.id
    assert "Thành viên 0" in staff.get(f"/review/sheets/{sheet_id}/print").text
    staff.post("/language", data={"language": "en"})  # the records stay Vietnamese; only their toolbar is English
    for path, heading in (("minutes", "BIÊN BẢN HỌP HỘI ĐỒNG"), ("vote-count", "BIÊN BẢN KIỂM PHIẾU")):
        record = staff.get(f"/councils/{council.id}/{path}").text
        assert heading in record and "Số: ……/BB-SKHCN" in record and "Official documents are in Vietnamese" in record
        assert "Minutes" not in record and "Rank" not in record, path
    printed = staff.get(f"/review/sheets/{sheet_id}/print").text
    assert "PHIẾU" in printed and "Score sheet" not in printed and "← Back" in printed
    export = staff.get(f"/councils/{council.id}/results.xlsx")
    book = load_workbook(BytesIO(export.data))
    assert book.worksheets[0].cell(row=3, column=2).value == load_proposal(proposal.id).reference_code
    assert book.worksheets[1].max_row == 9  # title, header + 7 sheets
    ranking = book.worksheets[0]
    assert ranking["A1"].value.startswith(
        f"{council.name} ({world['call'].code}) · no filter · exported "
    )  # in English
    assert ranking.freeze_panes == "A3" and ranking.auto_filter.ref.startswith("A2:")
    support = next(cell for cell in ranking[3] if cell.value == load_proposal(proposal.id).support_total_vnd)
    assert support.number_format == '#,##0 "₫"' and ranking["G3"].number_format == "0.00"  # the mean, a number


def test_the_members_list_pages_council_by_council_by_application_number(app, world):
    from review.councils.models import Assignment, CouncilMember
    from review.sheets.queries import member_assignments, member_keys, recused_count
    from tests.plans import query_plan

    member = world["members"][0]
    with app.test_request_context():
        second_call = make_call()
        extra = [make_valid_proposal(world["call"], world["applicant"]) for _ in range(2)]
        first = make_council(world["call"], world["staff"], world["members"], open_scoring=True)
        later = [make_valid_proposal(second_call, world["applicant"]) for _ in range(2)]
        second = make_council(second_call, world["staff"], world["members"], open_scoring=True)
        db.session.commit()
    seat = db.session.execute(
        select(CouncilMember.id).where(CouncilMember.council_id == first.id, CouncilMember.user_id == member.id)
    ).scalar_one()
    recused = db.session.execute(
        select(Assignment).where(Assignment.member_id == seat, Assignment.proposal_id == extra[1].id)
    ).scalar_one()
    recused.conflict = "declared"
    db.session.commit()
    shown = [world["proposal"], extra[0]]  # the first council's, numbered; the recused one left out
    pages = [member_assignments(member.id, number, 3) for number in (1, 2)]
    listed = [[(a.member.council_id, a.proposal_id) for a in page.items] for page in pages]
    assert listed == [
        [(second.id, later[0].id), (second.id, later[1].id), (first.id, shown[0].id)],
        [(first.id, shown[1].id)],
    ]
    assert pages[0].total == 4 and pages[0].pages == 2 and recused_count(member.id) == 1
    assert pages[1].items[0].proposal.organization.name  # loaded with what the list shows
    plan = query_plan(member_keys(member.id).limit(25).offset(1000))  # the order without reading the applications
    assert "ix_council_assignments_member_" in plan and "proposals" not in plan, plan
