"""A business registers, confirms its email from the received mail, logs in, switches language, opens a call."""

from playwright.sync_api import Page, expect

from core.extensions import db
from core.outbox import deliver_due
from tests.e2e.conftest import shot
from tests.factories import make_call


def test_register_verify_login_language_call(app, reference, smtp_server, live_server: str, page: Page):
    call = make_call(code="TN-2026-02", title="Đợt tiếp nhận hồ sơ năm 2026", title_en="Call for applications 2026")
    db.session.commit()

    page.goto(live_server + "/")
    expect(page.locator("h1")).to_contain_text("khoa học, công nghệ")
    shot(page, "01-home-vi")

    page.get_by_role("link", name="Đăng ký").first.click()
    page.fill("#name", "Công ty TNHH Công nghệ Xanh Đức Hòa")
    page.select_option("#org_type", "sme")
    page.fill("#tax_code", "0300588568")  # wrong check digit first
    page.fill("#address", "Số 9, xã Đức Hòa, tỉnh Tây Ninh")
    page.select_option("#legacy_area", "long_an")
    page.fill("#legal_rep_name", "Lê Văn Đạt")
    page.fill("#full_name", "Lê Văn Đạt")
    page.fill("#user_email", "dat@xanhduchoa.vn")
    page.fill("#password", "mat-khau-that-manh")
    page.fill("#confirm", "mat-khau-that-manh")
    page.check("#accept_terms")
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("chữ số kiểm tra")
    expect(page.locator("#name")).to_have_value("Công ty TNHH Công nghệ Xanh Đức Hòa")  # nothing lost
    shot(page, "02-register-error")
    page.fill("#tax_code", "0300588569")
    page.fill("#password", "mat-khau-that-manh")
    page.fill("#confirm", "mat-khau-that-manh")
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.locator("h1")).to_contain_text("Kiểm tra")
    shot(page, "03-check-mail")

    assert deliver_due().sent == 1
    link = smtp_server.links()[0].replace("http://localhost", live_server)
    page.goto(link)
    expect(page.locator(".alert-success")).to_be_visible()
    page.fill("#email", "dat@xanhduchoa.vn")
    page.fill("#password", "mat-khau-that-manh")
    page.get_by_role("button", name="Đăng nhập").last.click()
    expect(page.locator("h1")).to_contain_text("Lê Văn Đạt")
    shot(page, "04-home-vi")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("link", name="Calls", exact=True)).to_be_visible()
    page.goto(live_server + "/calls")
    page.get_by_role("link", name="Call for applications 2026").click()
    expect(page.locator("h1")).to_contain_text("Call for applications 2026")
    expect(page.get_by_text("Required documents")).to_be_visible()
    shot(page, "05-call-en")
    assert page.url.endswith(f"/calls/{call.id}")
