"""Registration, verification, login throttling, password reset, invitations, profile and organization."""

from datetime import timedelta

from sqlalchemy import func, select

from accounts.models import AccessToken, LoginThrottle, Membership, Organization, User
from accounts.taxcode import check_digit_ok, tax_code_error
from core.config import Defaults
from core.extensions import db
from core.models import AuditEvent, OutboxMessage
from tests.conftest import login
from tests.factories import PASSWORD, make_organization, make_user, valid_tax_code

REGISTRATION = {
    "name": "Công ty TNHH Đổi mới Sáng tạo Đức Hòa",
    "org_type": "sme",
    "tax_code": "0300588569",
    "address": "Số 5, xã Đức Hòa, tỉnh Tây Ninh",
    "legacy_area": "long_an",
    "legal_rep_name": "Trần Đức Anh",
    "full_name": "Trần Đức Anh",
    "user_email": "anh@duchoa.vn",
    "password": "mat-khau-rat-manh",
    "confirm": "mat-khau-rat-manh",
    "accept_terms": "y",
}


def _link_token(message: OutboxMessage, path: str) -> str:
    start = message.body_text.index(path) + len(path)
    return message.body_text[start:].split()[0]


def test_tax_code_rules():
    assert check_digit_ok("0300588569") and check_digit_ok("0101248141")
    assert tax_code_error("0300588569", False) is None
    assert tax_code_error("0300588569-001", False) is None
    assert tax_code_error("0300588568", False) is not None  # wrong check digit
    assert tax_code_error("12345", False) is not None
    assert tax_code_error("079123456789", False) is not None
    assert tax_code_error("079123456789", True) is None  # personal ID for a household business


def test_production_work_factor():
    assert Defaults.PASSWORD_HASH_METHOD == "pbkdf2:sha256:600000"


def test_register_creates_unverified_user_org_and_mail(client, app):
    response = client.post("/register", data=REGISTRATION)
    assert response.status_code == 200
    assert "anh@duchoa.vn" in response.get_data(as_text=True)
    user = db.session.execute(select(User).where(User.email == "anh@duchoa.vn")).scalar_one()
    assert not user.is_verified and user.roles == {"applicant"}
    org = db.session.get(Organization, user.membership.organization_id)
    assert org.tax_code == "0300588569" and org.legacy_area == "long_an"
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    assert message.recipient == "anh@duchoa.vn" and message.status == "pending"
    assert "/verify/" in message.body_text
    # Not verified yet: login is refused with a clear message.
    refused = login(client, "anh@duchoa.vn", "mat-khau-rat-manh")
    assert (
        "confirm your email" in refused.get_data(as_text=True) or "xác nhận" in refused.get_data(as_text=True).lower()
    )
    token = _link_token(message, "/verify/")
    assert client.get(f"/verify/{token}").status_code == 302
    assert db.session.get(User, user.id).is_verified
    assert login(client, "anh@duchoa.vn", "mat-khau-rat-manh").status_code == 302


def test_verification_link_works_once(client, app):
    client.post("/register", data=REGISTRATION)
    token = _link_token(db.session.execute(select(OutboxMessage)).scalar_one(), "/verify/")
    assert client.get(f"/verify/{token}").status_code == 302
    again = client.get(f"/verify/{token}")
    assert again.status_code == 400
    assert "already been used" in again.get_data(as_text=True) or "đã được sử dụng" in again.get_data(as_text=True)


def test_expired_link_is_refused(client, app):
    client.post("/register", data=REGISTRATION)
    token = _link_token(db.session.execute(select(OutboxMessage)).scalar_one(), "/verify/")
    row = db.session.execute(select(AccessToken)).scalar_one()
    row.expires_at = row.expires_at - timedelta(days=10)
    db.session.commit()
    response = client.get(f"/verify/{token}")
    assert response.status_code == 400
    assert not db.session.execute(select(User)).scalar_one().is_verified


def test_duplicate_email_and_tax_code_keep_input(client, app):
    org = make_organization(tax_code="0300588569")
    make_user("anh@duchoa.vn", organization=org)
    db.session.commit()
    response = client.post("/register", data=REGISTRATION)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Công ty TNHH Đổi mới Sáng tạo Đức Hòa" in page  # what was typed is still there
    assert "already" in page or "đã" in page
    assert db.session.execute(select(func.count()).select_from(Organization)).scalar() == 1
    other_email = {**REGISTRATION, "user_email": "new@duchoa.vn"}
    page = client.post("/register", data=other_email).get_data(as_text=True)
    assert "tax code" in page.lower() or "mã số thuế" in page.lower()
    assert "new@duchoa.vn" in page


def test_malformed_tax_code_message_in_vietnamese(client, app):
    page = client.post("/register", data={**REGISTRATION, "tax_code": "03005885"}).get_data(as_text=True)
    assert "Mã số thuế" in page
    assert "03005885" in page and "Trần Đức Anh" in page
    assert db.session.execute(select(func.count()).select_from(User)).scalar() == 0


def test_ten_wrong_passwords_lock_the_account(client, app):
    make_user("locked@example.vn")
    db.session.commit()
    messages = [login(client, "locked@example.vn", "wrong-password").get_data(as_text=True) for _ in range(10)]
    assert all(m.count("alert-danger") == 1 for m in messages)
    # The right password is refused while locked, with a message saying why.
    locked = login(client, "locked@example.vn", PASSWORD)
    assert locked.status_code == 200
    text = locked.get_data(as_text=True)
    assert "Too many failed attempts" in text or "quá nhiều lần" in text.lower()
    counted = db.session.get(LoginThrottle, "account:locked@example.vn")
    assert counted.attempts == 11
    # After the window the account opens again.
    counted.window_start -= timedelta(minutes=app.config["LOGIN_WINDOW_MINUTES"] + 1)
    db.session.commit()
    assert login(client, "locked@example.vn", PASSWORD).status_code == 302


def test_next_only_redirects_inside_the_site(client, app):
    make_user("n@example.vn")
    db.session.commit()
    data = {"email": "n@example.vn", "password": PASSWORD}
    assert client.post("/login?next=/calls", data=data).headers["Location"] == "/calls"
    client.post("/logout")
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        location = client.post(f"/login?next={evil}", data=data).headers["Location"]
        assert "evil" not in location
        client.post("/logout")


def test_password_reset_by_mail_once(client, app):
    make_user("reset@example.vn")
    db.session.commit()
    page = client.post("/password/forgot", data={"email": "reset@example.vn"}).get_data(as_text=True)
    unknown = client.post("/password/forgot", data={"email": "nobody@example.vn"}).get_data(as_text=True)
    assert page.replace("reset@example.vn", "X") == unknown.replace("nobody@example.vn", "X")  # no account probing
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    token = _link_token(message, "/password/reset/")
    short = client.post(f"/password/reset/{token}", data={"password": "short", "confirm": "short"})
    assert short.status_code == 200 and "10" in short.get_data(as_text=True)
    done = client.post(f"/password/reset/{token}", data={"password": "new-password-123", "confirm": "new-password-123"})
    assert done.status_code == 302
    assert client.get(f"/password/reset/{token}").status_code == 400
    assert login(client, "reset@example.vn", "new-password-123").status_code == 302


def test_profile_and_language_are_remembered(client, app):
    user = make_user("p@example.vn")
    db.session.commit()
    login(client, "p@example.vn")
    client.post("/language", data={"language": "en", "next": "/calls"})
    assert db.session.get(User, user.id).locale == "en"
    assert "Calls for applications" in client.get("/calls").get_data(as_text=True)
    client.post("/logout")
    client.post("/language", data={"language": "vi"})
    login(client, "p@example.vn")  # the account's choice wins after login
    assert "Calls for applications" in client.get("/calls").get_data(as_text=True)
    assert client.post("/language", data={"language": "fr"}).status_code == 400


def test_profile_stale_save_shows_both_versions(client, app):
    user = make_user("s@example.vn", full_name="Tên Cũ")
    db.session.commit()
    login(client, "s@example.vn")
    version = str(user.version)
    client.post("/profile", data={"full_name": "Tên Thứ Nhất", "locale": "vi", "version": version})
    response = client.post("/profile", data={"full_name": "Tên Thứ Hai", "locale": "vi", "version": version})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Tên Thứ Nhất" in page and "Tên Thứ Hai" in page
    assert db.session.get(User, user.id).full_name == "Tên Thứ Nhất"


def test_organization_edit_and_invitation(client, app):
    org = make_organization(name="HTX Thanh Long")
    make_user("chu@htx.vn", organization=org)
    db.session.commit()
    login(client, "chu@htx.vn")
    page = client.get("/organization").get_data(as_text=True)
    assert "HTX Thanh Long" in page
    bad = client.post("/organization", data={"name": "", "tax_code": "1", "org_type": "cooperative", "version": "1"})
    assert bad.status_code == 200 and "alert-danger" in bad.get_data(as_text=True)
    assert client.post("/organization/invite", data={"invite-email": "dong.nghiep@htx.vn"}).status_code == 302
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    token = _link_token(message, "/invitation/")
    client.post("/logout")
    response = client.post(
        f"/invitation/{token}",
        data={"full_name": "Đồng Nghiệp", "password": "mat-khau-cua-toi-9", "confirm": "mat-khau-cua-toi-9"},
    )
    assert response.status_code == 302
    colleague = db.session.execute(select(User).where(User.email == "dong.nghiep@htx.vn")).scalar_one()
    assert colleague.is_verified and colleague.membership.organization_id == org.id
    assert client.get(f"/invitation/{token}").status_code == 400  # used once
    members = db.session.execute(
        select(func.count()).select_from(Membership).where(Membership.organization_id == org.id)
    ).scalar()
    assert members == 2


def test_registration_is_audited(client, app):
    client.post("/register", data={**REGISTRATION, "tax_code": valid_tax_code(77)})
    assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "register")).scalar_one().ip_address
