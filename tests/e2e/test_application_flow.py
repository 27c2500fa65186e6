"""A business fills and submits an application; staff ask for a supplement; it is resubmitted, compared, valid."""

from playwright.sync_api import Browser, Page, expect

from core.extensions import db
from core.outbox import deliver_due
from tests.e2e.conftest import shot
from tests.factories import PASSWORD, PDF_BYTES, make_call, make_organization, make_user


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").last.click()


def test_fill_submit_supplement_resubmit_compare_valid(
    app, reference, smtp_server, live_server: str, page: Page, browser: Browser, tmp_path
):
    call = make_call(code="TN-2026-01", title="Đợt tiếp nhận hồ sơ năm 2026")
    org = make_organization("Hợp tác xã Thanh long Châu Thành")
    make_user("an@htx.vn", full_name="Trần Văn An", organization=org)
    make_user("chuyenvien@skhcn.vn", full_name="Phạm Thu Hà", roles=("staff",))
    db.session.commit()
    quotation = tmp_path / "Đơn đề nghị hỗ trợ.pdf"
    quotation.write_bytes(PDF_BYTES)

    # The business starts an application from the open call.
    log_in(page, live_server, "an@htx.vn")
    page.goto(f"{live_server}/calls/{call.id}")
    page.get_by_role("button", name="Bắt đầu lập hồ sơ").click()
    expect(page.locator("h1")).to_contain_text("Chỉnh sửa hồ sơ")
    page.fill("#title", "Ứng dụng tưới nhỏ giọt cho thanh long")
    page.select_option("#category_id", index=1)
    page.fill("#duration_months", "12")
    page.select_option("#sector_id", index=1)
    page.locator(".sector-items:not([hidden]) input[type=checkbox]").first.check()
    page.fill("#lead_name", "Trần Thị Bình")
    for field, text in (
        ("objectives", "Tăng năng suất thanh long"),
        ("necessity", "Hạn hán kéo dài"),
        ("technology", "Tưới nhỏ giọt tự động"),
        ("technology_origin", "Viện Cây ăn quả miền Nam"),
        ("place", "Xã Châu Thành"),
        ("effects", "Tiết kiệm 30% nước"),
        ("replication_plan", "Nhân rộng cho 50 hộ"),
    ):
        page.fill(f"#{field}", text)
    page.fill("#work_packages-0-name", "Lắp đặt hệ thống tưới")
    page.fill("#work_packages-0-month_from", "1")
    page.fill("#work_packages-0-month_to", "3")
    page.fill("#products-0-name", "Mô hình tưới 5 ha")
    page.fill("#products-0-quantity", "5")
    page.select_option("#budget_lines-0-kind", "equipment")
    page.fill("#budget_lines-0-description", "Thiết bị tưới")
    page.fill("#budget_lines-0-support_vnd", "200.000.000")
    page.fill("#budget_lines-0-counterpart_vnd", "200.000.000")
    page.select_option("#budget_lines-1-kind", "labour")
    page.fill("#budget_lines-1-description", "Công lắp đặt")
    page.fill("#budget_lines-1-support_vnd", "50.000.000")
    page.fill("#budget_lines-1-counterpart_vnd", "50.000.000")
    expect(page.locator("#support-total")).to_have_text("250.000.000 ₫")  # the running total, while typing
    expect(page.locator("#budget-live")).to_contain_text("Trong giới hạn")
    shot(page, "10-application-edit")
    page.get_by_role("button", name="Lưu và chuyển sang hồ sơ đính kèm").click()

    # Documents, then the confirmation page and the submission.
    expect(page.locator("#documents")).to_be_visible()
    page.set_input_files("#file", str(quotation))
    page.get_by_role("button", name="Tải lên").click()
    expect(page.locator(".alert-success")).to_contain_text("đính kèm")
    shot(page, "11-application-documents")
    page.get_by_role("link", name="Nộp hồ sơ…").click()
    expect(page.locator(".alert-success")).to_be_visible()
    page.check("#declaration")
    shot(page, "12-application-submit")
    page.get_by_role("button", name="Nộp ngay").click()
    expect(page.locator(".alert-success")).to_contain_text("TN-2026-01-0001")
    shot(page, "13-application-submitted")
    assert deliver_due().sent == 1

    # Staff find it in the call's queue, check it and ask for a supplement.
    staff_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    staff = staff_context.new_page()
    log_in(staff, live_server, "chuyenvien@skhcn.vn")
    staff.goto(f"{live_server}/staff/calls/{call.id}/applications")
    shot(staff, "14-staff-queue")
    staff.get_by_role("link", name="TN-2026-01-0001").click()
    staff.get_by_role("button", name="Bắt đầu kiểm tra").click()
    staff.fill("#comment-needs_supplement", "Bổ sung báo giá thiết bị tưới")
    proposed_due = staff.input_value("#due-needs_supplement")
    staff.fill("#due-needs_supplement", "31/02/2026")  # no such day: refused, and nothing typed is lost
    staff.get_by_role("button", name="Yêu cầu bổ sung").click()
    expect(staff.locator(".action-needs_supplement .invalid-feedback")).to_be_visible()
    expect(staff.locator("#comment-needs_supplement")).to_have_value("Bổ sung báo giá thiết bị tưới")
    shot(staff, "15-staff-check-refused")
    staff.fill("#due-needs_supplement", proposed_due)
    staff.get_by_role("button", name="Yêu cầu bổ sung").click()
    expect(staff.locator(".alert-success")).to_contain_text("Chờ bổ sung")
    deliver_due()
    assert "Bổ sung báo giá thiết bị tưới" in smtp_server.messages[-1]["body"]

    # The business edits the title and resubmits: version 2.
    page.goto(page.url)
    expect(page.locator(".alert-warning")).to_contain_text("Bổ sung báo giá thiết bị tưới")
    page.get_by_role("link", name="Sửa nội dung").click()
    page.fill("#title", "Ứng dụng tưới nhỏ giọt thông minh cho thanh long")
    page.get_by_role("button", name="Lưu và chuyển sang hồ sơ đính kèm").click()
    page.get_by_role("link", name="Nộp lại…").click()
    page.check("#declaration")
    expect(page.locator(".changes")).to_contain_text("Ứng dụng tưới nhỏ giọt thông minh cho thanh long")
    shot(page, "16-application-resubmit")
    page.get_by_role("button", name="Nộp lại ngay").click()
    expect(page.locator(".alert-success")).to_contain_text("phiên bản 2")

    # Staff see what changed, tick the checklist and declare the dossier valid.
    staff.reload()
    staff.get_by_role("link", name="Điều gì đã thay đổi").click()
    expect(staff.locator(".changes")).to_contain_text("Ứng dụng tưới nhỏ giọt thông minh cho thanh long")
    shot(staff, "17-staff-compare")
    staff.go_back()
    staff.get_by_role("button", name="Bắt đầu kiểm tra").click()
    staff.locator("input[name=document_ids]").first.check()
    staff.get_by_role("button", name="Lưu danh mục kiểm tra").click()
    staff.get_by_role("button", name="Xác nhận hợp lệ").click()
    expect(staff.locator(".badge.state-valid")).to_be_visible()
    shot(staff, "18-staff-valid")
    deliver_due()
    assert any("hợp lệ" in m["body"] for m in smtp_server.messages if m["to"] == ["an@htx.vn"])

    page.goto(page.url)
    expect(page.locator(".timeline")).to_contain_text("hợp lệ")
    shot(page, "19-applicant-history")
    page.goto(page.url.split("#")[0] + "/print")
    expect(page.locator("body")).to_contain_text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    shot(page, "20-application-print")
    staff_context.close()
