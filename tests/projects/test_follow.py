"""Periodic reports and adjustments of a running project: the pages, the moves and their rules."""

import io
from datetime import date

from sqlalchemy import select

from core.extensions import db
from core.formatting import utcnow
from core.models import OutboxMessage
from projects.contracts import services as tranches
from projects.contracts.files import ProjectFile
from projects.contracts.models import Tranche
from projects.contracts.queries import load_project
from projects.followup.models import Adjustment, PeriodicReport
from projects.money import services as money
from tests.conftest import login, vi_text
from tests.factories import PDF_BYTES
from tests.projects.conftest import fresh, reload_project, report_rows, report_url


def _pay_first_tranche(world):
    """The host's first tranche requested, approved and paid today, as finance would."""
    project = load_project(world["project"].id)
    first = project.tranches[0]
    tranches.request_tranche(first, project, "Tạm ứng đợt 1", world["host"])
    tranches.review_request(first, project, "approved", world["staff"])
    money.pay_tranche(first, project, utcnow().date(), first.amount_vnd, "UNC 01", world["finance"])
    db.session.commit()


def test_report_submitted_returned_resubmitted_and_accepted_opens_the_next_tranche(world, client):
    _pay_first_tranche(world)
    report_id = world["reports"][0].id
    login(client, "host@congty.vn")
    assert client.get(report_url(world)).status_code == 200
    answer = client.post(
        report_url(world),
        data={
            "version": "1",
            "progress": "Nội dung 1: hoàn thành 60%",
            "products_progress": "Sản phẩm 1: đang thử nghiệm",
            **report_rows(world["project"].id, spent=("1.234.567", "0")),
            "problems": "Chậm thiết bị",
            "proposals": "",
            "action": "submit",
            "file": (io.BytesIO(PDF_BYTES), "bao-cao-dot-1.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302
    report = fresh(PeriodicReport, report_id)
    assert report.status == "submitted" and report.submitted_at is not None and report.spent_vnd == 1234567
    assert report.progress_percent == 60
    attached = db.session.execute(select(ProjectFile).where(ProjectFile.record_id == report_id)).scalars().all()
    assert [(f.purpose, f.original_name) for f in attached] == [("report", "bao-cao-dot-1.pdf")]

    client.get("/logout")
    login(client, "staff@skhcn.gov.vn")
    page = client.get(report_url(world)).get_data(as_text=True)
    assert "bao-cao-dot-1.pdf" in page and "action-returned" in page
    assert client.post(report_url(world) + "/transition/returned", data={"comment": ""}).status_code == 302
    assert fresh(PeriodicReport, report_id).status == "submitted"  # a return needs comments
    client.post(report_url(world) + "/transition/returned", data={"comment": "Bổ sung số liệu chi tiêu"})
    report = fresh(PeriodicReport, report_id)
    assert report.status == "returned" and report.review_comment == "Bổ sung số liệu chi tiêu"
    mail = db.session.execute(select(OutboxMessage).where(OutboxMessage.recipient == "host@congty.vn")).scalars().all()
    assert any("Bổ sung số liệu chi tiêu" in m.body_text for m in mail)

    client.get("/logout")
    login(client, "host@congty.vn")
    assert "Bổ sung số liệu chi tiêu" in client.get(report_url(world)).get_data(as_text=True)
    client.post(
        report_url(world),
        data={
            "version": str(report.version),
            "progress": "Nội dung 1: hoàn thành 65%",
            **report_rows(world["project"].id, percents=(65,), spent=("1500000", "0")),
            "action": "submit",
        },
    )
    report = fresh(PeriodicReport, report_id)
    assert (report.status, report.spent_vnd, report.progress_percent) == ("submitted", 1_500_000, 65)
    second = db.session.execute(
        select(Tranche).where(Tranche.project_id == world["project"].id, Tranche.position == 2)
    ).scalar_one()
    assert second.status == "planned"

    client.get("/logout")
    login(client, "staff@skhcn.gov.vn")
    assert client.post(report_url(world) + "/transition/accepted", data={"comment": ""}).status_code == 302
    report = fresh(PeriodicReport, report_id)
    assert report.status == "accepted" and report.reviewed_at is not None
    assert fresh(Tranche, second.id).status == "eligible"


def test_a_draft_is_saved_and_a_refused_form_keeps_what_was_typed(world, client):
    login(client, "host@congty.vn")
    client.post(report_url(world), data={"version": "1", "progress": "Bản nháp", "action": "draft"})
    report = fresh(PeriodicReport, world["reports"][0].id)
    assert report.status == "due" and report.progress == "Bản nháp"
    answer = client.post(
        report_url(world),
        data={
            "version": str(report.version),
            "progress": "Tiến độ mới",
            **report_rows(world["project"].id, spent=("mười triệu", "0")),
            "action": "submit",
        },
    )
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert "Tiến độ mới" in page and "mười triệu" in page
    stale = client.post(
        report_url(world),
        data={"version": "1", "progress": "Cũ", **report_rows(world["project"].id), "action": "submit"},
    )
    assert stale.status_code == 400 and "Cũ" in stale.get_data(as_text=True)
    assert fresh(PeriodicReport, report.id).status == "due"


def test_a_draft_report_stays_the_hosts_until_submitted(app, world, client):
    login(client, "host@congty.vn")
    client.post(
        report_url(world),
        data={"version": "1", "progress": "Nháp riêng", "action": "draft", "file": (io.BytesIO(PDF_BYTES), "nhap.pdf")},
        content_type="multipart/form-data",
    )
    file_id = db.session.execute(select(ProjectFile.id)).scalar()
    staff = app.test_client()
    login(staff, "staff@skhcn.gov.vn")
    page = staff.get(report_url(world)).get_data(as_text=True)
    assert "Nháp riêng" not in page and vi_text(app, "The host has not submitted this report yet.") in page
    assert staff.get(f"/projects/{world['project'].id}/documents/{file_id}").status_code == 404
    assert client.get(f"/projects/{world['project'].id}/documents/{file_id}").status_code == 200


def test_late_reports_are_flagged(world, client):
    first = world["reports"][0]
    assert first.due_on == date(2026, 3, 15)
    assert first.is_late(date(2026, 3, 16)) and not first.is_late(date(2026, 3, 15))
    first.submitted_at = utcnow().replace(year=2026, month=3, day=10)
    assert not first.is_late(date(2026, 12, 1))
    db.session.rollback()
    login(client, "staff@skhcn.gov.vn")
    page = client.get(f"/projects/{world['project'].id}").get_data(as_text=True)
    assert page.count("late-flag") == sum(r.is_late(utcnow().date()) for r in world["reports"])


def test_reports_are_refused_when_the_project_is_not_running(app, world, client):
    project = load_project(world["project"].id)
    project.status = "suspended"  # as the project's own move would; this test is about the reports
    db.session.commit()
    login(client, "host@congty.vn")
    answer = client.post(
        report_url(world), data={"version": "1", **report_rows(world["project"].id), "action": "submit"}
    )
    assert answer.status_code == 400 and fresh(PeriodicReport, world["reports"][0].id).status == "due"
    assert vi_text(
        app, "Periodic reports are only kept while the project runs; this project is not running now."
    ) in answer.get_data(as_text=True)


def test_an_approved_extension_moves_the_dates_and_schedules_the_reports(app, world, client):
    project_id = world["project"].id
    dossier_days = world["project"].dossier_due_on - world["project"].end_on
    login(client, "host@congty.vn")
    too_early = client.post(
        f"/projects/{project_id}/adjustments/new",
        data={"kind": "extension", "reason": "Thiết bị về chậm", "new_end_on": "30/11/2026"},
    )
    assert too_early.status_code == 400 and "Thiết bị về chậm" in too_early.get_data(as_text=True)
    answer = client.post(
        f"/projects/{project_id}/adjustments/new",
        data={
            "kind": "extension",
            "reason": "Thiết bị về chậm",
            "details": "Gia hạn 6 tháng",
            "new_end_on": "30/06/2027",
            "file": (io.BytesIO(PDF_BYTES), "cong-van.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302
    adjustment = db.session.execute(select(Adjustment).where(Adjustment.project_id == project_id)).scalar_one()
    assert adjustment.status == "requested"

    client.get("/logout")
    login(client, "leader@skhcn.gov.vn")
    url = f"/projects/{project_id}/adjustments/{adjustment.id}"
    assert "action-approved" in client.get(url).get_data(as_text=True)
    assert client.post(url + "/transition/approved", data={"comment": ""}).status_code == 302
    project = reload_project(project_id)
    adjustment = fresh(Adjustment, adjustment.id)
    assert adjustment.status == "approved" and adjustment.amendment_number == 1 == project.amendment_count
    assert "31/12/2026" in adjustment.previous
    assert project.end_on == date(2027, 6, 30)
    assert project.dossier_due_on == date(2027, 6, 30) + dossier_days
    dues = (
        db.session.execute(
            select(PeriodicReport.due_on)
            .where(PeriodicReport.project_id == project_id)
            .order_by(PeriodicReport.sequence)
        )
        .scalars()
        .all()
    )
    assert dues == [date(2026, 3, 15), date(2026, 9, 15), date(2027, 3, 15)]
    assert vi_text(app, "Amendment no. %(number)s", number=1) in client.get(f"/projects/{project_id}").get_data(
        as_text=True
    )


def test_a_refusal_needs_a_reason_and_the_host_may_withdraw(world, client):
    project_id = world["project"].id
    login(client, "host@congty.vn")
    for name in ("Trần Thị B", "Lê Văn C"):
        client.post(
            f"/projects/{project_id}/adjustments/new",
            data={"kind": "lead", "reason": "Chủ nhiệm nghỉ hưu", "new_lead_name": name},
        )
    first, second = db.session.execute(select(Adjustment).order_by(Adjustment.id)).scalars().all()
    client.post(f"/projects/{project_id}/adjustments/{second.id}/transition/withdrawn")
    assert fresh(Adjustment, second.id).status == "withdrawn"
    assert client.post(f"/projects/{project_id}/adjustments/{first.id}/transition/refused").status_code == 403

    client.get("/logout")
    login(client, "staff@skhcn.gov.vn")
    url = f"/projects/{project_id}/adjustments/{first.id}/transition/refused"
    client.post(url, data={"comment": "  "})
    assert fresh(Adjustment, first.id).status == "requested"
    client.post(url, data={"comment": "Chưa có quyết định của tổ chức"})
    refused = fresh(Adjustment, first.id)
    assert refused.status == "refused" and refused.amendment_number is None
    assert reload_project(project_id).lead_name != "Trần Thị B"


def test_an_approved_change_of_lead_is_applied(world, client):
    project_id, old_lead = world["project"].id, world["project"].lead_name
    login(client, "host@congty.vn")
    client.post(
        f"/projects/{project_id}/adjustments/new",
        data={"kind": "lead", "reason": "Chuyển công tác", "new_lead_name": "Trần Thị B"},
    )
    adjustment = db.session.execute(select(Adjustment)).scalar_one()
    client.get("/logout")
    login(client, "staff@skhcn.gov.vn")
    client.post(f"/projects/{project_id}/adjustments/{adjustment.id}/transition/approved")
    assert reload_project(project_id).lead_name == "Trần Thị B"
    approved = fresh(Adjustment, adjustment.id)
    assert approved.amendment_number == 1 and approved.previous.endswith(old_lead)
