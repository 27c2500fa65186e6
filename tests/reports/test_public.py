"""What was funded, for the public: the funded projects, filtered and searched without diacritics, and a page per
project, and the fixed amounts batch decisions approved; a person who received support is never named, nor found by
a search; what was not funded never shows."""

from datetime import date

import pytest

from core.extensions import db
from core.formatting import format_money
from tests.factories import (
    make_award,
    make_call,
    make_organization,
    make_project,
    make_proposal,
    make_user,
    make_valid_proposal,
)


@pytest.fixture
def world(app, reference):
    staff = make_user("staff@s.vn", roles=("staff",))
    company = make_user("an@org.vn", organization=make_organization(name="Công ty Đồng Lúa"))
    person = make_user(
        "hkd@gmail.com",
        organization=make_organization(name="Hộ kinh doanh Trần Thị Bích", org_type="household_business"),
    )
    with app.test_request_context():
        call = make_call()
        funded = make_project(company, staff=staff, call=call, title="Máy sấy nông sản năng lượng mặt trời")
        private = make_project(
            person, staff=staff, call=call, title="Lò sấy chuối hộ gia đình", lead_name="Trần Thị Bích"
        )
        make_proposal(call, company, title="Bản nháp chưa nộp")
        withdrawn = make_valid_proposal(call, company, title="Hồ sơ đã rút")
        withdrawn.status = "withdrawn"
        refused = make_valid_proposal(call, company, title="Hồ sơ không được phê duyệt")
        refused.status = "not_approved"
    db.session.commit()
    return {"funded": funded, "private": private, "company": company, "person": person}


def test_the_public_sees_the_funded_projects_and_not_who_is_a_person(client, world):
    funded, private = world["funded"], world["private"]
    listing = client.get("/funded").get_data(as_text=True)
    assert funded.title in listing and "Công ty Đồng Lúa" in listing and format_money(funded.approved_vnd) in listing
    assert private.title in listing and "Một cá nhân hoặc hộ kinh doanh" in listing
    assert "Trần Thị Bích" not in listing and "Bản nháp chưa nộp" not in listing and "Hồ sơ đã rút" not in listing
    assert "Hồ sơ không được phê duyệt" not in listing

    found = client.get("/funded?q=may+say+nong+san").get_data(as_text=True)  # without diacritics
    assert funded.title in found and private.title not in found
    assert funded.title in client.get("/funded?q=dong+lua").get_data(as_text=True)  # by the organization
    assert private.title not in client.get("/funded?q=tran+thi+bich").get_data(as_text=True)  # never by a person
    assert private.title not in client.get("/funded?q=lo+say+chuoi").get_data(as_text=True)

    page = client.get(f"/funded/{private.id}").get_data(as_text=True)
    assert private.title in page and "Một cá nhân hoặc hộ kinh doanh" in page and "Trần Thị Bích" not in page
    assert private.contract_number not in page
    page = client.get(f"/funded/{funded.id}").get_data(as_text=True)
    assert "Công ty Đồng Lúa" in page and format_money(funded.approved_vnd) in page
    assert client.get(f"/funded/{private.id + 99}").status_code == 404
    assert client.get("/funded?state=suspended").get_data(as_text=True).count('fw-semibold" href="/funded/') == 0
    assert (
        client.get("/funded?state=in_progress&year=2026").get_data(as_text=True).count('fw-semibold" href="/funded/')
        == 2
    )


def test_a_funded_projects_page_names_the_priority_items_of_its_application(client, world):
    from sqlalchemy import select

    from policies.models import PriorityItem
    from proposals.models import proposal_priority_items

    funded = world["funded"]
    items = list(db.session.execute(select(PriorityItem).order_by(PriorityItem.id).limit(2)).scalars())
    db.session.execute(
        proposal_priority_items.delete().where(proposal_priority_items.c.proposal_id == funded.proposal_id)
    )
    for item in items:
        db.session.execute(
            proposal_priority_items.insert().values(proposal_id=funded.proposal_id, priority_item_id=item.id)
        )
    db.session.commit()
    page = client.get(f"/funded/{funded.id}").get_data(as_text=True)
    assert "Nội dung ưu tiên" in page
    for item in items:
        assert f"{item.number}. {item.text}" in page


def test_the_fixed_amounts_a_decision_approved_are_public_a_person_unnamed(app, client, world):
    company, person = world["company"], world["person"]
    with app.test_request_context():
        call = make_call(code="TN-SHTT-2026")
        shown = make_valid_proposal(call, company, title="Bảo hộ nhãn hiệu Thanh long Tây Ninh")
        private = make_valid_proposal(call, person, title="Bảo hộ nhãn hiệu bánh tráng Trảng Bàng")
        pending = make_valid_proposal(call, company, title="Bảo hộ kiểu dáng chờ duyệt")
        refused = make_valid_proposal(call, company, title="Bảo hộ sáng chế không được duyệt")
    make_award(shown, "approved", 15_000_000, "45/QĐ-SKHCN")
    make_award(private, "paid", 12_000_000, "46/QĐ-SKHCN", signed_on=date(2025, 11, 3))
    make_award(pending, "pending", number="47/QĐ-SKHCN")
    make_award(refused, "refused", number="48/QĐ-SKHCN")
    db.session.commit()

    listing = client.get("/funded/fixed-amounts").get_data(as_text=True)
    assert shown.title in listing and "Công ty Đồng Lúa" in listing and format_money(15_000_000) in listing
    assert "45/QĐ-SKHCN" in listing and "10/03/2026" in listing
    assert private.title in listing and "Một cá nhân hoặc hộ kinh doanh" in listing and "Trần Thị Bích" not in listing
    assert pending.title not in listing and refused.title not in listing
    assert listing.index(shown.title) < listing.index(private.title)  # the latest decision first
    assert 'href="/funded/fixed-amounts"' in client.get("/funded").get_data(as_text=True)  # a tab of the funded list

    assert private.title not in client.get("/funded/fixed-amounts?year=2026").get_data(as_text=True)
    assert shown.title not in client.get("/funded/fixed-amounts?year=2025").get_data(as_text=True)
    assert shown.title in client.get("/funded/fixed-amounts?q=thanh+long").get_data(as_text=True)
    assert shown.title in client.get("/funded/fixed-amounts?q=dong+lua").get_data(as_text=True)
    assert private.title not in client.get("/funded/fixed-amounts?q=banh+trang").get_data(as_text=True)
    assert "Không có khoản hỗ trợ nào phù hợp." in client.get("/funded/fixed-amounts?q=zzz").get_data(as_text=True)


def test_the_funded_list_and_its_years_read_the_signing_dates_index(app, world):
    from projects.contracts.models import Project
    from reports import date_span, years_of
    from reports.public import PublicFilter, public_statement
    from tests.plans import query_plan

    for statement in (public_statement(PublicFilter()).limit(25), date_span(Project.signed_on)):
        plan = query_plan(statement)
        assert "ix_projects_signed_on" in plan, plan
        if db.engine.dialect.name == "sqlite":  # read in the index's order (from its ends): nothing scanned or sorted
            assert "TEMP B-TREE" not in plan and "SCAN projects\n" not in plan + "\n", plan
    signed = sorted({world["funded"].signed_on.year, world["private"].signed_on.year}, reverse=True)
    assert years_of(Project.signed_on) == list(range(signed[0], signed[-1] - 1, -1))
