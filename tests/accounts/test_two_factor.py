"""The two-step login, with production's roles: the department must enrol at its first login, codes are never
accepted twice, recovery codes work once, wrong codes are throttled, applicants choose, re-authentication guards
every change, administrators may extend it to council members and reset it for someone who lost everything."""

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from accounts.models import RecoveryCode, User
from core.config import Defaults
from core.extensions import db
from core.models import AgencySettings
from tests.conftest import login
from tests.factories import PASSWORD, make_user


@pytest.fixture(autouse=True)
def production_roles(app):
    app.config["TWO_FACTOR_ROLES"] = Defaults.TWO_FACTOR_ROLES


def _secret(page: str) -> str:
    return re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")


def _codes(page: str) -> list[str]:
    return re.findall(r'<li class="col py-1">([a-z2-9]{5}-[a-z2-9]{5})</li>', page)


def _next_code(secret: str, step: int = 1) -> str:
    """The code of a later time step (the current one may have been used already)."""
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(time.time()) + step)


def _enrolled(client, email: str) -> tuple[str, list[str]]:
    """Log in, enrol the app from the enrolment page, and give (secret, recovery codes)."""
    assert login(client, email).headers["Location"] == "/login/enrol"
    page = client.get("/login/enrol").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page
    secret = _secret(page)
    done = client.post("/login/enrol", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    return secret, _codes(done.get_data(as_text=True))


def test_the_department_must_enrol_before_anything_opens(client, app):
    make_user("cv@s.vn", roles=("staff",))
    db.session.commit()
    assert login(client, "cv@s.vn").headers["Location"] == "/login/enrol"
    assert client.get("/me").status_code == 302  # not signed in before the second step
    page = client.get("/login/enrol").get_data(as_text=True)
    assert _secret(client.get("/login/enrol").get_data(as_text=True)) == _secret(page)  # the same until confirmed
    wrong = client.post("/login/enrol", data={"code": "000000"})
    assert wrong.status_code == 400 and _secret(wrong.get_data(as_text=True)) == _secret(page)
    client.post("/login/enrol", data={"code": pyotp.TOTP(_secret(page)).now()})
    assert client.get("/me").status_code == 200
    person = db.session.execute(select(User).where(User.email == "cv@s.vn")).scalar_one()
    assert person.has_two_factor


def test_a_code_logs_in_once_and_recovery_codes_once_each(client, app):
    make_user("ld@s.vn", roles=("leader",))
    db.session.commit()
    secret, codes = _enrolled(client, "ld@s.vn")
    assert len(codes) == 10 and len(set(codes)) == 10
    client.post("/logout")
    assert login(client, "ld@s.vn").headers["Location"] == "/login/code"
    assert client.post("/login/code", data={"code": pyotp.TOTP(secret).now()}).status_code == 400  # already used
    assert client.post("/login/code", data={"code": _next_code(secret)}).status_code == 302
    assert client.get("/me").status_code == 200
    client.post("/logout")
    login(client, "ld@s.vn")
    assert client.post("/login/code", data={"code": codes[0].upper()}).status_code == 302
    client.post("/logout")
    login(client, "ld@s.vn")
    assert client.post("/login/code", data={"code": codes[0]}).status_code == 400
    assert db.session.execute(select(RecoveryCode.code_hash)).scalars().all()[0] != codes[0]


def test_wrong_codes_are_throttled(client, app):
    make_user("kt@s.vn", roles=("finance",))
    db.session.commit()
    secret, _codes_ = _enrolled(client, "kt@s.vn")
    client.post("/logout")
    login(client, "kt@s.vn")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/login/code", data={"code": "123456"})
    refused = client.post("/login/code", data={"code": _next_code(secret)})
    assert refused.status_code == 400 and client.get("/me").status_code == 302


def test_the_held_login_expires(client, app):
    make_user("tre@s.vn", roles=("staff",))
    db.session.commit()
    login(client, "tre@s.vn")
    with client.session_transaction() as session:
        held = session["login_held"]
        session["login_held"] = {**held, "at": held["at"] - app.config["LOGIN_STEP_MINUTES"] * 60 - 1}
    assert client.get("/login/enrol").headers["Location"] == "/login"
    assert client.get("/login/code").headers["Location"] == "/login"


def test_an_applicant_chooses_with_reauthentication_and_can_turn_it_off(client, app):
    make_user("dn@example.vn")
    db.session.commit()
    login(client, "dn@example.vn")
    assert client.get("/me").status_code == 200  # no second step asked
    refused = client.post("/profile/security/setup", data={"setup-password": "wrong-password"})
    assert refused.status_code == 400
    page = client.post("/profile/security/setup", data={"setup-password": PASSWORD}).get_data(as_text=True)
    secret = _secret(page)
    codes = _codes(
        client.post("/profile/security/confirm", data={"code": pyotp.TOTP(secret).now()}).get_data(as_text=True)
    )
    assert len(codes) == 10
    renewed = client.post("/profile/security/codes", data={"codes-password": PASSWORD, "codes-code": codes[1]})
    new_codes = _codes(renewed.get_data(as_text=True))
    assert len(new_codes) == 10 and codes[2] not in new_codes
    client.post("/logout")
    login(client, "dn@example.vn")
    assert client.post("/login/code", data={"code": codes[2]}).status_code == 400  # the old codes stopped working
    assert client.post("/login/code", data={"code": new_codes[0]}).status_code == 302
    assert (
        client.post("/profile/security/off", data={"off-password": PASSWORD, "off-code": "999999"}).status_code == 400
    )
    off = client.post("/profile/security/off", data={"off-password": PASSWORD, "off-code": new_codes[1]})
    assert off.status_code == 302
    client.post("/logout")
    assert login(client, "dn@example.vn").status_code == 302 and client.get("/me").status_code == 200


def test_the_department_cannot_turn_it_off(client, app):
    make_user("qt@s.vn", roles=("admin",))
    db.session.commit()
    _secret_, codes = _enrolled(client, "qt@s.vn")
    page = client.get("/profile/security").get_data(as_text=True)
    assert "/profile/security/off" not in page
    assert (
        client.post("/profile/security/off", data={"off-password": PASSWORD, "off-code": codes[0]}).status_code == 400
    )
    assert db.session.execute(select(User.totp_enabled_at).where(User.email == "qt@s.vn")).scalar() is not None


def test_administrators_extend_it_to_council_members_and_reset_it(client, app):
    reviewer = make_user("tv@vien.vn", roles=("reviewer",))
    make_user("admin@s.vn", roles=("admin",))
    db.session.add(AgencySettings(**{**AgencySettings.DEFAULTS, "two_factor_for_reviewers": True}))
    db.session.commit()
    _enrolled(client, "tv@vien.vn")
    other = app.test_client()
    login(other, "tv@vien.vn")
    assert other.get("/me").status_code == 302  # asked for a code
    admin = app.test_client()
    admin_secret, _admin_codes = _enrolled(admin, "admin@s.vn")
    assert admin.post(f"/admin/users/{reviewer.id}/two-factor/reset").status_code == 302
    assert client.get("/me").status_code == 302  # the reset ends the member's sessions
    assert login(client, "tv@vien.vn").headers["Location"] == "/login/enrol"  # and asks to enrol again


def test_the_demo_department_logs_in_with_the_published_keys(app, client, reference):
    from pathlib import Path

    from admin.demo import DEMO_PASSWORD, seed_demo
    from admin.demo_accounts import DEMO_TOTP_SECRETS

    app.config["DEMO_MODE"] = True
    seed_demo()
    db.session.commit()
    login_page = client.get("/login").get_data(as_text=True)
    readme = (Path(app.root_path).parent / "README.md").read_text(encoding="utf-8")
    for email, secret in DEMO_TOTP_SECRETS.items():
        assert f'{email} <span class="demo-secret">{secret}</span>' in login_page
        assert f"| {email} | `{secret}` |" in readme
    assert login(client, "chuyenvien@skhcn.demo", DEMO_PASSWORD).headers["Location"] == "/login/code"
    code = pyotp.TOTP(DEMO_TOTP_SECRETS["chuyenvien@skhcn.demo"]).now()
    assert client.post("/login/code", data={"code": code}).status_code == 302
