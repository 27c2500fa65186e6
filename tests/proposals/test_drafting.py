"""Drafting an application: start, save half-filled, rows, totals recomputed, stale saves, rule checks."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from accounts.models import Organization
from core.extensions import db
from core.formatting import utcnow
from policies.models import Call, PriorityItem, Sector
from proposals import services
from proposals.models import Proposal
from tests.conftest import login
from tests.factories import make_call, make_organization, make_proposal, make_user, proposal_data


@pytest.fixture
def applicant(app, reference):
    org = make_organization("Công ty TNHH Xanh Đức Hòa")
    user = make_user("an@xanh.vn", organization=org)
    db.session.commit()
    return user


def form_payload(call: Call, version: int, **overrides: object) -> dict:
    """The edit form's fields for the contents of proposal_data (rows flattened as the browser sends them)."""
    data = proposal_data(call, **overrides)
    payload = {k: v for k, v in data.items() if not isinstance(v, list)}
    payload["version"] = str(version)
    payload["priority_item_ids"] = data["priority_item_ids"]
    for name in ("work_packages", "products", "budget_lines"):
        for i, row in enumerate(data[name]):
            for key, value in row.items():
                payload[f"{name}-{i}-{key}"] = "" if value is None else str(value)
    return payload


def open_draft(client, applicant) -> tuple[Call, Proposal]:
    """An open call and a draft the applicant started on it through the page, logged in on the client."""
    call = make_call()
    db.session.commit()
    login(client, applicant.email)
    client.post(f"/calls/{call.id}/apply")
    return call, db.session.execute(select(Proposal)).scalar_one()


def test_start_from_an_open_call_and_save_half_filled(app, applicant, client):
    call = make_call(code="TN-2026-01")
    db.session.commit()
    login(client, applicant.email)
    response = client.post(f"/calls/{call.id}/apply")
    proposal = db.session.execute(select(Proposal)).scalar_one()
    assert response.headers["Location"].endswith(f"/applications/{proposal.id}/edit")
    assert proposal.status == "draft" and proposal.organization_id == applicant.membership.organization_id

    page = client.get(f"/applications/{proposal.id}/edit")
    assert page.status_code == 200
    assert b"budget_lines-1-description" in page.data  # blank rows to add lines without JavaScript
    response = client.post(
        f"/applications/{proposal.id}/edit",
        data={
            "version": "1",
            "title": "Chỉ có tên",
            "budget_lines-0-kind": "other",
            "budget_lines-0-description": "",
            "budget_lines-0-support_vnd": "",
            "budget_lines-0-counterpart_vnd": "",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Proposal, proposal.id)
    assert saved.title == "Chỉ có tên" and saved.support_total_vnd == 0


def test_saving_every_section_recomputes_totals_on_the_server(app, applicant, client):
    call, proposal = open_draft(client, applicant)
    payload = form_payload(call, proposal.version)
    payload["budget_lines-0-support_vnd"] = "200.000.000"
    payload["budget_lines-1-support_vnd"] = "50,000,000"
    payload["support_total_vnd"] = "1"  # a browser's total is never trusted
    assert client.post(f"/applications/{proposal.id}/edit", data=payload).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Proposal, proposal.id)
    assert saved.support_total_vnd == 250_000_000 and saved.counterpart_total_vnd == 250_000_000
    page = client.get(f"/applications/{proposal.id}").get_data(as_text=True)
    assert "250.000.000 ₫" in page and "Lắp đặt hệ thống" in page and "Mô hình tưới" in page


def test_bad_rows_keep_everything_typed(app, applicant, client):
    call, proposal = open_draft(client, applicant)
    payload = form_payload(call, proposal.version)
    payload["budget_lines-0-support_vnd"] = "hai trăm triệu"
    payload["work_packages-0-month_to"] = "0"
    payload["products-0-name"] = ""
    response = client.post(f"/applications/{proposal.id}/edit", data=payload)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter an amount in VND" in page or "Nhập số tiền" in page
    assert "Name the product" in page or "Đặt tên sản phẩm" in page
    assert "hai trăm triệu" in page and "Nâng cao năng suất thanh long" in page
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).title == ""


def test_priority_items_must_belong_to_the_chosen_sector(app, applicant, client):
    call, proposal = open_draft(client, applicant)
    other_sector = db.session.execute(select(Sector).where(Sector.number == 5)).scalar_one()
    foreign_item = (
        db.session.execute(select(PriorityItem).where(PriorityItem.sector_id == other_sector.id)).scalars().first()
    )
    payload = form_payload(call, proposal.version, priority_item_ids=[foreign_item.id])
    response = client.post(f"/applications/{proposal.id}/edit", data=payload)
    assert response.status_code == 200
    assert "priority items of the chosen sector" in response.get_data(
        as_text=True
    ) or "nội dung ưu tiên" in response.get_data(as_text=True)


def test_two_colleagues_saving_at_once_do_not_overwrite_each_other(app, applicant, client):
    colleague = make_user(
        "binh@xanh.vn", organization=db.session.get(Organization, applicant.membership.organization_id)
    )
    call = make_call()
    db.session.commit()
    proposal = make_proposal(call, applicant)
    db.session.commit()
    version = proposal.version
    first, second = app.test_client(), app.test_client()
    login(first, applicant.email)
    login(second, colleague.email)
    assert (
        first.post(
            f"/applications/{proposal.id}/edit", data=form_payload(call, version, title="Bản của An")
        ).status_code
        == 302
    )
    response = second.post(f"/applications/{proposal.id}/edit", data=form_payload(call, version, title="Bản của Bình"))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Bản của An" in page and "Bản của Bình" in page  # both versions shown, the second's input kept
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).title == "Bản của An"
    # Saving again from the re-armed form (it now carries the saved version) replaces it on purpose.
    assert f'name="version" type="hidden" value="{version + 1}"' in page
    assert (
        second.post(
            f"/applications/{proposal.id}/edit", data=form_payload(call, version + 1, title="Bản của Bình")
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).title == "Bản của Bình"


def test_the_rule_check_shows_the_limit_in_vnd(app, applicant, client):
    call = make_call()
    db.session.commit()
    proposal = make_proposal(call, applicant)
    category = proposal.category
    services.apply_draft(
        proposal,
        proposal_data(
            call,
            budget_lines=[
                {
                    "kind": "equipment",
                    "description": "Thiết bị",
                    "support_vnd": 900_000_000,
                    "counterpart_vnd": 100_000_000,
                }
            ],
        ),
    )
    db.session.commit()
    login(client, applicant.email)
    page = client.get(f"/applications/{proposal.id}").get_data(as_text=True)
    limit = category.max_support(1_000_000_000)
    assert f"{limit:,}".replace(",", ".") + " ₫" in page
    assert "text-danger" in page


def test_a_closed_call_takes_no_new_application(app, applicant, client):
    call = make_call(opens_at=utcnow() - timedelta(days=10), closes_at=utcnow() - timedelta(days=1))
    db.session.commit()
    login(client, applicant.email)
    response = client.post(f"/calls/{call.id}/apply", follow_redirects=True)
    assert "does not accept applications" in response.get_data(as_text=True) or "không nhận hồ sơ" in response.get_data(
        as_text=True
    )
    assert db.session.execute(select(Proposal)).first() is None


def test_an_absurd_amount_is_refused_not_a_server_error(app, applicant, client):
    call, proposal = open_draft(client, applicant)
    payload = form_payload(call, proposal.version)
    payload["budget_lines-0-support_vnd"] = "99999999999999999999"
    response = client.post(f"/applications/{proposal.id}/edit", data=payload)
    assert response.status_code == 200
    assert "99999999999999999999" in response.get_data(as_text=True)
