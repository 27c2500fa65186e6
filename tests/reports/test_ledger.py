"""The department's ledger: every project's movements of money, newest first, filtered by year, kind and regime,
on its page and in its export."""

import io
from datetime import date

from openpyxl import load_workbook

from core.extensions import db
from projects.contracts.queries import load_project
from projects.money import services as money
from tests.conftest import login
from tests.factories import make_call, make_organization, make_project, make_user


def test_the_ledger_lists_every_projects_movements_by_kind_and_year(app, reference):
    staff = make_user("staff@s.vn", roles=("staff",))
    finance = make_user("finance@s.vn", roles=("finance",))
    host = make_user("an@org.vn", organization=make_organization(name="Công ty Đồng Lúa"))
    with app.test_request_context():
        call = make_call()
        paid = make_project(host, staff=staff, call=call, contract_number="7/2026/HĐ-KHCN")
        other = make_project(host, staff=staff, call=call, contract_number="8/2026/HĐ-KHCN")
        project = load_project(paid.id)
        first = project.tranches[0]
        first.status = "approved"
        money.pay_tranche(first, project, date(2026, 2, 1), first.amount_vnd, "UNC 0042", finance)
    db.session.commit()
    client = app.test_client()
    assert login(client, staff.email).status_code == 302

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
