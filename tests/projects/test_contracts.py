"""The contract of an approved application and the tranches: request, approval, payment, settlement, ceiling."""

import io
from datetime import date

import pytest
from sqlalchemy import select

from core.extensions import db
from projects.contracts.files import ProjectFile
from projects.contracts.models import Project, Tranche
from projects.contracts.queries import load_project
from tests.conftest import login, vi_text
from tests.factories import PDF_BYTES, make_call, make_organization, make_project, make_user, make_valid_proposal


@pytest.fixture
def people(app, reference):
    org = make_organization()
    people = {
        "host": make_user("host@cty.vn", organization=org),
        "outsider": make_user("other@khac.vn", organization=make_organization()),
        "staff": make_user("staff@s.vn", roles=("staff",)),
        "finance": make_user("finance@s.vn", roles=("finance",)),
    }
    db.session.commit()
    return people


def _as(app, user):
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


def test_staff_record_the_contract_of_an_approved_application(app, people):
    with app.test_request_context():
        proposal = make_valid_proposal(make_call(), people["host"])
    proposal.status = "approved"
    db.session.commit()
    staff = _as(app, people["staff"])
    listing = staff.get("/staff/contracts").get_data(as_text=True)
    assert proposal.title in listing
    form = staff.get(f"/staff/applications/{proposal.id}/contract").get_data(as_text=True)
    assert 'value="50"' in form and 'value="30"' in form and 'value="20"' in form  # the regime's default split
    support = proposal.support_total_vnd
    data = {
        "contract_number": "12/2026/HĐ-KHCN",
        "signed_on": "05/01/2026",
        "start_on": "05/01/2026",
        "end_on": "31/12/2026",
        "agency_signer": "Giám đốc Sở",
        "host_signer": "Nguyễn Văn A",
        "legacy_area": "",
        "tranches-0-percent": "60",
        "tranches-0-condition": "contract_signed",
        "tranches-1-percent": "30",
        "tranches-1-condition": "report_accepted",
    }
    refused = staff.post(f"/staff/applications/{proposal.id}/contract", data=data)
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert (
        vi_text(
            app,
            "The tranches add up to %(total)s; they must add up to the approved support %(approved)s.",
            total="X",
            approved="Y",
        ).split("X")[0]
        in page
        and "Nguyễn Văn A" in page
        and 'value="60"' in page
    )
    assert db.session.execute(select(Project)).first() is None
    data.update(
        {
            "tranches-2-amount_vnd": f"{support - support * 60 // 100 - support * 30 // 100:,}",
            "tranches-2-condition": "liquidated",
        }
    )
    created = staff.post(f"/staff/applications/{proposal.id}/contract", data=data)
    assert created.status_code == 302
    project = db.session.execute(select(Project)).scalar_one()
    assert project.approved_vnd == support and project.contract_number == "12/2026/HĐ-KHCN"
    assert project.annex["title"] == proposal.title
    db.session.expire_all()
    statuses = [t.status for t in load_project(project.id).tranches]
    assert statuses == ["eligible", "planned", "planned"]
    assert proposal.title in staff.get(f"/projects/{project.id}/annex").get_data(as_text=True)
    again = staff.get(f"/staff/applications/{proposal.id}/contract")
    assert again.status_code == 200 and proposal.title not in staff.get("/staff/contracts").get_data(as_text=True)


def test_a_tranche_is_requested_approved_paid_and_settled(app, people):
    with app.test_request_context():
        project = make_project(people["host"], staff=people["staff"])
    first = project.tranches[0]
    db.session.commit()
    host, staff, finance = _as(app, people["host"]), _as(app, people["staff"]), _as(app, people["finance"])
    base = f"/projects/{project.id}/tranches/{first.id}"
    empty = host.post(f"{base}/request", data={"note": " "})
    assert empty.status_code == 400 and db.session.get(Tranche, first.id).status == "eligible"
    assert vi_text(app, "Say what the payment is for and what was done.") in empty.get_data(as_text=True)
    sent = host.post(
        f"{base}/request",
        data={"note": "Tạm ứng đợt 1", "file": (io.BytesIO(PDF_BYTES), "hd.pdf")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    db.session.expire_all()
    assert db.session.get(Tranche, first.id).status == "requested"
    assert db.session.execute(select(ProjectFile.original_name)).scalar() == "hd.pdf"
    assert host.get(f"{base}/payment").status_code == 403
    assert finance.get(f"{base}/payment").status_code == 404  # not approved yet
    assert staff.post(f"{base}/review/approved").status_code == 302
    page = finance.get(f"{base}/payment")
    assert page.status_code == 200
    version = db.session.get(Tranche, first.id).version
    over = finance.post(
        f"{base}/payment",
        data={
            "paid_on": "01/02/2026",
            "paid_vnd": f"{project.approved_vnd + 1}",
            "payment_reference": "UNC 01",
            "version": version,
        },
    )
    assert over.status_code == 400 and vi_text(
        app, "Paying %(amount)s would pass the approved support: %(left)s is left to pay.", amount="X", left="Y"
    ).split("X")[1].split("Y")[0] in over.get_data(as_text=True)
    assert "UNC 01" in over.get_data(as_text=True)
    stale = finance.post(
        f"{base}/payment",
        data={"paid_on": "01/02/2026", "paid_vnd": "1.000", "payment_reference": "UNC 01", "version": version - 1},
    )
    # Refused as stale, the page carries the current version: saving again after reading it goes through.
    assert stale.status_code == 400 and f'name="version" type="hidden" value="{version}"' in stale.get_data(
        as_text=True
    )
    paid = finance.post(
        f"{base}/payment",
        data={
            "paid_on": "01/02/2026",
            "paid_vnd": f"{first.amount_vnd:,}",
            "payment_reference": "UNC 01",
            "version": version,
        },
    )
    assert paid.status_code == 302
    db.session.expire_all()
    assert db.session.get(Project, project.id).paid_vnd == first.amount_vnd
    tranche = db.session.get(Tranche, first.id)
    assert tranche.status == "paid" and tranche.paid_on == date(2026, 2, 1)
    settled = finance.post(
        f"{base}/payment",
        data={"settled_on": "01/06/2026", "invoices_note": "Hóa đơn số 1-12", "version": tranche.version},
    )
    assert settled.status_code == 302
    db.session.expire_all()
    assert db.session.get(Project, project.id).settled_vnd == first.amount_vnd
    assert db.session.get(Tranche, first.id).status == "settled"


def test_outsiders_do_not_learn_a_project_exists(app, people):
    with app.test_request_context():
        project = make_project(people["host"])
    tranche = project.tranches[0]
    db.session.commit()
    outsider = _as(app, people["outsider"])
    assert outsider.get(f"/projects/{project.id}").status_code == 404
    assert outsider.get(f"/projects/{project.id}/annex").status_code == 404
    assert outsider.post(f"/projects/{project.id}/tranches/{tranche.id}/request", data={"note": "x"}).status_code == 404


def test_workflow_moves_are_not_buttons_and_a_suspended_project_pays_nothing(app, people):
    with app.test_request_context():
        project = make_project(people["host"], staff=people["staff"])
    first = project.tranches[0]
    db.session.commit()
    staff, host = _as(app, people["staff"]), _as(app, people["host"])
    # Acceptance, registration and liquidation are made by their own pages, with what they need: not by a bare move.
    for target in ("accepted", "result_registered", "liquidated"):
        assert staff.post(f"/projects/{project.id}/transition/{target}").status_code == 302
        db.session.expire_all()
        assert db.session.get(Project, project.id).status == "in_progress"
    assert (
        staff.post(f"/projects/{project.id}/transition/suspended", data={"comment": "Chờ thanh tra"}).status_code == 302
    )
    db.session.expire_all()
    assert db.session.get(Project, project.id).status == "suspended"
    host.post(f"/projects/{project.id}/tranches/{first.id}/request", data={"note": "Tạm ứng"})
    db.session.expire_all()
    assert db.session.get(Tranche, first.id).status == "eligible"  # refused while suspended
    page = host.get(f"/projects/{project.id}").get_data(as_text=True)
    assert (
        vi_text(
            app,
            "No payment can be requested, approved or made while the project is “%(state)s”.",
            state=vi_text(app, "Suspended"),
        )
        in page
    )
