"""The department's lists across every project, on their pages and in their exports, filtered by year, kind (or
state) and regime: the ledger of every movement of money, the tranches (payments and settlements), the periodic
reports (those overdue among them)."""

import csv
import io
from datetime import date, timedelta

from openpyxl import load_workbook
from sqlalchemy import select, update

from core.extensions import db
from core.formatting import local_today
from projects.contracts.queries import load_project
from projects.followup.models import PeriodicReport
from projects.money import services as money
from tests.conftest import login
from tests.factories import make_call, make_organization, make_project, make_user


def _paid_world(app):
    """Two projects of one host: the first with its first tranche paid on 1/2/2026, its second requested and its
    reports due from next month on; the second with its first report three days overdue."""
    staff = make_user("staff@s.vn", roles=("staff",))
    finance = make_user("finance@s.vn", roles=("finance",))
    host = make_user("an@org.vn", organization=make_organization(name="Công ty Đồng Lúa"))
    with app.test_request_context():
        call = make_call()
        paid = make_project(host, staff=staff, call=call, contract_number="7/2026/HĐ-KHCN")
        late = make_project(host, staff=staff, call=call, contract_number="8/2026/HĐ-KHCN")
        project = load_project(paid.id)
        first, second = project.tranches[:2]
        first.status = "approved"
        money.pay_tranche(first, project, date(2026, 2, 1), first.amount_vnd, "UNC 0042", finance)
        second.status = "requested"
    overdue = local_today() - timedelta(days=3)
    for report in db.session.execute(select(PeriodicReport)).scalars():
        report.due_on = local_today() + timedelta(days=30 + 90 * report.sequence)
    db.session.execute(
        update(PeriodicReport)
        .where(PeriodicReport.project_id == late.id, PeriodicReport.sequence == 1)
        .values(due_on=overdue)
    )
    db.session.commit()
    client = app.test_client()
    assert login(client, staff.email).status_code == 302
    return client, paid, late, first, overdue


def test_the_ledger_lists_every_projects_movements_by_kind_and_year(app, reference):
    client, paid, other, first, _ = _paid_world(app)

    page = client.get("/staff/ledger").get_data(as_text=True)
    body = page[page.index("<tbody>") :]
    assert body.index("UNC 0042") < body.index("</tr>")  # the payment, the newest, first
    assert page.count(f'href="/projects/{other.id}#ledger"') == 1  # its commitment
    payments = client.get("/staff/ledger?kind=payment&year=2026").get_data(as_text=True)
    assert "UNC 0042" in payments and f'href="/projects/{other.id}#ledger"' not in payments
    assert "UNC 0042" not in client.get("/staff/ledger?kind=payment&year=2025").get_data(as_text=True)
    assert 'href="/staff/ledger.xlsx?year=2026&amp;kind=payment"' in payments  # the download keeps the filters

    sheet = load_workbook(io.BytesIO(client.get("/staff/ledger.xlsx?year=2026&kind=payment").data)).worksheets[0]
    assert sheet["A1"].value.startswith("Sổ theo dõi kinh phí các dự án · Năm: 2026; Loại: ")
    assert sheet.max_row == 3 and sheet["B3"].value == paid.code and sheet["G3"].value == "UNC 0042"
    assert (sheet["F3"].value, sheet["F3"].number_format) == (first.amount_vnd, '#,##0 "₫"')


def test_payments_and_settlements_list_every_tranche_by_state_and_year_of_payment(app, reference):
    client, paid, late, first, _ = _paid_world(app)

    page = client.get("/staff/tranches").get_data(as_text=True)
    assert (
        page.count(f'href="/projects/{paid.id}#tranches"') == 3
        and page.count(f'href="/projects/{late.id}#tranches"') == 3
    )
    assert "UNC 0042" in page and "01/02/2026" in page
    requested = client.get("/staff/tranches?kind=requested").get_data(as_text=True)
    assert requested.count("#tranches") == 1 and "UNC 0042" not in requested
    assert "UNC 0042" in client.get("/staff/tranches?kind=paid&year=2026").get_data(as_text=True)
    assert "UNC 0042" not in client.get("/staff/tranches?year=2025").get_data(as_text=True)
    assert 'href="/staff/tranches.xlsx?year=2026&amp;kind=paid"' in client.get(
        "/staff/tranches?kind=paid&year=2026"
    ).get_data(as_text=True)
    assert client.get("/staff/tranches?kind=nonsense&year=abc&regime=x").status_code == 200  # unknown filters ignored

    sheet = load_workbook(io.BytesIO(client.get("/staff/tranches.xlsx?kind=paid").data)).worksheets[0]
    assert sheet["A1"].value.startswith("Cấp và quyết toán kinh phí · Trạng thái: Đã chi")
    header = [cell.value for cell in sheet[2]]
    row = dict(zip(header, (cell for cell in sheet[3]), strict=True))
    assert sheet.max_row == 3 and row["Mã dự án"].value == paid.code and row["Số hợp đồng"].value == "7/2026/HĐ-KHCN"
    assert (row["Số tiền đã thanh toán (VNĐ)"].value, row["Số tiền đã thanh toán (VNĐ)"].number_format) == (
        first.amount_vnd,
        '#,##0 "₫"',
    )
    assert row["Ngày chi"].value.date() == date(2026, 2, 1) and row["Ngày chi"].number_format == "dd/mm/yyyy"

    lines = list(csv.reader(io.StringIO(client.get("/staff/tranches.csv?kind=requested").data.decode("utf-8-sig"))))
    assert len(lines) == 2 and lines[1][0] == paid.code and lines[1][4] == "2"


def test_periodic_reports_list_those_overdue_and_every_state(app, reference):
    client, paid, late, _, overdue = _paid_world(app)

    everything = client.get("/staff/periodic-reports").get_data(as_text=True)
    assert everything.count(f'href="/projects/{paid.id}"') == everything.count(f'href="/projects/{late.id}"') >= 2
    overdue_page = client.get("/staff/periodic-reports?kind=late").get_data(as_text=True)
    report_id = db.session.execute(
        select(PeriodicReport.id).where(PeriodicReport.project_id == late.id, PeriodicReport.sequence == 1)
    ).scalar_one()
    assert f'href="/projects/{late.id}/reports/{report_id}"' in overdue_page
    assert f'href="/projects/{paid.id}"' not in overdue_page and overdue.strftime("%d/%m/%Y") in overdue_page
    # The monitoring's panel of overdue reports leads to the whole list.
    assert 'href="/staff/periodic-reports?kind=late"' in client.get("/staff/projects").get_data(as_text=True)

    sheet = load_workbook(io.BytesIO(client.get("/staff/periodic-reports.xlsx?kind=late").data)).worksheets[0]
    assert sheet["A1"].value.startswith("Báo cáo định kỳ · Trạng thái: Quá hạn")
    assert sheet.max_row == 3 and sheet["A3"].value == late.code and sheet["E3"].value.date() == overdue
    assert client.get("/staff/periodic-reports.csv?kind=accepted").data.decode("utf-8-sig").count("\n") == 1  # header
