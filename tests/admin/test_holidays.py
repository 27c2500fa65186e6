"""Administration → Public holidays: listed by year, added, edited, deleted, audited; working days skip them."""

from datetime import date

from sqlalchemy import select

from core.extensions import db
from core.formatting import add_working_days
from core.models import AuditEvent
from policies.models import PublicHoliday
from policies.services import working_days_after
from tests.conftest import login, vi_text
from tests.factories import make_user


def _admin(client):
    make_user("admin@s.vn", roles=("admin",))
    db.session.commit()
    login(client, "admin@s.vn")


def _on(day: date) -> PublicHoliday | None:
    db.session.expire_all()
    return db.session.execute(select(PublicHoliday).where(PublicHoliday.day == day)).scalar_one_or_none()


def _events(action: str) -> list[AuditEvent]:
    statement = select(AuditEvent).where(AuditEvent.object_type == "public_holiday", AuditEvent.action == action)
    return list(db.session.execute(statement).scalars())


def test_the_list_shows_a_years_holidays_and_is_reached_from_the_menu(client, app, reference):
    _admin(client)
    assert "/admin/holidays" in client.get("/admin/").get_data(as_text=True)
    page = client.get("/admin/holidays?year=2027").get_data(as_text=True)
    assert "06/02/2027" in page and "16/04/2027" in page and "Giỗ Tổ Hùng Vương" in page
    assert "17/02/2026" not in page and 'href="/admin/holidays?year=2026"' in page
    empty = client.get("/admin/holidays?year=2031").get_data(as_text=True)
    assert vi_text(app, "No public holiday is recorded for %(year)d.", year=2031) in empty


def test_add_edit_and_delete_are_audited(client, app, reference):
    _admin(client)
    assert 'name="day"' in client.get("/admin/holidays/new").get_data(as_text=True)
    data = {"day": "24/11/2026", "name": "Ngày Văn hóa Việt Nam", "name_en": "Vietnamese Culture Day"}
    response = client.post("/admin/holidays/new", data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/holidays?year=2026")
    added = _on(date(2026, 11, 24))
    assert added.name == "Ngày Văn hóa Việt Nam" and len(_events("save")) == 1
    edit = client.get(f"/admin/holidays/{added.id}").get_data(as_text=True)
    assert 'value="24/11/2026"' in edit
    data.update(day="23/11/2026", version=str(added.version))
    assert client.post(f"/admin/holidays/{added.id}", data=data).status_code == 302
    assert _on(date(2026, 11, 24)) is None and _on(date(2026, 11, 23)).name_en == "Vietnamese Culture Day"
    stale = client.post(f"/admin/holidays/{added.id}", data={**data, "name": "Tên cũ"})
    assert stale.status_code == 409 and "Tên cũ" in stale.get_data(as_text=True)
    response = client.post(f"/admin/holidays/{added.id}/delete")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/holidays?year=2026")
    assert _on(date(2026, 11, 23)) is None
    deleted = _events("delete")
    assert len(deleted) == 1 and "23/11/2026" in deleted[0].comment


def test_a_bad_or_taken_date_is_refused_with_what_was_typed(client, app, reference):
    _admin(client)
    data = {"day": "31/02/2026", "name": "Ngày không có thật", "name_en": ""}
    response = client.post("/admin/holidays/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert vi_text(app, "Enter a real date as dd/mm/yyyy, for example 02/09/2026.") in page
    assert 'value="31/02/2026"' in page and 'value="Ngày không có thật"' in page
    taken = client.post("/admin/holidays/new", data={**data, "day": "02/09/2026"})
    assert taken.status_code == 400 and 'value="Ngày không có thật"' in taken.get_data(as_text=True)
    assert vi_text(app, "Another public holiday is already on this date.") in taken.get_data(as_text=True)
    assert _on(date(2026, 9, 2)).name == "Quốc khánh"


def test_working_days_skip_weekends_and_holidays():
    wednesday = date(2026, 4, 29)
    assert add_working_days(wednesday, 2) == date(2026, 5, 1)
    # Thursday 30/4 and Friday 1/5 are holidays, then a weekend: two working days end on Tuesday 5/5.
    assert add_working_days(wednesday, 2, frozenset({date(2026, 4, 30), date(2026, 5, 1)})) == date(2026, 5, 5)
    assert add_working_days(wednesday, 0, frozenset({wednesday})) == wednesday


def test_working_days_after_reads_the_table(app, reference):
    friday = date(2026, 2, 13)
    # Tết 2026: Monday 16/2 to Friday 20/2 are off, so three working days after Friday 13/2 end on Wednesday 25/2.
    assert working_days_after(friday, 3) == date(2026, 2, 25)
    assert add_working_days(friday, 3) == date(2026, 2, 18)
    # Sunday 26/4/2026 (Giỗ Tổ Hùng Vương) is made up on Monday 27/4; 30/4 and 1/5 follow: Tuesday 28/4,
    # Wednesday 29/4 and Monday 4/5 are the three working days after Friday 24/4.
    assert working_days_after(date(2026, 4, 24), 3) == date(2026, 5, 4)
    db.session.delete(_on(date(2026, 4, 27)))  # an administrator deletes the day in lieu: it is worked again
    db.session.commit()
    assert working_days_after(date(2026, 4, 24), 3) == date(2026, 4, 29)
    # A deadline far ahead still sees every holiday on its way.
    assert working_days_after(date(2026, 1, 2), 250) == add_working_days(
        date(2026, 1, 2), 250, frozenset(db.session.execute(select(PublicHoliday.day)).scalars())
    )
