"""Told what waits: a host requests a tranche; the staff member sees the bell rise, opens the notice and approves;
finance finds the payment waiting on their home page and records it; the host is told, by notice and by mail."""

from playwright.sync_api import Page, expect
from sqlalchemy import select

from core.extensions import db
from core.formatting import to_local, utcnow
from notifications.models import Notification
from projects.contracts.models import Tranche
from tests.e2e.conftest import shot
from tests.e2e.test_review_flow import log_in
from tests.factories import PDF_BYTES, make_organization, make_project, make_user


def _as(page: Page, base: str, email: str) -> None:
    page.context.clear_cookies()
    log_in(page, base, email)


def _bell(page: Page) -> object:
    return page.locator("a.bell .bell-count")


def test_a_tranche_request_reaches_staff_then_finance_then_the_host(
    app, reference, smtp_server, live_server: str, page: Page, tmp_path
):
    with app.test_request_context():
        staff = make_user("chuyenvien@skhcn.vn", full_name="Phạm Thu Hà", roles=("staff",))
        make_user("ketoan@skhcn.vn", full_name="Lê Thị Thu", roles=("finance",))
        host = make_user("an@congtyxanh.vn", full_name="Trần Văn An", organization=make_organization("Công ty Xanh"))
        project = make_project(host, staff, title="Tưới nhỏ giọt thông minh cho thanh long")
        db.session.commit()
    project_url = f"{live_server}/projects/{project.id}"
    pdf = tmp_path / "chung-tu.pdf"
    pdf.write_bytes(PDF_BYTES)

    _as(page, live_server, "chuyenvien@skhcn.vn")
    expect(_bell(page)).to_have_count(0)  # nothing waits for staff yet

    _as(page, live_server, "an@congtyxanh.vn")
    page.goto(project_url)
    row = page.locator("tr.tranche-1")
    row.locator("textarea[name=note]").fill("Tạm ứng đợt 1 theo hợp đồng")
    row.locator("input[type=file]").set_input_files(str(pdf))
    row.locator("button.btn-primary").click()
    expect(page.locator(".alert-success").first).to_be_visible()

    _as(page, live_server, "chuyenvien@skhcn.vn")
    expect(_bell(page)).to_have_text("1")
    shot(page, "60-staff-bell")
    page.locator("a.bell").click()
    notice = page.locator("ul.notices li.notice-unread")
    expect(notice).to_contain_text(f"{project.code}: đã đề nghị cấp kinh phí đợt 1")
    shot(page, "61-staff-notices")
    notice.locator("button").click()
    expect(page).to_have_url(project_url)
    expect(_bell(page)).to_have_count(0)  # opened, so read
    page.locator("tr.tranche-1 button.btn-success").click()
    expect(page.locator(".alert-success").first).to_be_visible()

    _as(page, live_server, "ketoan@skhcn.vn")
    page.goto(live_server + "/me")
    waiting = page.locator("#queue-tranches_to_pay")
    expect(waiting).to_contain_text(project.code)
    shot(page, "62-finance-home")
    waiting.locator(f"a[href*='/projects/{project.id}/tranches/']").first.click()
    page.fill("#paid_on", to_local(utcnow()).date().strftime("%d/%m/%Y"))
    page.fill("#payment_reference", "UNC-1")
    page.locator("form button.btn-primary").click()
    expect(page.locator(".alert-success").first).to_be_visible()

    _as(page, live_server, "an@congtyxanh.vn")
    expect(_bell(page)).to_be_visible()
    page.locator("a.bell").click()
    expect(page.locator("ul.notices")).to_contain_text(f"{project.code}: đã chi trả kinh phí đợt 1")
    shot(page, "63-host-notified")

    tranche = db.session.execute(select(Tranche).where(Tranche.project_id == project.id, Tranche.position == 1))
    assert tranche.scalar_one().status == "paid"
    paid = select(Notification).where(Notification.user_id == host.id, Notification.event == "tranche.paid")
    assert db.session.execute(paid).scalar_one().mail == "sent"
