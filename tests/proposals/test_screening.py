"""Screening: the transition table for every state and role, who may reach an application, the yearly limit and
duplicates, the staff queue, and what staff see of drafts and supplements."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from accounts.models import Organization
from core.errors import DomainError
from core.extensions import db
from core.formatting import format_long_date, to_local
from core.outbox import deliver_due
from proposals import services
from proposals.models import PROPOSAL_STATES, PROPOSAL_TRANSITIONS, Proposal
from tests.conftest import login
from tests.factories import PDF_BYTES, make_call, make_organization, make_proposal, make_user, proposal_data
from tests.proposals.conftest import submitted

ROLE_SETS = {
    "applicant": ("applicant",),
    "reviewer": ("reviewer",),
    "staff": ("staff",),
    "leader": ("leader",),
    "finance": ("finance",),
    "admin": ("admin",),
}
TARGETS = sorted(PROPOSAL_STATES)


@pytest.mark.parametrize("state", sorted(PROPOSAL_STATES))
def test_every_state_action_and_role(app, reference, state):
    """Walk every (state, target, role): allowed ones succeed through the one transition function, others fail."""
    from core.workflow import perform_transition

    org = make_organization()
    call = make_call()
    users = {
        name: make_user(roles=roles, organization=org if name == "applicant" else None)
        for name, roles in ROLE_SETS.items()
    }
    proposal = make_proposal(call, users["applicant"])
    db.session.commit()
    for role, user in users.items():
        for target in TARGETS:
            proposal.status = state
            db.session.flush()
            rule = PROPOSAL_TRANSITIONS.get((state, target))
            allowed = rule is not None and user.has_role(*rule.roles)
            try:
                perform_transition(proposal, PROPOSAL_TRANSITIONS, target, user, "proposal", comment="lý do")
                moved = True
            except DomainError:
                moved = False
            assert moved == allowed, (state, target, role)
            assert proposal.status == (target if allowed else state)
            # The page offers exactly the allowed moves (submission has its own confirmation page, the council's
            # moves are made by the council's workflow).
            proposal.status = state
            offered = {to for to, _ in proposal.actions_for(user)}
            by_page = allowed and target != "submitted" and not rule.by_workflow
            assert (target in offered) == by_page, (state, target, role)
    db.session.rollback()


def test_other_organizations_cannot_reach_an_application(app, people, client):
    call = make_call()
    db.session.commit()
    proposal = submitted(call, people["applicant"])
    file_id = proposal.active_files[0].id
    outsider = make_user("x@other.vn", organization=make_organization())
    reviewer = make_user("r@other.vn", roles=("reviewer",))
    db.session.commit()
    routes = [
        ("GET", f"/applications/{proposal.id}"),
        ("GET", f"/applications/{proposal.id}/edit"),
        ("POST", f"/applications/{proposal.id}/edit"),
        ("POST", f"/applications/{proposal.id}/documents"),
        ("GET", f"/applications/{proposal.id}/documents/{file_id}"),
        ("POST", f"/applications/{proposal.id}/documents/{file_id}/remove"),
        ("GET", f"/applications/{proposal.id}/submit"),
        ("POST", f"/applications/{proposal.id}/transition/withdrawn"),
        ("GET", f"/applications/{proposal.id}/print"),
        ("GET", f"/applications/{proposal.id}/versions"),
    ]
    for who in (outsider, reviewer):
        other = app.test_client()
        login(other, who.email)
        for method, path in routes:
            assert other.open(path, method=method).status_code == 404, (who.email, method, path)
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).status == "submitted"


def test_staff_do_not_see_drafts(app, people, client):
    call = make_call()
    proposal = make_proposal(call, people["applicant"])
    db.session.commit()
    login(client, people["staff"].email)
    assert client.get(f"/applications/{proposal.id}").status_code == 404
    assert proposal.title not in client.get(f"/staff/calls/{call.id}/applications").get_data(as_text=True)


def test_the_yearly_limit_and_duplicates_are_flagged(app, people, client):
    call = make_call(code="TN-2026-01")
    db.session.commit()
    first = submitted(call, people["applicant"])
    second = submitted(call, people["applicant"])
    other_org = make_organization("Công ty Cổ phần Nông nghiệp Đồng Tháp")
    stranger = make_user("c@dt.vn", organization=other_org)
    db.session.commit()
    third = submitted(
        call,
        stranger,
        title="Ứng dụng công nghệ tưới nhỏ giọt cho cây thanh long ruột đỏ",
        objectives="Một nội dung hoàn toàn khác về chăn nuôi bò sữa",
        technology="Máy vắt sữa",
    )
    login(client, people["staff"].email)
    page = client.get(f"/staff/applications/{second.id}/check").get_data(as_text=True)
    assert first.reference_code in page and third.reference_code in page
    assert "100%" in page  # same title and content as the first
    assert "same organization and support category" in page or "cùng tổ chức" in page
    page = client.get(f"/staff/applications/{third.id}/check").get_data(as_text=True)
    assert "similar title" in page or "tên tương tự" in page
    assert "Một nội dung" not in page  # content similarity is a percentage, not the other's text
    # A third application of the same organization in the year exceeds the seeded limit of 2.
    fourth = submitted(call, people["applicant"])
    page = client.get(f"/applications/{fourth.id}").get_data(as_text=True)
    assert "3 application(s)" in page or "3 hồ sơ" in page


def test_staff_queue_filters_search_and_sorts(app, people, client):
    call = make_call()
    db.session.commit()
    first = submitted(call, people["applicant"])
    org = make_organization("Công ty TNHH Đồng Xanh")
    other = make_user("d@dx.vn", organization=org)
    db.session.commit()
    submitted(call, other, title="Chuyển đổi số nhà máy")
    login(client, people["staff"].email)
    base = f"/staff/calls/{call.id}/applications"
    page = client.get(base + "?q=dong xanh").get_data(as_text=True)
    assert "Chuyển đổi số nhà máy" in page and first.title not in page
    page = client.get(base + "?q=CHUYEN DOI SO").get_data(as_text=True)
    assert "Chuyển đổi số nhà máy" in page
    page = client.get(base + f"?organization={org.id}").get_data(as_text=True)
    assert first.title not in page
    page = client.get(base + "?sort=title&order=asc").get_data(as_text=True)
    assert page.index("Chuyển đổi số nhà máy") < page.index(first.title)
    page = client.get(base + "?status=valid").get_data(as_text=True)
    assert "Chuyển đổi số nhà máy" not in page
    assert client.get(base + "?sector=abc&status=nonsense&sort=drop").status_code == 200


def test_a_discarded_draft_stays_private_and_a_withdrawal_is_mailed(app, people, client, smtp_server):
    call = make_call()
    draft = make_proposal(call, people["applicant"])
    db.session.commit()
    proposal = submitted(call, people["applicant"])
    member = app.test_client()
    login(member, people["applicant"].email)
    member.post(f"/applications/{draft.id}/transition/withdrawn")
    login(client, people["staff"].email)
    assert client.get(f"/applications/{draft.id}").status_code == 404  # never submitted: never the department's
    client.post(f"/applications/{proposal.id}/transition/under_check")
    member.post(f"/applications/{proposal.id}/transition/withdrawn", data={"comment": "Đã có nguồn vốn khác"})
    deliver_due()
    to_staff = [m for m in smtp_server.messages if m["to"] == ["staff@s.vn"]]
    assert len(to_staff) == 1 and "Đã có nguồn vốn khác" in to_staff[0]["body"]


def test_staff_never_screen_their_own_organization(app, people, client):
    call = make_call()
    db.session.commit()
    proposal = submitted(call, people["applicant"])
    insider = make_user(
        "insider@htx.vn",
        roles=("staff", "applicant"),
        organization=db.session.get(Organization, proposal.organization_id),
    )
    db.session.commit()
    login(client, insider.email)
    assert client.post(f"/applications/{proposal.id}/transition/under_check").status_code == 403
    # The checklist is the screener's too: the page disables it for them, and the view refuses it alike.
    assert client.post(f"/staff/applications/{proposal.id}/checklist", data={"document_ids": []}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).status == "submitted"


def test_a_refused_screening_move_keeps_what_staff_typed(app, people, client):
    call = make_call()
    db.session.commit()
    proposal = submitted(call, people["applicant"])
    login(client, people["staff"].email)
    client.post(f"/applications/{proposal.id}/transition/under_check")
    long_list = "1. Bổ sung báo giá thứ ba\n2. Bản sao giấy phép kinh doanh có chứng thực"
    response = client.post(
        f"/applications/{proposal.id}/transition/needs_supplement", data={"comment": long_list, "due_on": "31/02/2027"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Bổ sung báo giá thứ ba" in page and "31/02/2027" in page
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).status == "under_check"


def test_resubmission_clears_the_checklist_and_keeps_the_first_submission_time(app, people, client):
    call = make_call()
    db.session.commit()
    proposal = submitted(call, people["applicant"])
    first_time = proposal.submitted_at
    staff = people["staff"]
    services.transition_proposal(proposal, "under_check", staff)
    services.set_checklist(proposal, [d.id for d in proposal.call.documents], staff)
    with app.test_request_context():
        services.transition_proposal(proposal, "needs_supplement", staff, "Thiếu", date.today() + timedelta(days=30))
        services.submit_proposal(proposal, people["applicant"])
    db.session.commit()
    assert proposal.checked_document_ids == [] and proposal.submitted_at == first_time


def test_pressing_start_twice_reopens_the_untouched_draft(app, people, client):
    call = make_call()
    db.session.commit()
    login(client, people["applicant"].email)
    first = client.post(f"/calls/{call.id}/apply").headers["Location"]
    assert client.post(f"/calls/{call.id}/apply").headers["Location"] == first
    assert len(db.session.execute(select(Proposal)).scalars().all()) == 1


def test_under_a_supplement_the_department_sees_the_submitted_version(app, people, client):
    call = make_call()
    db.session.commit()
    proposal = submitted(call, people["applicant"])
    staff, applicant = people["staff"], people["applicant"]
    services.transition_proposal(proposal, "under_check", staff)
    with app.test_request_context():
        services.transition_proposal(proposal, "needs_supplement", staff, "Thiếu", date.today() + timedelta(days=30))
        services.add_file(proposal, None, "ban-nhap-chua-nop.pdf", PDF_BYTES, applicant)
        services.save_draft(proposal, proposal_data(call, title="Tên mới chưa nộp"), applicant)
    db.session.commit()
    login(client, staff.email)
    for path in (f"/applications/{proposal.id}", f"/applications/{proposal.id}/print"):
        page = client.get(path).get_data(as_text=True)
        assert "Ứng dụng công nghệ tưới nhỏ giọt cho thanh long" in page and "Tên mới chưa nộp" not in page
        assert "ban-nhap-chua-nop.pdf" not in page
    letter = client.get(f"/applications/{proposal.id}/print").get_data(as_text=True)
    assert format_long_date(to_local(proposal.submitted_at).date()) in letter  # dated by the submission it shows
    assert "Chờ bổ sung" not in letter  # a letter, not the application's state
    member = app.test_client()
    login(member, applicant.email)
    assert "Tên mới chưa nộp" in member.get(f"/applications/{proposal.id}").get_data(as_text=True)
    member.post("/language", data={"language": "en"})
    working_copy = member.get(f"/applications/{proposal.id}/print").get_data(as_text=True)
    assert "ngày …… tháng …… năm ……" in working_copy and "Official documents are in Vietnamese" in working_copy
    assert "APPLICATION FOR SUPPORT" not in working_copy and "Tên mới chưa nộp" in working_copy
    resubmit = member.get(f"/applications/{proposal.id}/submit").get_data(as_text=True)
    assert "Tên mới chưa nộp" in resubmit and "ban-nhap-chua-nop.pdf" in resubmit  # what changed since version 1
