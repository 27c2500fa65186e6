"""Periodic reports, inspections and adjustments of a running project: the pages, the moves and their rules."""

import io
from datetime import date

import pytest
from sqlalchemy import select

from core.extensions import db
from core.formatting import utcnow
from core.models import OutboxMessage
from policies.models import Regime
from projects.contracts import services as tranches
from projects.contracts.models import ProjectFile, Tranche
from projects.contracts.queries import load_project
from projects.followup import services as inspections
from projects.followup.models import Adjustment, FollowUpAction, Inspection, PeriodicReport
from tests.conftest import login, vi_text
from tests.factories import PDF_BYTES, make_organization, make_project, make_user


@pytest.fixture
def world(app, reference):
    """A running project (1/1–31/12/2026) of the host's organization, the department's people and an outsider."""
    org = make_organization()
    people = {
        "host": make_user("host@congty.vn", organization=org),
        "other": make_user("other@khac.vn", organization=make_organization()),
        "staff": make_user("staff@skhcn.gov.vn", roles=("staff",)),
        "leader": make_user("leader@skhcn.gov.vn", roles=("leader",)),
        "finance": make_user("finance@skhcn.gov.vn", roles=("finance",)),
    }
    with app.test_request_context():
        project = make_project(people["host"], staff=people["staff"])
    db.session.commit()
    reports = (
        db.session.execute(
            select(PeriodicReport).where(PeriodicReport.project_id == project.id).order_by(PeriodicReport.sequence)
        )
        .scalars()
        .all()
    )
    return {**people, "project": project, "reports": reports}


def _report_url(world, index=0):
    return f"/projects/{world['project'].id}/reports/{world['reports'][index].id}"


def _fresh(model, record_id):
    db.session.expire_all()
    return db.session.get(model, record_id)


def _project(project_id):
    db.session.expire_all()
    return load_project(project_id)


def _pay_first_tranche(world):
    """The host's first tranche requested, approved and paid today, as finance would."""
    project = load_project(world["project"].id)
    first = project.tranches[0]
    tranches.request_tranche(first, project, "Tạm ứng đợt 1", world["host"])
    tranches.review_request(first, project, "approved", world["staff"])
    tranches.pay_tranche(first, project, utcnow().date(), first.amount_vnd, "UNC 01", world["finance"])
    db.session.commit()


def test_report_submitted_returned_resubmitted_and_accepted_opens_the_next_tranche(world, client):
    _pay_first_tranche(world)
    report_id = world["reports"][0].id
    login(client, "host@congty.vn")
    assert client.get(_report_url(world)).status_code == 200
    answer = client.post(
        _report_url(world),
        data={
            "version": "1",
            "progress": "Nội dung 1: hoàn thành 60%",
            "products_progress": "Sản phẩm 1: đang thử nghiệm",
            "spent_vnd": "1.234.567",
            "problems": "Chậm thiết bị",
            "proposals": "",
            "action": "submit",
            "file": (io.BytesIO(PDF_BYTES), "bao-cao-dot-1.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302
    report = _fresh(PeriodicReport, report_id)
    assert report.status == "submitted" and report.submitted_at is not None and report.spent_vnd == 1234567
    attached = db.session.execute(select(ProjectFile).where(ProjectFile.record_id == report_id)).scalars().all()
    assert [(f.purpose, f.original_name) for f in attached] == [("report", "bao-cao-dot-1.pdf")]

    client.get("/logout")
    login(client, "staff@skhcn.gov.vn")
    page = client.get(_report_url(world)).get_data(as_text=True)
    assert "bao-cao-dot-1.pdf" in page and "action-returned" in page
    assert client.post(_report_url(world) + "/transition/returned", data={"comment": ""}).status_code == 302
    assert _fresh(PeriodicReport, report_id).status == "submitted"  # a return needs comments
    client.post(_report_url(world) + "/transition/returned", data={"comment": "Bổ sung số liệu chi tiêu"})
    report = _fresh(PeriodicReport, report_id)
    assert report.status == "returned" and report.review_comment == "Bổ sung số liệu chi tiêu"
    mail = db.session.execute(select(OutboxMessage).where(OutboxMessage.recipient == "host@congty.vn")).scalars().all()
    assert any("Bổ sung số liệu chi tiêu" in m.body_text for m in mail)

    client.get("/logout")
    login(client, "host@congty.vn")
    assert "Bổ sung số liệu chi tiêu" in client.get(_report_url(world)).get_data(as_text=True)
    client.post(
        _report_url(world),
        data={
            "version": str(report.version),
            "progress": "Nội dung 1: hoàn thành 65%",
            "spent_vnd": "1500000",
            "action": "submit",
        },
    )
    assert _fresh(PeriodicReport, report_id).status == "submitted"
    second = db.session.execute(
        select(Tranche).where(Tranche.project_id == world["project"].id, Tranche.position == 2)
    ).scalar_one()
    assert second.status == "planned"

    client.get("/logout")
    login(client, "staff@skhcn.gov.vn")
    assert client.post(_report_url(world) + "/transition/accepted", data={"comment": ""}).status_code == 302
    report = _fresh(PeriodicReport, report_id)
    assert report.status == "accepted" and report.reviewed_at is not None
    assert _fresh(Tranche, second.id).status == "eligible"


def test_a_draft_is_saved_and_a_refused_form_keeps_what_was_typed(world, client):
    login(client, "host@congty.vn")
    client.post(_report_url(world), data={"version": "1", "progress": "Bản nháp", "action": "draft"})
    report = _fresh(PeriodicReport, world["reports"][0].id)
    assert report.status == "due" and report.progress == "Bản nháp"
    answer = client.post(
        _report_url(world),
        data={"version": str(report.version), "progress": "Tiến độ mới", "spent_vnd": "mười triệu", "action": "submit"},
    )
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert "Tiến độ mới" in page and "mười triệu" in page
    stale = client.post(_report_url(world), data={"version": "1", "progress": "Cũ", "action": "submit"})
    assert stale.status_code == 400 and "Cũ" in stale.get_data(as_text=True)
    assert _fresh(PeriodicReport, report.id).status == "due"


def test_a_draft_report_stays_the_hosts_until_submitted(app, world, client):
    login(client, "host@congty.vn")
    client.post(
        _report_url(world),
        data={"version": "1", "progress": "Nháp riêng", "action": "draft", "file": (io.BytesIO(PDF_BYTES), "nhap.pdf")},
        content_type="multipart/form-data",
    )
    file_id = db.session.execute(select(ProjectFile.id)).scalar()
    staff = app.test_client()
    login(staff, "staff@skhcn.gov.vn")
    page = staff.get(_report_url(world)).get_data(as_text=True)
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
    answer = client.post(_report_url(world), data={"version": "1", "progress": "Tiến độ", "action": "submit"})
    assert answer.status_code == 400 and _fresh(PeriodicReport, world["reports"][0].id).status == "due"
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
    project = _project(project_id)
    adjustment = _fresh(Adjustment, adjustment.id)
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
    assert _fresh(Adjustment, second.id).status == "withdrawn"
    assert client.post(f"/projects/{project_id}/adjustments/{first.id}/transition/refused").status_code == 403

    client.get("/logout")
    login(client, "staff@skhcn.gov.vn")
    url = f"/projects/{project_id}/adjustments/{first.id}/transition/refused"
    client.post(url, data={"comment": "  "})
    assert _fresh(Adjustment, first.id).status == "requested"
    client.post(url, data={"comment": "Chưa có quyết định của tổ chức"})
    refused = _fresh(Adjustment, first.id)
    assert refused.status == "refused" and refused.amendment_number is None
    assert _project(project_id).lead_name != "Trần Thị B"


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
    assert _project(project_id).lead_name == "Trần Thị B"
    approved = _fresh(Adjustment, adjustment.id)
    assert approved.amendment_number == 1 and approved.previous.endswith(old_lead)


def test_inspections_with_follow_up_actions(world, client):
    project_id = world["project"].id
    login(client, "staff@skhcn.gov.vn")
    assert client.get(f"/projects/{project_id}/inspections/new").status_code == 200
    answer = client.post(
        f"/projects/{project_id}/inspections/new",
        data={"kind": "periodic", "planned_on": "15/10/2026", "inspectors": "Phòng Quản lý khoa học"},
    )
    assert answer.status_code == 302
    inspection = db.session.execute(select(Inspection)).scalar_one()
    url = f"/projects/{project_id}/inspections/{inspection.id}"
    refused = client.post(
        url,
        data={
            "version": "1",
            "kind": "periodic",
            "planned_on": "15/10/2026",
            "findings": "Chậm tiến độ",
            "actions-0-description": "Bổ sung nhân lực",
        },
    )
    assert refused.status_code == 400 and "Bổ sung nhân lực" in refused.get_data(as_text=True)
    client.post(
        url,
        data={
            "version": "1",
            "kind": "periodic",
            "planned_on": "15/10/2026",
            "held_on": "16/10/2026",
            "findings": "Chậm tiến độ",
            "actions-0-description": "Bổ sung nhân lực",
            "actions-0-due_on": "30/11/2026",
            "actions-1-description": "Báo cáo chi tiêu",
            "actions-1-due_on": "15/12/2026",
        },
    )
    actions = db.session.execute(select(FollowUpAction).order_by(FollowUpAction.position)).scalars().all()
    assert [(a.position, a.description) for a in actions] == [(1, "Bổ sung nhân lực"), (2, "Báo cáo chi tiêu")]
    done_url = f"{url}/actions/{actions[0].id}/done"
    assert client.post(done_url, data={"done_on": "", "note": "Đã tuyển 2 người"}).status_code == 400
    assert client.post(done_url, data={"done_on": "20/11/2026", "note": "Đã tuyển 2 người"}).status_code == 302
    assert _fresh(FollowUpAction, actions[0].id).done_on == date(2026, 11, 20)

    client.get("/logout")
    login(client, "host@congty.vn")
    page = client.get(f"/projects/{project_id}").get_data(as_text=True)
    assert "Chậm tiến độ" in page and "Đã tuyển 2 người" in page and "Báo cáo chi tiêu" in page
    assert url not in page
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "reports/{report}",
        "reports/{report}/transition/accepted",
        "adjustments/new",
        "adjustments/{adjustment}",
        "adjustments/{adjustment}/transition/withdrawn",
        "inspections/new",
        "inspections/{inspection}",
        "inspections/{inspection}/actions/{action}/done",
    ],
)
def test_another_organization_gets_404(world, client, path):
    project = world["project"]
    adjustment = Adjustment(project_id=project.id, kind="content", reason="Đổi sản phẩm")
    inspection = Inspection(
        project_id=project.id,
        kind="adhoc",
        planned_on=date(2026, 6, 1),
        actions=[FollowUpAction(position=1, description="Bổ sung hồ sơ", due_on=date(2026, 7, 1))],
    )
    db.session.add_all([adjustment, inspection])
    db.session.flush()
    ids = {
        "report": world["reports"][0].id,
        "adjustment": adjustment.id,
        "inspection": inspection.id,
        "action": inspection.actions[0].id,
    }
    db.session.commit()
    login(client, "other@khac.vn")
    url = f"/projects/{project.id}/" + path.format(**ids)
    expected_get = 405 if path.endswith(("accepted", "withdrawn", "done")) else 404
    assert client.get(url).status_code == expected_get
    assert client.post(url).status_code == (405 if path == "adjustments/{adjustment}" else 404)


def test_a_record_of_another_project_is_404(world, client):
    with client.application.test_request_context():
        other = make_project(world["host"], staff=world["staff"])
    db.session.commit()
    login(client, "host@congty.vn")
    assert client.get(f"/projects/{other.id}/reports/{world['reports'][0].id}").status_code == 404


ANON, HOST, OTHER, REVIEWER = "anonymous", "host", "other", "reviewer"
ROLES = (ANON, HOST, OTHER, REVIEWER, "staff", "leader", "finance", "admin")
ROUTES = [  # (method, path, {role: status}); roles left out answer 404 (outsiders must not learn the project exists)
    ("GET", "reports/{report}", {HOST: 200, "staff": 200, "leader": 200, "finance": 200, "admin": 200}),
    ("POST", "reports/{report}", {HOST: 400, "staff": 403, "leader": 403, "finance": 403, "admin": 403}),
    (
        "POST",
        "reports/{report}/transition/accepted",
        {HOST: 403, "staff": 302, "leader": 403, "finance": 403, "admin": 302},
    ),
    ("GET", "adjustments/new", {HOST: 200, "staff": 403, "leader": 403, "finance": 403, "admin": 403}),
    ("POST", "adjustments/new", {HOST: 400, "staff": 403, "leader": 403, "finance": 403, "admin": 403}),
    ("GET", "adjustments/{adjustment}", {HOST: 200, "staff": 200, "leader": 200, "finance": 200, "admin": 200}),
    (
        "POST",
        "adjustments/{adjustment}/transition/withdrawn",
        {HOST: 302, "staff": 403, "leader": 403, "finance": 403, "admin": 403},
    ),
    (
        "POST",
        "adjustments/{adjustment}/transition/refused",
        {HOST: 403, "staff": 302, "leader": 302, "finance": 403, "admin": 302},
    ),
    ("GET", "inspections/new", {HOST: 403, "staff": 200, "leader": 403, "finance": 403, "admin": 200}),
    ("POST", "inspections/new", {HOST: 403, "staff": 400, "leader": 403, "finance": 403, "admin": 400}),
    ("GET", "inspections/{inspection}", {HOST: 403, "staff": 200, "leader": 403, "finance": 403, "admin": 200}),
    ("POST", "inspections/{inspection}", {HOST: 403, "staff": 400, "leader": 403, "finance": 403, "admin": 400}),
    (
        "POST",
        "inspections/{inspection}/actions/{action}/done",
        {HOST: 403, "staff": 400, "leader": 403, "finance": 403, "admin": 400},
    ),
]


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_what(world, client, role):
    project = world["project"]
    make_user("admin@skhcn.gov.vn", roles=("admin",))
    make_user("reviewer@vien.vn", roles=("reviewer",))
    adjustment = Adjustment(project_id=project.id, kind="content", reason="Đổi sản phẩm")
    inspection = Inspection(
        project_id=project.id,
        kind="adhoc",
        planned_on=date(2026, 6, 1),
        actions=[FollowUpAction(position=1, description="Bổ sung hồ sơ", due_on=date(2026, 7, 1))],
    )
    db.session.add_all([adjustment, inspection])
    db.session.flush()
    ids = {
        "report": world["reports"][0].id,
        "adjustment": adjustment.id,
        "inspection": inspection.id,
        "action": inspection.actions[0].id,
    }
    db.session.commit()
    emails = {HOST: "host@congty.vn", OTHER: "other@khac.vn", REVIEWER: "reviewer@vien.vn"}
    if role != ANON:
        login(client, emails.get(role, f"{role}@skhcn.gov.vn"))
    for method, path, expected in ROUTES:
        answer = client.open(f"/projects/{project.id}/" + path.format(**ids), method=method)
        want = 302 if role == ANON else expected.get(role, 404)
        assert answer.status_code == want, (method, path)
        if role == ANON:
            assert "/login" in answer.headers["Location"]


def _add_follow_up(project, count):
    for n in range(count):
        db.session.add(Adjustment(project_id=project.id, kind="content", reason=f"Lý do {n}"))
        db.session.add(
            Inspection(
                project_id=project.id,
                kind="adhoc",
                planned_on=date(2026, 6, 1),
                actions=[FollowUpAction(position=1, description=f"Việc {n}", due_on=date(2026, 7, 1))],
            )
        )
    db.session.commit()


def test_follow_up_pages_have_a_constant_query_budget(world, client, count_queries):
    project = world["project"]
    login(client, "staff@skhcn.gov.vn")
    urls = [f"/projects/{project.id}", _report_url(world), f"/projects/{project.id}/inspections/new"]
    counts = []
    for added in (1, 9):
        _add_follow_up(project, added)
        adjustment_id = db.session.execute(select(Adjustment.id).limit(1)).scalar()
        inspection_id = db.session.execute(select(Inspection.id).limit(1)).scalar()
        pages = [
            *urls,
            f"/projects/{project.id}/adjustments/{adjustment_id}",
            f"/projects/{project.id}/inspections/{inspection_id}",
        ]
        per_page = []
        for url in pages:
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            per_page.append(counter.count)
        counts.append(per_page)
    assert counts[0] == counts[1] and max(counts[0]) <= 20


def test_a_new_inspection_is_proposed_in_the_regimes_month():
    regime = Regime(inspection_month=10)
    assert inspections.next_periodic_on(regime, date(2026, 3, 5)) == date(2026, 10, 1)
    assert inspections.next_periodic_on(regime, date(2026, 10, 20)) == date(2026, 10, 20)
    assert inspections.next_periodic_on(regime, date(2026, 11, 23)) == date(2027, 10, 1)
