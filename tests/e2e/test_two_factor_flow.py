"""A staff member's first login enrols the authenticator app from the QR's secret; then a code logs in, a recovery
code logs in once, and the same recovery code, used again, is refused."""

import re
import time
from urllib.parse import parse_qs, urlsplit

import pyotp
from playwright.sync_api import Page, expect

from core.config import Defaults
from core.extensions import db
from tests.e2e.conftest import shot
from tests.factories import PASSWORD, make_user


def _password_step(page: Page, live_server: str) -> None:
    page.goto(live_server + "/login")
    page.fill("#email", "nhung@skhcn.vn")
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()


def _log_out(page: Page) -> None:
    page.locator("form[action='/logout'] button").click()
    expect(page.locator(".alert-info")).to_be_visible()


def test_enrol_log_in_with_a_code_use_a_recovery_code_once(app, live_server: str, page: Page):
    app.config["TWO_FACTOR_ROLES"] = Defaults.TWO_FACTOR_ROLES
    make_user("nhung@skhcn.vn", roles=("staff",), full_name="Nguyễn Thị Hồng Nhung")
    db.session.commit()

    _password_step(page, live_server)
    expect(page).to_have_url(re.compile(r"/login/enrol$"))
    expect(page.locator("img.enrol-qr")).to_be_visible()
    shot(page, "2fa-01-enrol")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    address = page.get_by_role("link", name=re.compile("ứng dụng|app")).get_attribute("href")
    assert parse_qs(urlsplit(address).query)["secret"] == [secret]  # the QR's address carries the secret shown
    totp = pyotp.TOTP(secret)
    page.fill("#code", "000000")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#code")).to_have_class(re.compile("is-invalid"))
    page.fill("#code", totp.now())
    page.locator("main form button[type=submit]").click()
    codes = page.locator(".recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    shot(page, "2fa-02-recovery-codes")
    page.locator("main a.btn-primary").click()
    expect(page.locator("h1")).to_contain_text("Nguyễn Thị Hồng Nhung")
    _log_out(page)

    _password_step(page, live_server)
    expect(page).to_have_url(re.compile(r"/login/code$"))
    page.fill("#code", totp.generate_otp(totp.timecode(time.time()) + 1))  # the enrolment used this step's code
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Nguyễn Thị Hồng Nhung")
    _log_out(page)

    _password_step(page, live_server)
    page.fill("#code", codes[0])
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Nguyễn Thị Hồng Nhung")
    page.goto(live_server + "/profile/security")
    expect(page.locator(".two-factor")).to_contain_text("9")
    shot(page, "2fa-03-security")
    _log_out(page)

    _password_step(page, live_server)
    page.fill("#code", codes[0])
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#code")).to_have_class(re.compile("is-invalid"))
    expect(page.locator("#code")).to_have_value(codes[0])  # what was typed is kept
    shot(page, "2fa-04-refused")
