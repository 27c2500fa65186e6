"""Reference data, calls: create, edit, publish, close, extend; public pages."""

from datetime import timedelta
from pathlib import Path

import yaml
from sqlalchemy import func, select

from core.extensions import db
from core.formatting import utcnow
from core.models import AuditEvent
from policies.loader import load_reference_data
from policies.models import Call, CallDocument, PriorityItem, Regime, Sector, SupportCategory
from tests.conftest import login
from tests.factories import make_call, make_user

SEED = Path(__file__).resolve().parents[2] / "policies" / "data" / "sources" / "001_47d9b65d9ff46f5e.txt"


def test_reference_data_is_idempotent_and_verbatim(app, reference):
    assert db.session.execute(select(func.count()).select_from(Sector)).scalar() == 8
    items = db.session.execute(select(func.count()).select_from(PriorityItem)).scalar()
    assert items == 38
    assert set(db.session.execute(select(Regime.code)).scalars()) == {"LA-03/2021", "TN-25/2025"}
    again = load_reference_data()
    assert sum(again.values()) == 0
    assert db.session.execute(select(func.count()).select_from(PriorityItem)).scalar() == items
    seed_lines = {line[2:].strip() for line in SEED.read_text(encoding="utf-8").splitlines() if line.startswith("- ")}
    for text in db.session.execute(select(PriorityItem.text)).scalars():
        assert text in seed_lines
    assert all(db.session.execute(select(PriorityItem.text_en)).scalars())


def test_category_rule_limits(app, reference):
    rate = db.session.execute(select(SupportCategory).where(SupportCategory.rule_kind == "rate_cap")).scalars().first()
    assert rate.max_support(10) == 10 * rate.rate_percent // 100
    assert rate.max_support(10**12) == rate.cap_vnd
    fixed = db.session.execute(select(SupportCategory).where(SupportCategory.rule_kind == "fixed")).scalars().first()
    assert fixed.max_support(1) == fixed.fixed_amount_vnd


def _staff(client):
    make_user("staff@skhcn.vn", roles=("staff",))
    db.session.commit()
    login(client, "staff@skhcn.vn")


def _call_form(**overrides):
    regime = db.session.execute(select(Regime).where(Regime.code == "TN-25/2025")).scalar_one()
    category = (
        db.session.execute(select(SupportCategory).where(SupportCategory.regime_id == regime.id)).scalars().first()
    )
    sector = db.session.execute(select(Sector)).scalars().first()
    data = {
        "regime_id": regime.id,
        "code": "TN-2027-01",
        "title": "Đợt 1 năm 2027",
        "year": "2027",
        "opens_at": "2027-01-05T08:00",
        "closes_at": "2027-03-31T17:00",
        "budget_vnd": "10.000.000.000",
        "category_ids": [category.id],
        "sector_ids": [sector.id],
        "required_documents": "Đơn đề nghị\nThuyết minh",
        "optional_documents": "Ảnh minh họa",
        "guidance": "Hướng dẫn <b>đậm</b>",
    }
    return {**data, **overrides}


def test_staff_create_publish_close_extend(client, app, reference):
    _staff(client)
    response = client.post("/staff/calls/new", data=_call_form())
    assert response.status_code == 302
    call = db.session.execute(select(Call).where(Call.code == "TN-2027-01")).scalar_one()
    assert call.status == "draft" and call.budget_vnd == 10_000_000_000
    assert call.opens_at.hour == 1  # 08:00 in Vietnam is 01:00 UTC
    assert "Thuyết minh" in client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert client.post(f"/staff/calls/{call.id}/transition/open", data={}).status_code == 302
    assert db.session.get(Call, call.id).status == "open"
    # Closing needs a reason.
    client.post(f"/staff/calls/{call.id}/transition/closed", data={"comment": ""})
    assert db.session.get(Call, call.id).status == "open"
    client.post(f"/staff/calls/{call.id}/transition/closed", data={"comment": "Đủ hồ sơ"})
    assert db.session.get(Call, call.id).status == "closed"
    # Extending a closed call reopens it until the new deadline.
    later = (utcnow() + timedelta(days=400)).strftime("%Y-%m-%dT%H:%M")
    assert (
        client.post(
            f"/staff/calls/{call.id}/extend", data={"closes_at": later, "comment": "Gia hạn theo đề nghị"}
        ).status_code
        == 302
    )
    assert db.session.get(Call, call.id).status == "open"
    actions = list(db.session.execute(select(AuditEvent.action).where(AuditEvent.object_type == "call")).scalars())
    assert actions.count("transition") == 3 and "extend" in actions and "create" in actions
    page = client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert "Hướng dẫn &lt;b&gt;đậm&lt;/b&gt;" in page  # user text is escaped


def test_closing_before_opening_is_refused_and_input_kept(client, app, reference):
    _staff(client)
    response = client.post("/staff/calls/new", data=_call_form(closes_at="2027-01-01T08:00"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Đợt 1 năm 2027" in page and "10.000.000.000" in page
    assert db.session.execute(select(func.count()).select_from(Call)).scalar() == 0
    bad_money = client.post("/staff/calls/new", data=_call_form(budget_vnd="mười tỷ")).get_data(as_text=True)
    assert "mười tỷ" in bad_money


def test_category_must_belong_to_regime(client, app, reference):
    _staff(client)
    legacy = db.session.execute(select(Regime).where(Regime.code == "LA-03/2021")).scalar_one()
    foreign = (
        db.session.execute(select(SupportCategory).where(SupportCategory.regime_id == legacy.id)).scalars().first()
    )
    client.post("/staff/calls/new", data=_call_form(category_ids=[foreign.id]))
    assert db.session.execute(select(func.count()).select_from(Call)).scalar() == 0


def test_duplicate_call_code_and_stale_edit(client, app, reference):
    _staff(client)
    other = make_call(code="TN-2027-01")
    db.session.commit()
    page = client.post("/staff/calls/new", data=_call_form()).get_data(as_text=True)
    assert "alert-danger" in page
    call = make_call(code="TN-2027-02")
    db.session.commit()
    version = str(call.version)
    first = client.post(
        f"/staff/calls/{call.id}/edit", data=_call_form(code="TN-2027-02", title="Tiêu đề A", version=version)
    )
    assert first.status_code == 302
    second = client.post(
        f"/staff/calls/{call.id}/edit", data=_call_form(code="TN-2027-02", title="Tiêu đề B", version=version)
    )
    assert second.status_code == 409
    assert "Tiêu đề A" in second.get_data(as_text=True) and "Tiêu đề B" in second.get_data(as_text=True)
    assert db.session.get(Call, call.id).title == "Tiêu đề A"
    assert other.code == "TN-2027-01"


def test_public_list_hides_drafts_and_search_ignores_diacritics(client, app, reference):
    make_call(code="TN-A", title="Hỗ trợ đổi mới công nghệ Đức Hòa")
    draft = make_call(code="TN-DRAFT", status="draft", title="Bản nháp bí mật")
    make_call(code="TN-OLD", status="closed", title="Đợt cũ")
    db.session.commit()
    page = client.get("/calls").get_data(as_text=True)
    assert "TN-A" in page and "TN-OLD" in page and "TN-DRAFT" not in page
    assert client.get(f"/calls/{draft.id}").status_code == 404
    found = client.get("/calls?q=doi moi cong nghe duc hoa").get_data(as_text=True)
    assert "TN-A" in found and "TN-OLD" not in found
    open_only = client.get("/calls?phase=open").get_data(as_text=True)
    assert "TN-A" in open_only and "TN-OLD" not in open_only


def test_home_shows_open_calls_and_rules(client, app, reference):
    make_call(code="TN-HOME", title="Đợt đang mở")
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Đợt đang mở" in page and "₫" in page
    assert "Nông nghiệp" in client.get("/sectors").get_data(as_text=True)
    support = client.get("/support").get_data(as_text=True)
    assert "LA-03/2021" in support and "TN-25/2025" in support


def test_reference_yaml_is_well_formed():
    data = yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "policies" / "data" / "regimes.yaml").read_text(encoding="utf-8")
    )
    for regime in data["regimes"]:
        for category in regime["categories"]:
            assert category["rule_kind"] in ("rate_cap", "fixed")


def test_missing_closing_time_needs_rolling(client, app, reference):
    _staff(client)
    page = client.post("/staff/calls/new", data=_call_form(closes_at="")).get_data(as_text=True)
    assert "invalid-feedback" in page
    assert db.session.execute(select(func.count()).select_from(Call)).scalar() == 0
    assert client.post("/staff/calls/new", data=_call_form(closes_at="", rolling="y")).status_code == 302
    call = db.session.execute(select(Call)).scalar_one()
    call.status = "open"
    assert call.is_rolling and call.is_accepting(call.opens_at + timedelta(days=3650))


def test_renaming_a_checklist_entry_keeps_its_row(client, app, reference):
    _staff(client)
    client.post("/staff/calls/new", data=_call_form())
    call = db.session.execute(select(Call).where(Call.code == "TN-2027-01")).scalar_one()
    before = {
        d.name: d.id for d in db.session.execute(select(CallDocument).where(CallDocument.call_id == call.id)).scalars()
    }
    form = _call_form(required_documents="Đơn đề nghị hỗ trợ (mẫu 01)\nThuyết minh", version=str(call.version))
    assert client.post(f"/staff/calls/{call.id}/edit", data=form).status_code == 302
    db.session.expire_all()
    after = {
        d.name: d.id for d in db.session.execute(select(CallDocument).where(CallDocument.call_id == call.id)).scalars()
    }
    # Files attached to "Đơn đề nghị" stay attached to the renamed entry; the unchanged ones keep their rows.
    assert after == {
        "Đơn đề nghị hỗ trợ (mẫu 01)": before["Đơn đề nghị"],
        "Thuyết minh": before["Thuyết minh"],
        "Ảnh minh họa": before["Ảnh minh họa"],
    }
