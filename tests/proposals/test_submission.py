"""Submission, reference codes, receipts, supplements, versions and the dossier check."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from core.errors import DomainError
from core.extensions import db
from core.formatting import utcnow
from core.models import AuditEvent
from core.outbox import deliver_due
from proposals import services
from proposals.models import Proposal
from proposals.queries import load_proposal
from tests.conftest import login
from tests.factories import PDF_BYTES, make_call, make_proposal, proposal_data
from tests.proposals.conftest import submitted


def test_submission_lists_what_is_incomplete_and_refuses(app, people, client):
    call = make_call(code="TN-2026-01")
    proposal = make_proposal(call, people["applicant"], complete=False)
    db.session.commit()
    login(client, people["applicant"].email)
    page = client.get(f"/applications/{proposal.id}/submit").get_data(as_text=True)
    assert "Đơn đề nghị hỗ trợ" in page and ("Objectives" in page or "Mục tiêu" in page)
    response = client.post(f"/applications/{proposal.id}/submit", data={"declaration": "y"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).status == "draft"


def test_submission_gives_a_reference_code_a_version_and_a_receipt(app, people, client, smtp_server):
    call = make_call(code="TN-2026-01")
    first = make_proposal(call, people["applicant"])
    second = make_proposal(call, people["applicant"], title="Chuyển đổi số quy trình đóng gói")
    db.session.commit()
    login(client, people["applicant"].email)
    assert client.post(f"/applications/{first.id}/submit", data={}).status_code == 200  # declaration required
    response = client.post(f"/applications/{first.id}/submit", data={"declaration": "y"})
    assert response.status_code == 302
    client.post(f"/applications/{second.id}/submit", data={"declaration": "y"})
    db.session.expire_all()
    assert db.session.get(Proposal, first.id).reference_code == "TN-2026-01-0001"
    assert db.session.get(Proposal, second.id).reference_code == "TN-2026-01-0002"
    assert deliver_due().sent == 2
    receipt = smtp_server.messages[0]
    assert receipt["to"] == ["an@htx.vn"] and "TN-2026-01-0001" in receipt["subject"]
    assert "TN-2026-01-0001" in receipt["body"] and "250.000.000 ₫" in receipt["body"]
    history = client.get(f"/applications/{first.id}").get_data(as_text=True)
    assert "waiting to be checked" in history or "chờ kiểm tra" in history


def test_submission_after_the_call_closes_is_refused(app, people):
    call = make_call()
    proposal = make_proposal(call, people["applicant"])
    call.closes_at = utcnow() - timedelta(minutes=1)
    call.opens_at = utcnow() - timedelta(days=3)
    db.session.commit()
    proposal = load_proposal(proposal.id)
    with pytest.raises(DomainError, match="Đợt đã đóng"):
        services.submit_proposal(proposal, people["applicant"])


def test_support_over_the_cap_blocks_submission(app, people):
    call = make_call()
    proposal = make_proposal(call, people["applicant"])
    limit = proposal.category.max_support(proposal.total_cost_vnd)
    proposal.support_total_vnd = limit + 1
    with pytest.raises(DomainError, match="vượt"):
        services.submit_proposal(proposal, people["applicant"])


def test_supplement_resubmission_versions_and_difference(app, people, client, smtp_server):
    call = make_call(code="TN-2026-01")
    db.session.commit()
    proposal = submitted(call, people["applicant"])
    staff = app.test_client()
    login(staff, people["staff"].email)
    assert staff.post(f"/applications/{proposal.id}/transition/under_check").status_code == 302
    # A supplement needs what is missing and a deadline in the future.
    staff.post(f"/applications/{proposal.id}/transition/needs_supplement", data={"comment": "", "due_on": "2030-01-01"})
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).status == "under_check"
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    staff.post(
        f"/applications/{proposal.id}/transition/needs_supplement",
        data={"comment": "Thiếu báo giá", "due_on": yesterday},
    )
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).status == "under_check"
    check_page = staff.get(f"/staff/applications/{proposal.id}/check").get_data(as_text=True)
    due = datetime.strptime(check_page.split('name="due_on" value="')[1][:10], "%d/%m/%Y").date()
    assert due > date.today() and due.weekday() < 5  # pre-filled: the regime's working days from today
    staff.post(
        f"/applications/{proposal.id}/transition/needs_supplement",
        data={"comment": "Thiếu 3 báo giá thiết bị", "due_on": due.strftime("%d/%m/%Y")},
    )
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).status == "needs_supplement"
    deliver_due()
    request_mail = smtp_server.messages[-1]
    assert request_mail["to"] == ["an@htx.vn"] and "Thiếu 3 báo giá thiết bị" in request_mail["body"]
    assert due.strftime("%d/%m/%Y") in request_mail["body"]

    # The business edits, attaches a quotation and resubmits: version 2, and staff are told.
    applicant = people["applicant"]
    proposal = load_proposal(proposal.id)
    with app.test_request_context():
        services.add_file(proposal, None, "bao-gia.pdf", PDF_BYTES, applicant)
        data = proposal_data(call, title="Ứng dụng tưới nhỏ giọt thông minh cho thanh long")
        services.save_draft(proposal, data, applicant)
        services.submit_proposal(proposal, applicant)
    db.session.commit()
    deliver_due()
    assert any(m["to"] == ["staff@s.vn"] and "TN-2026-01-0001" in m["subject"] for m in smtp_server.messages)
    page = staff.get(f"/applications/{proposal.id}/versions?a=1&b=2").get_data(as_text=True)
    assert "Ứng dụng tưới nhỏ giọt thông minh cho thanh long" in page
    assert "Ứng dụng công nghệ tưới nhỏ giọt cho thanh long" in page
    assert "bao-gia.pdf" in page  # documents are part of the difference
    assert "Mô hình tưới" not in page  # unchanged sections are not listed


def test_valid_needs_the_checklist_and_invalid_needs_a_reason(app, people, client, smtp_server):
    call = make_call()
    db.session.commit()
    proposal = submitted(call, people["applicant"])
    document_ids = [d.id for d in proposal.call.documents]
    login(client, people["staff"].email)
    client.post(f"/applications/{proposal.id}/transition/under_check")
    client.post(f"/applications/{proposal.id}/transition/valid")
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).status == "under_check"
    client.post(f"/staff/applications/{proposal.id}/checklist", data={"document_ids": document_ids})
    client.post(f"/applications/{proposal.id}/transition/invalid", data={"comment": "  "})
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).status == "under_check"
    client.post(f"/applications/{proposal.id}/transition/valid")
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).status == "valid"
    deliver_due()
    assert "valid" in smtp_server.messages[-1]["body"] or "hợp lệ" in smtp_server.messages[-1]["body"]
    events = (
        db.session.execute(
            select(AuditEvent.to_state).where(AuditEvent.object_type == "proposal", AuditEvent.to_state.is_not(None))
        )
        .scalars()
        .all()
    )
    assert events == ["draft", "submitted", "under_check", "valid"]


def test_the_applicant_withdraws_before_review(app, people, client):
    call = make_call()
    db.session.commit()
    proposal = submitted(call, people["applicant"])
    login(client, people["applicant"].email)
    assert client.post(f"/applications/{proposal.id}/transition/under_check").status_code == 403
    assert (
        client.post(f"/applications/{proposal.id}/transition/withdrawn", data={"comment": "Đổi kế hoạch"}).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).status == "withdrawn"
    # A second press from a page left open is told the application changed, not that it is forbidden.
    page = client.post(f"/applications/{proposal.id}/transition/withdrawn", follow_redirects=True).get_data(
        as_text=True
    )
    assert "changed meanwhile" in page or "đã thay đổi" in page
