"""One funded project from approval to a closed file: staff record the contract, two tranches are requested,
approved and paid, a periodic report is returned then accepted, an extension is approved, the host submits the final
dossier, an acceptance council rates it Đạt, the result is registered and the contract liquidated."""

import subprocess
from datetime import date, timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from core.extensions import db
from core.formatting import format_money, to_local, utcnow
from projects.contracts.models import Project, Tranche
from tests.documents import docx_text, pdf_text
from tests.e2e.conftest import SCREENSHOTS, shot
from tests.e2e.test_review_flow import log_in
from tests.factories import PDF_BYTES, make_call, make_organization, make_user, make_valid_proposal

MEMBERS = (
    ("chu.tich@dhct.edu.vn", "Trần Quốc Hùng", "chair"),
    ("pho@vienccq.vn", "Lê Thị Mai", "vice_chair"),
    ("phan.bien@hcmuaf.edu.vn", "Phạm Minh Khoa", "reviewer"),
    ("thu.ky@sonnptnt.vn", "Võ Thanh Tâm", "scientific_secretary"),
    ("uy.vien@vienkttl.vn", "Nguyễn Thị Lan", "member"),
)


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _as(page: Page, base: str, email: str) -> None:
    page.context.clear_cookies()
    log_in(page, base, email)


def _flash_ok(page: Page) -> None:
    """The action succeeded: its flash is shown (a page may also show a lasting success notice) and no error."""
    expect(page.locator(".alert-success").first).to_be_visible()
    expect(page.locator(".alert-danger")).to_have_count(0)


def _print_the_contract(page: Page, tmp_path) -> None:
    """From the project's documents: the contract's print view (A4, no site chrome), then its PDF, whose first page is
    kept as a picture (pdftoppm), and its Word file."""
    page.locator("#official-documents a", has_text="Xem và in").last.click()
    expect(page.locator("h1").first).to_have_text("HỢP ĐỒNG THỰC HIỆN NHIỆM VỤ KHOA HỌC VÀ CÔNG NGHỆ")
    expect(page.locator(".letterhead")).to_contain_text("Số: 07/2025/HĐ-KHCN")
    expect(page.locator("nav")).to_have_count(0)
    shot(page, "51a-contract-print")
    files = {}
    for link in ("a.download-pdf", "a.download-docx"):
        with page.expect_download() as download:
            page.locator(link).click()
        files[link] = tmp_path / download.value.suggested_filename
        download.value.save_as(files[link])
    assert " ".join(pdf_text(files["a.download-pdf"].read_bytes()).split()).count("07/2025/HĐ-KHCN") >= 2
    assert "ĐẠI DIỆN BÊN A" in docx_text(files["a.download-docx"].read_bytes())
    SCREENSHOTS.mkdir(exist_ok=True)
    first_page = SCREENSHOTS / "51b-contract-pdf-page-1"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-singlefile", "-f", "1", str(files["a.download-pdf"]), str(first_page)],
        check=True,
    )
    assert first_page.with_suffix(".png").stat().st_size > 10_000


def test_project_from_contract_to_closed_file(app, reference, smtp_server, live_server: str, page: Page, tmp_path):
    today = to_local(utcnow()).date()
    start = today - timedelta(days=400)
    with app.test_request_context():
        make_user("chuyenvien@skhcn.vn", full_name="Phạm Thu Hà", roles=("staff",))
        make_user("ketoan@skhcn.vn", full_name="Lê Thị Thu", roles=("finance",))
        make_user("giamdoc@skhcn.vn", full_name="Lê Minh Tuấn", roles=("leader",))
        host = make_user(
            "an@congtyxanh.vn", full_name="Trần Văn An", organization=make_organization("Công ty TNHH Nông nghiệp Xanh")
        )
        proposal = make_valid_proposal(
            make_call(code="XC-2025-01"), host, title="Tưới nhỏ giọt thông minh cho thanh long"
        )
        proposal.status = "approved"
        for email, name, _role in MEMBERS:
            make_user(email, full_name=name, roles=("reviewer",))
        db.session.commit()
    proposal_id = proposal.id
    pdf = tmp_path / "chung-tu.pdf"
    pdf.write_bytes(PDF_BYTES)
    base = live_server

    # Staff record the contract; the regime's split 50/30/20 is pre-filled.
    _as(page, base, "chuyenvien@skhcn.vn")
    page.goto(base + "/staff/contracts")
    page.locator(f"a[href='/staff/applications/{proposal_id}/contract']").click()
    page.fill("#contract_number", "07/2025/HĐ-KHCN")
    for field, day in (("#signed_on", start), ("#start_on", start), ("#end_on", today + timedelta(days=20))):
        page.fill(field, _d(day))
    page.fill("#agency_signer", "Giám đốc Sở KH&CN")
    expect(page.locator("#tranches-0-percent")).to_have_value("50")
    shot(page, "50-contract-form")
    page.locator("form button.btn-primary").click()
    _flash_ok(page)
    project = db.session.execute(select(Project)).scalar_one()
    project_url = f"{base}/projects/{project.id}"
    shot(page, "51-project-contracted")
    _print_the_contract(page, tmp_path)
    page.goto(project_url)
    page.locator("form.action-in_progress button").click()
    _flash_ok(page)

    def request_tranche(position: int, note: str) -> None:
        _as(page, base, "an@congtyxanh.vn")
        page.goto(project_url)
        row = page.locator(f"tr.tranche-{position}")
        row.locator("textarea[name=note]").fill(note)
        row.locator("input[type=file]").set_input_files(str(pdf))
        row.locator("button.btn-primary").click()
        _flash_ok(page)
        _as(page, base, "chuyenvien@skhcn.vn")
        page.goto(project_url)
        page.locator(f"tr.tranche-{position} button.btn-success").click()
        _flash_ok(page)
        _as(page, base, "ketoan@skhcn.vn")
        page.goto(project_url)
        page.locator(f"tr.tranche-{position} a.btn-primary").click()
        page.fill("#paid_on", _d(today))
        page.fill("#payment_reference", f"UNC-{position}")
        page.locator("form button.btn-primary").click()
        _flash_ok(page)

    request_tranche(1, "Tạm ứng đợt 1 theo hợp đồng")
    expect(page.locator("tr.tranche-1 .badge")).to_have_class("badge state-paid")

    # The host writes the first periodic report; staff return it with comments, then accept the corrected one.
    _as(page, base, "an@congtyxanh.vn")
    page.goto(project_url)
    page.locator("#reports a").first.click()
    page.fill("input[name='packages-0-percent']", "40")
    page.fill("textarea[name='packages-0-done']", "Đã lắp đặt hệ thống tưới tại 2 ha")
    page.fill("input[name='products-0-quantity']", "2")
    page.fill("input[name='spending-0-spent_vnd']", "120.000.000")
    page.locator("button[value=submit]").click()
    _flash_ok(page)
    report_url = page.url
    _as(page, base, "chuyenvien@skhcn.vn")
    page.goto(report_url)
    page.locator("form.action-returned textarea[name=comment]").fill("Bổ sung số liệu tiêu thụ nước")
    page.locator("form.action-returned button").click()
    _flash_ok(page)
    _as(page, base, "an@congtyxanh.vn")
    page.goto(report_url)
    page.fill("#progress", "Đã lắp đặt hệ thống tưới tại 2 ha; tiết kiệm 30% nước")
    page.locator("button[value=submit]").click()
    _flash_ok(page)
    _as(page, base, "chuyenvien@skhcn.vn")
    page.goto(report_url)
    page.locator("form.action-accepted button").click()
    _flash_ok(page)
    shot(page, "52-report-accepted")

    request_tranche(2, "Đợt 2 sau báo cáo định kỳ được chấp nhận")
    shot(page, "53-two-tranches-paid")

    # The host asks for an extension; staff approve it as amendment no. 1.
    new_end = today + timedelta(days=35)
    _as(page, base, "an@congtyxanh.vn")
    page.goto(project_url + "/adjustments/new")
    page.select_option("#kind", "extension")
    page.fill("#reason", "Mưa kéo dài làm chậm lắp đặt")
    page.fill("#new_end_on", _d(new_end))
    page.locator("form button.btn-primary").click()
    _flash_ok(page)
    _as(page, base, "chuyenvien@skhcn.vn")
    page.goto(project_url)
    page.locator("#adjustments a[href*='/adjustments/']").first.click()
    page.locator("form.action-approved button").click()
    _flash_ok(page)
    db.session.expire_all()
    assert db.session.get(Project, project.id).end_on == new_end

    # Staff call for the final dossier; the host submits it.
    page.goto(project_url)
    page.locator("form.action-acceptance_due button").click()
    _flash_ok(page)
    _as(page, base, "an@congtyxanh.vn")
    page.goto(project_url + "/dossier")
    for field, text in (
        ("#final_report", "Báo cáo tổng hợp kết quả"),
        ("#product_report", "02 sản phẩm đạt"),
        ("#financial_report", "Đã chi 350 triệu"),
        ("#self_assessment", "Tự đánh giá: Đạt"),
    ):
        page.fill(field, text)
    page.locator("input[type=file]").set_input_files(str(pdf))
    shot(page, "54-final-dossier")
    page.locator("form button.btn-primary").click()
    _flash_ok(page)

    # Staff form the acceptance council of five and open the rating.
    _as(page, base, "chuyenvien@skhcn.vn")
    page.goto(f"{base}/staff/projects/{project.id}/acceptance-council")
    page.fill("#name", "Hội đồng nghiệm thu dự án tưới thanh long")
    page.select_option("#admin_secretary_id", label="Phạm Thu Hà")
    for index, (email, name, role) in enumerate(MEMBERS):
        page.select_option(f"#members-{index}-user_id", label=f"{name} · {email}")
        page.select_option(f"#members-{index}-role", role)
    page.locator("form button.btn-primary").click()
    _flash_ok(page)
    council_url = page.url
    page.get_by_role("button", name="Mở đánh giá").click()
    _flash_ok(page)

    # Each member declares no conflict of interest, then rates every product and the final report "Đạt" and submits.
    for email, _name, _role in MEMBERS:
        _as(page, base, email)
        page.goto(base + "/acceptance")
        page.locator("a[href$='/rating']").first.click()
        page.locator("input[name=conflicted][value=no]").check()
        if email == MEMBERS[0][0]:
            shot(page, "55-member-declaration")
        page.get_by_role("button", name="Kê khai").click()
        _flash_ok(page)
        submit = page.locator("button[value=submit]")
        expect(submit).to_be_visible()  # the sheet has loaded to its end, so every radio is there to be read
        for radio in page.locator("input[type=radio][value=pass]").all():
            radio.check()
        if email == MEMBERS[0][0]:
            shot(page, "55-member-rating")
        submit.click()
        _flash_ok(page)

    # Staff record attendance and the conclusion: Đạt; the minutes print.
    _as(page, base, "chuyenvien@skhcn.vn")
    page.goto(council_url)
    for box in page.locator("input[name=present]").all():
        box.check()
    page.get_by_role("button", name="Ghi nhận thành viên có mặt").click()
    _flash_ok(page)
    page.fill("#conclusions", "Dự án hoàn thành các sản phẩm theo hợp đồng; đề nghị công nhận kết quả.")
    page.get_by_role("button", name="Ghi nhận kết luận").click()
    _flash_ok(page)
    shot(page, "56-acceptance-concluded")
    page.goto(council_url + "/minutes")
    expect(page.locator("body")).to_contain_text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    shot(page, "57-acceptance-minutes")
    db.session.expire_all()
    assert db.session.get(Project, project.id).grade == "pass"

    # Closing: the result registered; the liquidation is refused while the paid tranches are not settled.
    page.goto(f"{base}/staff/projects/{project.id}/closing")
    _closing_step(page, "registration", {"certificate_number": "15/2026/GCN-KQ", "certificate_on": _d(today)})
    _as(page, base, "giamdoc@skhcn.vn")
    page.goto(f"{base}/staff/projects/{project.id}/closing")
    _closing_step(page, "liquidation", {"liquidation_number": "09/TL-SKHCN", "liquidated_on": _d(today)}, ok=False)
    expect(page.locator("#step-liquidation")).to_contain_text("chưa được quyết toán")
    expect(page.locator("[name=liquidation_number]")).to_have_value("09/TL-SKHCN")  # what was typed is kept
    shot(page, "58-liquidation-refused")

    # Finance settles both tranches by invoices; staff record the final settlement and the assets; then it goes.
    _as(page, base, "ketoan@skhcn.vn")
    for position in (1, 2):
        page.goto(project_url)
        page.locator(f"tr.tranche-{position} a.btn-primary").click()
        page.fill("#settled_on", _d(today))
        page.fill("#invoices_note", f"Hóa đơn đợt {position}")
        page.locator("form button.btn-primary").click()
        _flash_ok(page)
    _as(page, base, "chuyenvien@skhcn.vn")
    page.goto(f"{base}/staff/projects/{project.id}/closing")
    approved = db.session.get(Project, project.id).approved_vnd
    settlement = {"settlement_on": _d(today), "final_settled_vnd": f"{approved:,}", "settlement_note": "Quyết toán"}
    _closing_step(page, "settlement", settlement)
    _closing_step(page, "assets", {"assets_on": _d(today), "assets_note": "Bàn giao hệ thống tưới"})
    _as(page, base, "giamdoc@skhcn.vn")
    page.goto(f"{base}/staff/projects/{project.id}/closing")
    _closing_step(page, "liquidation", {"liquidation_number": "09/TL-SKHCN", "liquidated_on": _d(today)})
    shot(page, "59-closing")

    # The record leaves the last tranche to pay: finance cannot pay more than it states.
    db.session.expire_all()
    closed = db.session.get(Project, project.id)
    due = closed.final_due_vnd
    assert closed.status == "liquidated" and closed.end_on == new_end and due == approved - closed.paid_vnd > 0
    _as(page, base, "ketoan@skhcn.vn")
    page.goto(project_url)
    page.locator("tr.tranche-3 a.btn-primary").click()
    expect(page.locator("#paid_vnd")).to_have_value(f"{due:,}".replace(",", "."))
    page.fill("#paid_on", _d(today))
    page.fill("#paid_vnd", f"{due + 1_000:,}")
    page.fill("#payment_reference", "UNC-3")
    page.locator("form button.btn-primary").click()
    expect(page.locator("form.col-md-6")).to_contain_text("biên bản thanh lý")
    page.fill("#paid_vnd", f"{due:,}")
    page.locator("form button.btn-primary").click()
    _flash_ok(page)
    expect(page.locator("#ledger .left-to-pay")).to_have_text("0 ₫")
    expect(page.locator("#ledger tr.ledger-final_payment")).to_have_count(1)
    shot(page, "60-ledger-closed")

    # The closed file offers nothing: no payment to request or record, no report to write.
    for email in ("an@congtyxanh.vn", "ketoan@skhcn.vn", "chuyenvien@skhcn.vn"):
        _as(page, base, email)
        page.goto(project_url)
        expect(page.locator(".badge.state-liquidated")).to_have_count(1)
        expect(page.locator("#tranches form, #tranches a.btn")).to_have_count(0)
        expect(page.locator("#reports .state-due, #reports .state-returned")).to_have_count(0)
    shot(page, "61-project-closed")
    db.session.expire_all()
    tranches = db.session.execute(select(Tranche).where(Tranche.project_id == project.id).order_by(Tranche.position))
    assert [t.status for t in tranches.scalars()] == ["settled", "settled", "paid"]
    assert db.session.get(Project, project.id).paid_vnd == approved
    _where_the_department_stands(page, closed, approved)


def _where_the_department_stands(page: Page, project: Project, approved: int) -> None:
    """Staff open the dashboard from the menu, filter it by a year and read it on a phone; then the
    payments of every project, and the public sees the project among the funded ones."""
    page.get_by_role("link", name="Tổng quan").click()
    expect(page.locator("h1")).to_have_text("Tổng quan")
    money = page.locator("table", has_text="Đã thu hồi").first  # money by year: approved, paid, settled, recovered
    expect(money).to_contain_text(format_money(approved))
    year = page.locator("#year option").nth(1).get_attribute("value")  # the latest year of a call
    page.select_option("#year", year)
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator("#year")).to_have_value(year)
    expect(page.locator("p", has_text="Số liệu tính lúc")).to_have_count(1)
    shot(page, "81-dashboard")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # each chart's table scrolls in its box
    shot(page, "82-dashboard-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Dự án", exact=True).first.click()
    page.get_by_role("link", name="Cấp và quyết toán kinh phí").click()
    page.select_option("#kind", "paid")
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator("tbody tr", has_text="UNC-3")).to_have_count(1)
    shot(page, "83-payments")
    page.goto(page.url.split("/staff/")[0] + "/funded")
    expect(page.locator("li", has_text=project.title)).to_contain_text(format_money(approved))


def _closing_step(page: Page, step: str, fields: dict, ok: bool = True) -> None:
    """Fill and send one step of the closing page."""
    form = page.locator(f"form[action$='/closing/{step}']")
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("button").click()
    if ok:
        _flash_ok(page)
