"""Final acceptance and closing through the pages: dossier, council (conflicts refused), ratings, attendance,
conclusion, result registration, settlement, assets, liquidation; the failing path, re-evaluation and recovery."""

import io
from datetime import date, timedelta

from sqlalchemy import func, select

from core.extensions import db
from core.formatting import format_amount, format_money, local_today
from core.models import OutboxMessage
from projects.acceptance import services as acceptance
from projects.acceptance.models import AcceptanceCouncil, AcceptanceMember
from projects.acceptance.queries import load_council
from projects.contracts.files import ProjectFile
from projects.contracts.queries import load_project
from projects.money import services as money
from projects.portfolio.queries import assess
from tests.conftest import login, vi_text
from tests.factories import PDF_BYTES, make_organization, make_project, make_user

TEXTS = {
    "final_report": "Báo cáo tổng hợp",
    "product_report": "Sản phẩm",
    "financial_report": "Tài chính",
    "self_assessment": "Tự đánh giá: đạt",
}


def _day(days_ago: int) -> str:
    """A day counted back from today, as typed (dd/mm/yyyy); negative: in the future."""
    return (local_today() - timedelta(days=days_ago)).strftime("%d/%m/%Y")


def _setup(app, tag="", **project_args):
    """A project of hostco.vn, its staff and leader, six reviewers and one reviewer of the host's mail domain."""
    org = make_organization()
    people = {
        "host": make_user(f"lead@{tag}hostco.vn", organization=org),
        "staff": make_user(f"staff{tag}@skhcn.gov.vn", roles=("staff",)),
        "leader": make_user(f"leader{tag}@skhcn.gov.vn", roles=("leader",)),
        "conflicted": make_user(f"expert@{tag}hostco.vn", roles=("reviewer",)),
        "outsider": make_user(f"outsider{tag}@uni.edu.vn", roles=("reviewer",)),
        "finance": make_user(f"ketoan{tag}@skhcn.gov.vn", roles=("finance",)),
    }
    reviewers = [make_user(f"r{i}{tag}@uni{i}.edu.vn", roles=("reviewer",)) for i in range(6)]
    with app.test_request_context():
        project = make_project(people["host"], staff=people["staff"], **project_args)
    db.session.commit()
    return project, people, reviewers


def _council_data(people, reviewers, extra=None, comment=""):
    data = {
        "name": "Hội đồng nghiệm thu",
        "place": "Phòng họp Sở",
        "meeting_at": "2026-12-20T08:30",
        "admin_secretary_id": str(people["staff"].id),
        "comment": comment,
    }
    seats = [(reviewers[0].id, "chair")] + [(r.id, "member") for r in reviewers[1:5]] + (extra or [])
    for i, (user_id, role) in enumerate(seats):
        data[f"members-{i}-user_id"], data[f"members-{i}-role"] = str(user_id), role
    return data


def _council(project_id):
    return (
        db.session.execute(
            select(AcceptanceCouncil)
            .where(AcceptanceCouncil.project_id == project_id)
            .order_by(AcceptanceCouncil.round.desc())
        )
        .scalars()
        .first()
    )


def _seats(council_id):
    query = (
        select(AcceptanceMember).where(AcceptanceMember.council_id == council_id).order_by(AcceptanceMember.position)
    )
    return list(db.session.execute(query).scalars())


def _rate_all(client, project, council_id, reviewers, level):
    product_id = load_project(project.id).products[0].id
    for reviewer in reviewers[:5]:
        login(client, reviewer.email)
        declared = client.post(f"/acceptance/{council_id}/declare", data={"conflicted": "no"})
        assert declared.status_code == 302, declared.text
        seat = next(s for s in _seats(council_id) if s.user_id == reviewer.id)
        response = client.post(
            f"/acceptance/{council_id}/rating",
            data={
                f"quantity_{product_id}": level,
                f"quality_{product_id}": level,
                "report_level": "pass",
                "comment": "Tốt",
                "version": str(seat.version),
                "action": "submit",
            },
        )
        assert response.status_code == 302, response.text


def _form_and_open(client, project, people, reviewers, comment=""):
    login(client, people["staff"].email)
    response = client.post(
        f"/staff/projects/{project.id}/acceptance-council", data=_council_data(people, reviewers, comment=comment)
    )
    assert response.status_code == 302, response.text
    council = _council(project.id)
    assert client.post(f"/staff/acceptance/{council.id}/open").status_code == 302
    return council


def test_full_path_to_liquidation(app, reference, client):
    project, people, reviewers = _setup(app)
    with app.test_request_context():  # the earlier tranches paid, so the last one is left for the liquidation
        for position in (1, 2):
            current = load_project(project.id)
            tranche = current.tranches[position - 1]
            tranche.status = "approved"
            money.pay_tranche(
                tranche, current, date(2026, 2, 1), tranche.amount_vnd, f"UNC {position}", people["finance"]
            )
    db.session.commit()

    # The host submits the final dossier; a refused form keeps what was typed.
    login(client, people["host"].email)
    assert client.get(f"/projects/{project.id}/dossier").status_code == 200
    response = client.post(f"/projects/{project.id}/dossier", data={"final_report": "Nội dung đã gõ"})
    assert response.status_code == 400 and "Nội dung đã gõ" in response.text
    data = {**TEXTS, "file": (io.BytesIO(PDF_BYTES), "bao-cao.pdf")}
    response = client.post(f"/projects/{project.id}/dossier", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    project = load_project(project.id)
    assert (project.status, project.dossier_late) == ("acceptance_submitted", False)
    assert client.post(f"/staff/projects/{project.id}/acceptance-council").status_code == 403

    # Staff form the council: a member of the host's mail domain is refused, what was typed is kept.
    login(client, people["staff"].email)
    assert client.get(f"/staff/projects/{project.id}/acceptance-council").status_code == 200
    refused = _council_data(people, reviewers, extra=[(people["conflicted"].id, "member")])
    refused["place"] = "Hội trường B"
    response = client.post(f"/staff/projects/{project.id}/acceptance-council", data=refused)
    assert response.status_code == 400
    assert (
        "Hội trường B" in response.text
        and vi_text(app, "Shares the mail domain @%(domain)s with the applicant organization.", domain="hostco.vn")
        in response.text
    )
    assert _council(project.id) is None
    council = _form_and_open(client, project, people, reviewers)
    assert load_project(project.id).status == "in_acceptance"
    page = client.get(f"/staff/acceptance/{council.id}")
    assert page.status_code == 200 and vi_text(app, "not rated yet") in page.text  # no grade before any rating
    assert client.get(f"/projects/{project.id}").status_code == 200
    assert council.rating_rule == "tt11_2014" and council.status == "rating"
    assert db.session.execute(select(func.count(OutboxMessage.id))).scalar() >= 5

    # A reviewer of no council of this project, and the host, get 404; a member declares their interests, then rates
    # beside the dossier.
    login(client, people["outsider"].email)
    assert client.get(f"/acceptance/{council.id}/rating").status_code == 404
    login(client, reviewers[0].email)
    mine = client.get("/acceptance")
    assert mine.status_code == 200 and vi_text(app, "To declare") in mine.text
    file_id = db.session.execute(select(ProjectFile.id).where(ProjectFile.project_id == project.id)).scalar_one()
    page = client.get(f"/acceptance/{council.id}/rating")
    assert page.status_code == 200 and vi_text(app, "Declaration of interests") in page.text
    assert "Tự đánh giá: đạt" not in page.text  # the dossier stays closed until the declaration
    assert client.get(f"/acceptance/{council.id}/documents/{file_id}").status_code == 404
    refused = client.post(f"/acceptance/{council.id}/declare", data={"conflicted": "yes"})
    assert refused.status_code == 400 and vi_text(app, "Please say what the conflict is.") in refused.text
    assert client.post(f"/acceptance/{council.id}/declare", data={"conflicted": "no"}).status_code == 302
    page = client.get(f"/acceptance/{council.id}/rating")
    assert page.status_code == 200 and "Tự đánh giá: đạt" in page.text
    assert client.get(f"/acceptance/{council.id}/documents/{file_id}").status_code == 200
    seat = _seats(council.id)[0]
    response = client.post(
        f"/acceptance/{council.id}/rating",
        data={"comment": "Nhận xét đã gõ", "version": str(seat.version), "action": "submit"},
    )
    assert response.status_code == 400 and "Nhận xét đã gõ" in response.text
    login(client, people["outsider"].email)
    assert client.get(f"/acceptance/{council.id}/documents/{file_id}").status_code == 404

    _rate_all(client, project, council.id, reviewers, "pass")
    seat = _seats(council.id)[0]
    login(client, reviewers[0].email)
    locked = client.post(f"/acceptance/{council.id}/rating", data={"version": str(seat.version), "action": "save"})
    assert locked.status_code == 400  # submitted: locked

    # Attendance: the chair and three others of five (4 ≥ 2/3 of 5); then the conclusion, Pass.
    login(client, people["staff"].email)
    seats = _seats(council.id)
    response = client.post(f"/staff/acceptance/{council.id}/conclude", data={"conclusions": "Kết luận đã gõ"})
    assert response.status_code == 400 and "Kết luận đã gõ" in response.text  # no quorum yet
    client.post(f"/staff/acceptance/{council.id}/attendance", data={"present": [str(s.id) for s in seats[:4]]})
    assert client.post(f"/staff/acceptance/{council.id}/conclude", data={"conclusions": "Đạt"}).status_code == 302
    project = load_project(project.id)
    assert (project.status, project.grade, _council(project.id).grade) == ("accepted", "pass", "pass")
    assert client.get(f"/staff/acceptance/{council.id}").status_code == 200
    minutes = client.get(f"/staff/acceptance/{council.id}/minutes")
    assert minutes.status_code == 200 and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in minutes.text

    # Closing: registration; liquidation refused while the paid tranches are unsettled and the final settlement
    # missing; a date in the future is refused; then the settlements, the final settlement, assets.
    assert client.get(f"/staff/projects/{project.id}/closing").status_code == 200
    future = {"certificate_number": "12/2027/ĐKKQ", "certificate_on": _day(-1)}
    response = client.post(f"/staff/projects/{project.id}/closing/registration", data=future)
    assert response.status_code == 400 and "12/2027/ĐKKQ" in response.text
    assert vi_text(app, "This date is in the future: it cannot be recorded yet.") in response.text
    registered = {"certificate_number": "12/2027/ĐKKQ", "certificate_on": _day(6)}
    assert client.post(f"/staff/projects/{project.id}/closing/registration", data=registered).status_code == 302
    login(client, people["leader"].email)
    liquidation = {"liquidation_number": "TL-99", "liquidated_on": _day(1)}
    response = client.post(f"/staff/projects/{project.id}/closing/liquidation", data=liquidation)
    assert response.status_code == 400 and "TL-99" in response.text
    assert vi_text(app, "The final settlement is not recorded yet.") in response.text
    first = load_project(project.id).tranches[0]
    unsettled = vi_text(
        app,
        "Tranche %(position)d was paid (%(amount)s) and is not settled yet.",
        position=1,
        amount=format_money(first.paid_vnd),
    )
    assert unsettled in response.text
    assert client.post(f"/staff/projects/{project.id}/closing/settlement", data={}).status_code == 403
    login(client, people["staff"].email)
    approved = load_project(project.id).approved_vnd
    settled = {"settlement_on": _day(4), "final_settled_vnd": f"{approved:,}", "settlement_note": "Quyết toán xong"}
    response = client.post(f"/staff/projects/{project.id}/closing/settlement", data=settled)
    assert response.status_code == 400 and "Quyết toán xong" in response.text
    assert (
        vi_text(app, "Settle tranche %(position)d first: its invoices are part of the final settlement.", position=1)
        in response.text
    )
    with app.test_request_context():
        for position in (1, 2):
            current = load_project(project.id)
            tranche = current.tranches[position - 1]
            money.settle_tranche(tranche, current, date(2026, 6, 1), None, "Hóa đơn", people["finance"])
    db.session.commit()
    assert client.post(f"/staff/projects/{project.id}/closing/settlement", data=settled).status_code == 302
    assets = {"assets_on": _day(3), "assets_note": "Bàn giao"}
    assert client.post(f"/staff/projects/{project.id}/closing/assets", data=assets).status_code == 302
    login(client, people["leader"].email)
    assert client.post(f"/staff/projects/{project.id}/closing/liquidation", data=liquidation).status_code == 302
    project = load_project(project.id)
    assert project.status == "liquidated" and project.liquidation_number == "TL-99"
    assert [t.status for t in project.tranches] == ["settled", "settled", "approved"]
    assert project.final_due_vnd == approved - project.paid_vnd == project.tranches[2].amount_vnd
    assert client.get(f"/projects/{project.id}").status_code == 200
    record = client.get(f"/projects/{project.id}/liquidation-record")
    assert record.status_code == 200 and "TL-99" in record.text and format_amount(project.final_due_vnd) in record.text


def test_late_dossier_fails_then_round_two(app, reference, client):
    project, people, reviewers = _setup(app, start_on=date(2024, 1, 1), end_on=date(2024, 6, 30))
    login(client, people["host"].email)
    response = client.post(f"/projects/{project.id}/dossier", data=TEXTS)
    assert response.status_code == 302
    assert load_project(project.id).dossier_late is True
    council = _form_and_open(client, project, people, reviewers)
    _rate_all(client, project, council.id, reviewers, "excellent")
    login(client, people["staff"].email)
    client.post(f"/staff/acceptance/{council.id}/attendance", data={"present": [str(s.id) for s in _seats(council.id)]})
    assert client.post(f"/staff/acceptance/{council.id}/conclude", data={"conclusions": "Nộp muộn"}).status_code == 302
    project = load_project(project.id)
    assert (project.status, project.grade) == ("not_accepted", "fail")

    # Re-evaluation: a reason is needed; then round 2 is formed.
    response = client.post(f"/staff/projects/{project.id}/acceptance-council", data=_council_data(people, reviewers))
    assert response.status_code == 400 and vi_text(app, "Please give a reason.") in response.text
    _form_and_open(client, project, people, reviewers, comment="Có tài liệu bổ sung")
    assert _council(project.id).round == 2 and load_project(project.id).status == "in_acceptance"


def test_member_of_another_council_gets_404(app, reference, client):
    project, people, reviewers = _setup(app)
    other, _people, other_reviewers = _setup(app, tag="b")
    with app.test_request_context():
        for each, staff, seated in ((project, people["staff"], reviewers), (other, _people["staff"], other_reviewers)):
            each = load_project(each.id)
            acceptance.submit_dossier(each, TEXTS, [], people["host"] if each.id == project.id else _people["host"])
            rows = [(seated[0].id, "chair")] + [(r.id, "member") for r in seated[1:5]]
            council = acceptance.save_council(
                each,
                None,
                {
                    "name": "HĐ",
                    "meeting_at": None,
                    "place": "",
                    "admin_secretary_id": staff.id,
                    "members": rows,
                    "comment": "",
                },
                staff,
            )
            acceptance.open_rating(load_council(council.id), load_project(each.id), staff)
    db.session.commit()
    login(client, other_reviewers[0].email)
    assert client.get(f"/acceptance/{_council(other.id).id}/rating").status_code == 200
    assert client.get(f"/acceptance/{_council(project.id).id}/rating").status_code == 404


def test_failed_project_recovery(app, reference, client):
    project, people, _reviewers = _setup(app)
    with app.test_request_context():
        project = load_project(project.id)
        first = project.tranches[0]
        first.status = "approved"
        money.pay_tranche(first, project, date(2026, 2, 1), first.amount_vnd, "UNC 1", people["finance"])
    project.status = "failed"  # the failing path itself is tested above
    db.session.commit()
    login(client, people["staff"].email)
    assert client.get(f"/staff/projects/{project.id}/closing").status_code == 200
    decision = {"recovery_decision": "QĐ 5/QĐ-SKHCN", "recovery_decided_on": _day(10), "recovery_due_on": _day(2)}
    too_much = {"recovery_vnd": str(project.paid_vnd + 1), **decision}
    response = client.post(f"/staff/projects/{project.id}/closing/recovery", data=too_much)
    assert response.status_code == 400 and "QĐ 5/QĐ-SKHCN" in response.text
    fine = {"recovery_vnd": str(project.paid_vnd), **decision}
    assert client.post(f"/staff/projects/{project.id}/closing/recovery", data=fine).status_code == 302
    project = load_project(project.id)
    assert (project.status, project.recovery_vnd) == ("recovery", project.paid_vnd)
    assert client.get(f"/projects/{project.id}").status_code == 200

    # Finance records the money returned in parts; the file closes once all of it is back; overdue meanwhile.
    login(client, people["finance"].email)
    assert client.get(f"/projects/{project.id}/recovery").status_code == 200
    part = {"received_vnd": f"{project.paid_vnd - 1_000:,}", "received_on": _day(1), "reference": "GNT 01"}
    assert client.post(f"/projects/{project.id}/recovery", data=part).status_code == 302
    login(client, people["staff"].email)
    overdue = client.get("/staff/projects")
    assert project.code in overdue.text.split('id="overdue-recoveries"')[1]
    login(client, people["finance"].email)
    over = {"received_vnd": "2.000", "received_on": _day(0), "reference": "GNT 02"}
    response = client.post(f"/projects/{project.id}/recovery", data=over)
    assert response.status_code == 400 and "GNT 02" in response.text
    rest = {"received_vnd": "1.000", "received_on": _day(0), "reference": "GNT 02"}
    assert client.post(f"/projects/{project.id}/recovery", data=rest).status_code == 302
    project = load_project(project.id)
    assert (project.status, project.recovered_vnd) == ("recovered", project.recovery_vnd)
    assert assess([project.id], local_today())[project.id].health.level == "closed"  # the file is closed
    assert client.get(f"/projects/{project.id}/recovery").status_code == 404


def test_who_may_open_the_pages(app, reference, client):
    """The host reads the dossier page; outsiders get 404; a host or finance may not form councils or close."""
    project, people, _reviewers = _setup(app)
    other = make_user("other@elsewhere.vn", organization=make_organization())
    finance = make_user("finance@skhcn.gov.vn", roles=("finance",))
    db.session.commit()
    expectations = [
        (people["host"], f"/projects/{project.id}/dossier", 200),
        (people["host"], f"/projects/{project.id}", 200),
        (other, f"/projects/{project.id}/dossier", 404),
        (people["outsider"], f"/projects/{project.id}/dossier", 404),
        (people["outsider"], "/acceptance", 200),
        (people["host"], "/acceptance", 403),
        (people["staff"], f"/projects/{project.id}/dossier", 200),
        (people["host"], f"/staff/projects/{project.id}/acceptance-council", 403),
        (finance, f"/staff/projects/{project.id}/acceptance-council", 403),
        (finance, f"/staff/projects/{project.id}/closing", 403),
        (people["leader"], f"/staff/projects/{project.id}/closing", 200),
        (people["staff"], f"/staff/projects/{project.id}/closing", 200),
        (other, f"/staff/projects/{project.id}/closing", 404),
    ]
    for user, url, status in expectations:
        login(client, user.email)
        assert client.get(url).status_code == status, (user.email, url)
    client.post("/logout")
    assert client.get(f"/projects/{project.id}/dossier").status_code == 302
