"""Rules with one source: the figures' defaults are written only in policies/data, the regimes' lists are typed and
parsed once (by the admin form), and the public holidays are seeded once per year without undoing an admin's edits."""

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlalchemy import delete, extract, func, select, text

from core.extensions import db
from policies import loader
from policies.evaluation import EvaluationRule
from policies.loader import evaluation_rule_defaults, load_reference_data, regime_defaults
from policies.models import PublicHoliday, Regime
from tests.conftest import login
from tests.factories import make_user

DATA = Path(loader.__file__).resolve().parent / "data"


def _admin(client):
    make_user("admin@s.vn", roles=("admin",), locale="en")
    db.session.commit()
    login(client, "admin@s.vn")


def _holidays(year: int) -> dict[date, str]:
    db.session.expire_all()
    statement = select(PublicHoliday.day, PublicHoliday.name).where(extract("year", PublicHoliday.day) == year)
    return dict(db.session.execute(statement).all())


@pytest.mark.parametrize(("model", "defaults"), [(Regime, regime_defaults), (EvaluationRule, evaluation_rule_defaults)])
def test_the_models_default_no_figure(model, defaults):
    for name in defaults():
        column = model.__table__.c[name]
        assert column.default is None and column.server_default is None, name


def test_seeded_records_and_new_forms_take_the_yaml_figures(client, app, tmp_path, monkeypatch):
    """Changing a figure in the yaml alone changes what is seeded and what a new record's form proposes."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    regimes = yaml.safe_load((data / "regimes.yaml").read_text(encoding="utf-8"))
    regimes["defaults"].update(supplement_working_days=12, tranche_split=[70, 30], report_dates=[[30, 6]])
    (data / "regimes.yaml").write_text(yaml.safe_dump(regimes, allow_unicode=True), encoding="utf-8")
    evaluation = yaml.safe_load((data / "evaluation.yaml").read_text(encoding="utf-8"))
    evaluation["rule_defaults"].update(pass_threshold=65, quorum_share="3/5")
    (data / "evaluation.yaml").write_text(yaml.safe_dump(evaluation, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(loader, "DATA", data)
    _admin(client)
    page = client.get("/admin/evaluation-rules/new").get_data(as_text=True)  # no rule yet to start from
    assert 'value="65"' in page and 'value="3/5"' in page and 'name="required_roles-reviewer"' in page
    page = client.get("/admin/regimes/new").get_data(as_text=True)
    assert 'name="tranche_percents"' in page and 'value="70, 30"' in page and 'value="30/6"' in page
    assert 'value="12"' in page
    load_reference_data()
    db.session.commit()
    for regime in db.session.execute(select(Regime)).scalars():
        assert (regime.supplement_working_days, regime.tranche_split, regime.report_dates) == (12, [70, 30], [(30, 6)])
    rule = db.session.execute(select(EvaluationRule)).scalar_one()
    assert (rule.pass_threshold, rule.quorum_share, rule.council_min_size) == (65, "3/5", 7)


def test_the_lists_are_stored_typed_and_read_without_parsing(app, reference):
    regime = db.session.execute(select(Regime).where(Regime.code == "TN-25/2025")).scalar_one()
    assert regime.tranche_split == [50, 30, 20] and regime.report_dates == [(15, 3), (15, 9)]
    assert regime.tranche_percents == "50, 30, 20"
    stored = db.session.execute(
        text("SELECT tranche_split, report_dates FROM regimes WHERE id = :id"), {"id": regime.id}
    )
    split, dates = stored.one()
    parsed = [yaml.safe_load(value) if isinstance(value, str) else value for value in (split, dates)]
    assert parsed == [[50, 30, 20], [[15, 3], [15, 9]]]  # JSON, not text to split
    regime.report_dates = [[15, 9], [31, 12], [15, 3]]  # any order in, the year's order kept
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Regime, regime.id).report_dates == [(15, 3), (15, 9), (31, 12)]


def test_the_admin_form_parses_the_lists_once(client, app, reference):
    _admin(client)
    regime = db.session.execute(select(Regime).where(Regime.code == "LA-03/2021")).scalar_one()
    form = {name: getattr(regime, name) for name in ("code", "title", "start_year", "end_year", "version")}
    form.update(
        {name: getattr(regime, name) for name in regime_defaults() if name not in ("tranche_split", "report_dates")}
    )
    form.update(tranche_percents="40; 60", report_due_dates="15/9; 29/2")
    assert client.post(f"/admin/regimes/{regime.id}", data=form).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Regime, regime.id)
    assert saved.tranche_split == [40, 60] and saved.report_dates == [(29, 2), (15, 9)]
    page = client.get(f"/admin/regimes/{regime.id}").get_data(as_text=True)
    assert 'value="40, 60"' in page and 'value="29/2, 15/9"' in page
    refused = client.post(
        f"/admin/regimes/{regime.id}", data={**form, "version": saved.version, "tranche_percents": "a, b"}
    )
    page = refused.get_data(as_text=True)
    assert "Whole percents separated by commas, e.g. 50, 30, 20." in page and 'value="a, b"' in page
    empty = client.post(f"/admin/regimes/{regime.id}", data={**form, "version": saved.version, "report_due_dates": ""})
    assert "This field is required." in empty.get_data(as_text=True)


def test_holidays_are_seeded_once_a_year_and_admin_edits_survive(app, reference):
    seeded = yaml.safe_load((DATA / "holidays.yaml").read_text(encoding="utf-8"))["holidays"]
    assert len(seeded) == db.session.execute(select(func.count()).select_from(PublicHoliday)).scalar()
    days = _holidays(2026) | _holidays(2027)
    for fixed in (date(2026, 1, 1), date(2026, 4, 30), date(2026, 5, 1), date(2026, 9, 2), date(2027, 9, 2)):
        assert fixed in days
    assert sum(1 for day in _holidays(2026) if day.month == 9) == 2  # 2/9 and a day next to it
    tet_2026 = [day for day, name in _holidays(2026).items() if name.startswith("Tết Nguyên đán")]
    assert sorted(tet_2026) == [date(2026, 2, day) for day in range(16, 21)] and date(2026, 2, 17) in tet_2026
    assert sum(1 for name in _holidays(2027).values() if name.startswith("Tết Nguyên đán")) == 5
    assert (
        date(2027, 2, 6) in days
        and days[date(2026, 4, 26)] == days[date(2027, 4, 16)] == "Giỗ Tổ Hùng Vương (10/3 âm lịch)"
    )
    # An administrator moves a day, deletes one and adds the government's extra day: loading again changes nothing.
    moved = db.session.execute(select(PublicHoliday).where(PublicHoliday.day == date(2027, 9, 3))).scalar_one()
    moved.day = date(2027, 9, 1)
    db.session.execute(delete(PublicHoliday).where(PublicHoliday.day == date(2026, 4, 27)))
    db.session.add(PublicHoliday(day=date(2026, 1, 2), name="Nghỉ hoán đổi Tết Dương lịch"))
    db.session.commit()
    before = _holidays(2026) | _holidays(2027)
    assert load_reference_data()["holidays"] == 0
    db.session.commit()
    assert _holidays(2026) | _holidays(2027) == before
    # A year the table holds nothing of is seeded again.
    db.session.execute(delete(PublicHoliday).where(PublicHoliday.day >= date(2027, 1, 1)))
    db.session.commit()
    assert load_reference_data()["holidays"] == sum(1 for row in seeded if row["day"].year == 2027)
    db.session.commit()
    assert date(2027, 9, 3) in _holidays(2027) and date(2026, 4, 27) not in _holidays(2026)
