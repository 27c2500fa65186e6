"""The staff lists as files staff can work in: the application queue and the project monitoring in Excel and CSV,
with the page's filters applied and named in the title row, a frozen header with a filter, column widths, money as
numbers in a VND format, dates as dates, and what users typed kept as text (never a formula)."""

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from core.extensions import db
from projects.contracts.models import Project
from tests.conftest import login
from tests.factories import make_call, make_organization, make_project, make_user, make_valid_proposal

TYPED = '=HYPERLINK("http://ví-dụ.vn")'  # what a user may type as a title


@pytest.fixture
def world(app, reference):
    staff = make_user("staff@s.vn", roles=("staff",))
    english = make_user("en@s.vn", roles=("leader",), locale="en")
    host = make_user("an@org.vn", organization=make_organization(name="Công ty Đồng Lúa"))
    with app.test_request_context():
        call = make_call(code="XC-2026-01")
        valid = make_valid_proposal(call, host, title=TYPED)
        checked = make_valid_proposal(call, host, title="Ứng dụng đèn LED")
        checked.status = "submitted"
        on_track = make_project(host, staff=staff, call=call, contract_number="7/2026/HĐ-KHCN")
        late = make_project(host, staff=staff, call=call, contract_number="8/2026/HĐ-KHCN")
    db.session.execute(update(Project).where(Project.id == late.id).values(health="overdue"))
    db.session.commit()
    return {"staff": staff, "english": english, "call": call, "valid": valid, "on_track": on_track, "late": late}


def _client(app, user):
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


def test_the_queue_in_excel_with_its_filters(app, world):
    call, valid = world["call"], world["valid"]
    response = _client(app, world["staff"]).get(f"/staff/calls/{call.id}/applications.xlsx?status=valid&sort=code")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert response.headers["Content-Disposition"] == "attachment; filename=ho-so-XC-2026-01.xlsx"
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    title = sheet["A1"].value
    assert title.startswith("Danh sách hồ sơ đợt XC-2026-01 · Trạng thái: Hợp lệ · xuất lúc ") and sheet["A1"].font.bold
    assert [cell.value for cell in sheet[2]][:3] == ["Mã hồ sơ", "Tên dự án", "Tổ chức"]
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref == "A2:J3"  # the header and the one valid row
    assert sheet.column_dimensions["B"].width == 60
    row = [cell for cell in sheet[3]]
    assert row[0].value == valid.reference_code
    assert (row[1].value, row[1].data_type) == (TYPED, "s")  # text, not a formula
    assert row[2].value == "Công ty Đồng Lúa"
    assert isinstance(row[6].value, datetime) and row[6].number_format == "dd/mm/yyyy"
    assert (row[8].value, row[8].number_format) == (valid.support_total_vnd, '#,##0 "₫"')


def test_the_monitoring_in_csv_and_in_english(app, world):
    staff, late = world["staff"], world["late"]
    response = _client(app, staff).get("/staff/projects.csv?health=overdue")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == "attachment; filename=du-an.csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:2] == ["Mã dự án", "Số hợp đồng"] and len(rows) == 2  # the header and the overdue project
    assert rows[1][0] == late.code and rows[1][9] == "Quá hạn"
    assert rows[1][10] == late.start_on.strftime("%d/%m/%Y") and rows[1][12] == str(late.approved_vnd)

    english = _client(app, world["english"]).get(f"/staff/projects.xlsx?call={world['call'].id}")
    sheet = load_workbook(io.BytesIO(english.data)).worksheets[0]
    assert sheet["A1"].value.startswith("List of projects · Call: XC-2026-01 · exported ")
    assert [cell.value for cell in sheet[2]][:2] == ["Project code", "Contract number"]
    assert sheet.max_row == 4 and sheet.auto_filter.ref == "A2:O4"  # both projects, soonest end first
    assert isinstance(sheet["K3"].value, datetime) and sheet["K3"].value.date() == date(2026, 1, 1)


def test_a_typed_formula_is_neutralized_in_csv(app, world):
    call = world["call"]
    text = _client(app, world["staff"]).get(f"/staff/calls/{call.id}/applications.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert [row[1] for row in rows if row[1].endswith('vn")')] == ["'" + TYPED]
    assert len(rows) == 5  # every submitted application (the projects' two too), no filter
