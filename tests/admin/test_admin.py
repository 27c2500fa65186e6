"""Administration: users and roles, deactivation, agency settings, regimes, categories, conditions, sectors."""

from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from core.models import AgencySettings
from policies.models import Regime, Sector, SupportCategory
from tests.conftest import login, vi_text
from tests.factories import make_user


def _admin(client):
    make_user("admin@s.vn", roles=("admin",))
    db.session.commit()
    login(client, "admin@s.vn")


def test_user_search_ignores_diacritics_and_filters_role(client, app):
    _admin(client)
    make_user("duc@example.vn", full_name="Trần Văn Đức", roles=("reviewer",))
    make_user("hoa@example.vn", full_name="Lê Thị Hòa")
    db.session.commit()
    page = client.get("/admin/users?q=tran van duc").get_data(as_text=True)
    assert "Trần Văn Đức" in page and "Lê Thị Hòa" not in page
    page = client.get("/admin/users?q=&role=reviewer").get_data(as_text=True)
    assert "Trần Văn Đức" in page and "Lê Thị Hòa" not in page


def test_roles_and_deactivation(client, app):
    _admin(client)
    person = make_user("p@example.vn")
    db.session.commit()
    response = client.post(
        f"/admin/users/{person.id}", data={"roles": ["reviewer", "staff"], "version": str(person.version)}
    )
    assert response.status_code == 302
    person = db.session.get(User, person.id)
    assert person.roles == {"reviewer", "staff"} and not person.active
    other = app.test_client()
    page = login(other, "p@example.vn").get_data(as_text=True)
    assert "deactivated" in page or "vô hiệu" in page


def test_settings_change_the_letterhead(client, app):
    _admin(client)
    data = {
        **AgencySettings.DEFAULTS,
        "agency_name": "Sở Khoa học và Công nghệ tỉnh Tây Ninh (thử)",
        "letterhead_authority": "UBND TỈNH TÂY NINH",
    }
    assert client.post("/admin/settings", data=data).status_code == 302
    assert "(thử)" in client.get("/").get_data(as_text=True)
    bad = client.post("/admin/settings", data={**data, "agency_name": ""})
    assert bad.status_code == 200 and "UBND TỈNH TÂY NINH" in bad.get_data(as_text=True)


def test_category_rule_must_be_complete(client, app, reference):
    _admin(client)
    regime = db.session.execute(select(Regime).where(Regime.code == "TN-25/2025")).scalar_one()
    data = {"code": "NEW", "name": "Nội dung mới", "rule_kind": "rate_cap", "rate_percent": "40", "cap_vnd": ""}
    page = client.post(f"/admin/regimes/{regime.id}/categories/new", data=data).get_data(as_text=True)
    assert "Nội dung mới" in page and "alert-danger" in page
    data["cap_vnd"] = "300.000.000"
    assert client.post(f"/admin/regimes/{regime.id}/categories/new", data=data).status_code == 302
    category = db.session.execute(select(SupportCategory).where(SupportCategory.code == "NEW")).scalar_one()
    assert category.cap_vnd == 300_000_000 and category.max_support(1_000_000_000) == 300_000_000
    duplicate = client.post(f"/admin/regimes/{regime.id}/categories/new", data=data)
    assert "alert-danger" in duplicate.get_data(as_text=True)


def test_condition_limit_and_sector_item_edit(client, app, reference):
    _admin(client)
    regime = db.session.execute(select(Regime).where(Regime.code == "TN-25/2025")).scalar_one()
    page = client.post(
        f"/admin/regimes/{regime.id}/conditions/new",
        data={"code": "limit3", "kind": "limit_per_year", "text": "Tối đa"},
    )
    assert "alert-danger" in page.get_data(as_text=True)
    sector = db.session.execute(select(Sector).where(Sector.number == 1)).scalar_one()
    response = client.post(
        f"/admin/sectors/{sector.id}",
        data={"number": "1", "name": "Nông nghiệp", "name_en": "Agriculture (edited)", "version": str(sector.version)},
    )
    assert response.status_code == 302
    assert "Agriculture (edited)" in client.get("/admin/sectors").get_data(as_text=True)
    response = client.post(
        f"/admin/sectors/{sector.id}/items/new", data={"number": "99", "text": "Nội dung ưu tiên bổ sung"}
    )
    assert response.status_code == 302


def test_other_sector_item_is_not_reachable_through_wrong_parent(client, app, reference):
    _admin(client)
    first, second = db.session.execute(select(Sector).order_by(Sector.number).limit(2)).scalars()
    from policies.models import PriorityItem

    item = db.session.execute(select(PriorityItem).where(PriorityItem.sector_id == second.id)).scalars().first()
    assert client.get(f"/admin/sectors/{first.id}/items/{item.id}").status_code == 404


def test_regime_project_rules_are_edited_and_checked(client, app, reference):
    _admin(client)
    regime = db.session.execute(select(Regime).where(Regime.code == "TN-25/2025")).scalar_one()
    form = client.get(f"/admin/regimes/{regime.id}").get_data(as_text=True)
    assert 'value="50, 30, 20"' in form and 'value="15/3, 15/9"' in form
    data = {name: getattr(regime, name) for name in ("code", "title", "start_year", "end_year")}
    data.update(
        version=regime.version,
        supplement_working_days=10,
        tranche_percents="60, 30",
        report_due_dates="31/2",
        final_dossier_days=45,
        reminder_days_before=10,
        inspection_month=11,
        acceptance_rule="points",
        acceptance_share="5/4",
        points_excellent=80,
        points_pass=90,
        acceptance_council_min=7,
        acceptance_council_max=5,
        acceptance_quorum="2/3",
        spending_lag_percent=30,
        conflict_years=2,
    )
    refused = client.post(f"/admin/regimes/{regime.id}", data=data)
    page = refused.get_data(as_text=True)
    assert 'value="60, 30"' in page  # shown again with what was typed
    for message in (
        "The percents must be positive and add up to 100.",
        "A fraction between 0 and 1, e.g. 3/4.",
        "Day/month pairs separated by commas, e.g. 15/3, 15/9.",
        "The pass mark cannot be above the excellent mark.",
        "The most members cannot be fewer than the fewest.",
    ):
        assert vi_text(app, message) in page
    db.session.expire_all()
    assert db.session.get(Regime, regime.id).tranche_percents == "50, 30, 20"
    data.update(
        tranche_percents="40, 40, 20",
        report_due_dates="30/6, 31/12",
        acceptance_share="2/3",
        points_pass=55,
        acceptance_council_max=9,
    )
    assert client.post(f"/admin/regimes/{regime.id}", data=data).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Regime, regime.id)
    assert saved.tranche_split == [40, 40, 20] and saved.report_dates == [(30, 6), (31, 12)]
    assert (saved.final_dossier_days, saved.acceptance_rule, saved.points_pass) == (45, "points", 55)
    assert (saved.acceptance_council_min, saved.acceptance_council_max, saved.spending_lag_percent) == (7, 9, 30)
    assert saved.conflict_years == 2
