"""A leader does not approve one of two recommended applications: its support goes to the waiting list, where the
application ranked next fits; staff recommend it and draft its decision, the leader approves it, and the envelope is
committed to the last đồng, never past it."""

from playwright.sync_api import Browser, Page, expect

from core.extensions import db
from core.formatting import to_local, utcnow
from tests.e2e.conftest import shot
from tests.e2e.test_review_flow import log_in
from tests.review.test_waiting_list import _draft, _ranked


def test_support_freed_by_a_refusal_funds_the_next_application(
    app, reference, live_server: str, page: Page, browser: Browser
):
    world = _ranked(app, count=3)  # 500 million, three applications of 250 million: two recommended, one waiting
    council_id, (first, second, third) = world["council"], world["proposals"]
    with app.test_request_context():
        _draft(council_id, first, "21/QĐ-SKHCN")
        _draft(council_id, second, "22/QĐ-SKHCN")
        db.session.commit()
    decisions = f"{live_server}/staff/councils/{council_id}/decisions"
    leader_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    try:
        leader = leader_context.new_page()
        log_in(leader, live_server, "leader@s.vn")
        leader.goto(decisions)
        leader.locator("form[action$='/transition/approved'] button").first.click()  # the first approved
        expect(leader.locator(".alert-success")).to_be_visible()
        refusal = leader.locator("form[action$='/transition/refused']").first
        refusal.locator("input[name=comment]").fill("Chưa đủ điều kiện về vốn đối ứng")
        refusal.locator("button").click()
        expect(leader.locator(".badge.state-refused")).to_have_count(1)

        # Staff see the 250 million freed and the third application fitting in it.
        log_in(page, live_server, "staff@s.vn")
        page.goto(decisions)
        waiting = page.locator("#waiting-list")
        expect(waiting).to_contain_text("Dự án 2")
        expect(waiting).to_contain_text("250.000.000 ₫")
        expect(waiting.locator(".badge.text-bg-success")).to_have_count(1)
        shot(page, "60-waiting-list")
        waiting.get_by_role("button").click()
        expect(page.locator(".alert-success")).to_be_visible()
        expect(page).to_have_url(f"{decisions}/{third}")  # on to its decision, the support requested prefilled
        expect(page.locator("#approved_vnd")).to_have_value("250.000.000")
        page.fill("#number", "23/QĐ-SKHCN")
        native = page.get_attribute("#signed_on", "type") == "date"
        page.fill("#signed_on", to_local(utcnow()).date().strftime("%Y-%m-%d" if native else "%d/%m/%Y"))
        page.fill("#signer", "Lê Minh Tuấn")
        page.locator("main form button.btn-primary").click()
        expect(page.locator(".alert-success")).to_be_visible()
        expect(page.locator("#waiting-list")).to_have_count(0)  # nobody left waiting

        # The leader approves it: the envelope is used exactly.
        leader.goto(decisions)
        leader.locator("form[action$='/transition/approved'] button").first.click()
        expect(leader.locator(".badge.state-approved")).to_have_count(2)
        expect(leader.locator("main")).to_contain_text("đã phê duyệt 500.000.000 ₫ · còn lại 0 ₫")
        shot(leader, "61-waiting-list-approved")
    finally:
        leader_context.close()
