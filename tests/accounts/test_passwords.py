"""New passwords: not one of the 10,000 most common, not a trivial pattern, not the account's email or organization,
10 to 128 characters; refused at the password field of every form where a password is chosen."""

import re

from markupsafe import escape
from sqlalchemy import func, select

from accounts.passwords import COMMON_PASSWORDS, Owner, common_passwords, is_guessable, password_problem
from accounts.services import issue_token
from core.extensions import db
from core.models import OutboxMessage
from tests.accounts.test_accounts import REGISTRATION
from tests.conftest import login
from tests.factories import PASSWORD, make_organization, make_user

COMMON = "This password is among the most common ones or too simple a pattern. Choose one harder to guess."
PERSONAL = "The password must not contain your email address or your organization's name."


def _password_error(response: object) -> str | None:
    """The message shown under the password field, if any."""
    page = response.get_data(as_text=True)
    found = re.search(r'id="password"[^>]*>\s*<div class="invalid-feedback d-block">([^<]*)</div>', page)
    return found.group(1) if found else None


def _english(client: object) -> None:
    client.post("/language", data={"language": "en"})


def test_the_list_is_the_top_ten_thousand_with_its_source():
    assert len(common_passwords()) == 10_000
    header = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()[:5]
    assert any("zxcvbn 4.5.0" in line for line in header)
    assert all(word == word.lower() for word in common_passwords())


def test_common_and_trivial_passwords_are_guessable_in_any_letter_case():
    for password in ("1234567890", "password12", "qwertyuiop", "aaaaaaaaaa", "PassWord12", "QWERTYUIOP", "Password123"):
        assert is_guessable(password), password
    for pattern in (
        "ababababab",
        "abcabcabcabc",
        "0987654321",
        "abcdefghijkl",
        "zyxwvutsrq",
        "asdfghjklzxc",
        "1111111111",
    ):
        assert is_guessable(pattern), pattern
    for fine in ("mat-khau-rat-manh", PASSWORD, "Tay Ninh mua mua 2025", "1234567890x!"):
        assert not is_guessable(fine), fine


def test_personal_words_are_refused_whatever_their_case_accents_and_separators():
    owner = Owner("nguyen.van.an@duchoa.vn", "HTX Thanh Long Đức Hòa")
    for password in ("NguyenVanAn2025!", "my nguyen-van-an pass", "htx thanh long đức hòa 9", "HTXThanhLongDucHoa"):
        assert password_problem(password, owner) is not None, password
    assert password_problem("thanh long mua he", owner) is None  # a part of the name is not the name
    assert password_problem("anh-yeu-em-mai-mai", Owner("anh@duchoa.vn")) is None  # "anh" is too short a word
    assert password_problem("nobody-knows-it-7", Owner()) is None


def test_registration_refuses_at_the_password_field_and_keeps_the_rest(client, app):
    _english(client)
    for password, message in (
        ("qwertyuiop", COMMON),
        ("Tran.Anh-2025", PERSONAL),
        ("Cong ty TNHH Doi moi Sang tao Duc Hoa!", PERSONAL),
    ):
        data = {**REGISTRATION, "user_email": "tran.anh@duchoa.vn", "password": password, "confirm": password}
        response = client.post("/register", data=data)
        assert response.status_code == 200
        assert _password_error(response) == escape(message), password
        assert REGISTRATION["name"] in response.get_data(as_text=True)  # everything else typed is kept
    assert db.session.execute(select(func.count()).select_from(OutboxMessage)).scalar_one() == 0


def test_reset_refuses_common_and_personal_passwords(client, app):
    user = make_user("reset.user@example.vn")
    db.session.commit()
    _english(client)
    raw = issue_token("reset_password", user.email, user=user)
    db.session.commit()
    for password, message in (("password12", COMMON), ("ResetUser-2025", PERSONAL), ("x" * 129, None)):
        response = client.post(f"/password/reset/{raw}", data={"password": password, "confirm": password})
        assert response.status_code == 200
        if message is not None:
            assert _password_error(response) == escape(message), password
    longest = "Gió mùa về trên sông Vàm Cỏ " * 4 + "x" * 16  # 128 characters
    assert len(longest) == 128
    assert client.post(f"/password/reset/{raw}", data={"password": longest, "confirm": longest}).status_code == 302


def test_change_refuses_trivial_and_organization_passwords(client, app):
    make_user("chu@htx.vn", organization=make_organization(name="HTX Thanh Long"), locale="en")
    db.session.commit()
    login(client, "chu@htx.vn")
    for password, message in (("aaaaaaaaaa", COMMON), ("htx-thanh-long-2025", PERSONAL)):
        data = {"current_password": PASSWORD, "password": password, "confirm": password}
        response = client.post("/profile/password", data=data)
        assert response.status_code == 200
        assert _password_error(response) == escape(message), password
    client.post("/logout")
    assert login(client, "chu@htx.vn").status_code == 302  # the password is unchanged


def test_accepting_an_invitation_refuses_the_invited_email_and_organization(client, app):
    org = make_organization(name="HTX Thanh Long")
    inviter = make_user("chu@htx.vn", organization=org)
    raw = issue_token("invitation", "dong.nghiep@htx.vn", organization=org, created_by=inviter)
    db.session.commit()
    _english(client)
    for password, message in (("1234567890", COMMON), ("mat-khau-dong-nghiep", PERSONAL), ("thanhlong-htx-1", None)):
        data = {"full_name": "Đồng Nghiệp", "password": password, "confirm": password}
        response = client.post(f"/invitation/{raw}", data=data)
        if message is None:  # "thanhlong-htx" is not the name "htx thanh long"
            assert response.status_code == 302
            continue
        assert response.status_code == 200
        assert _password_error(response) == escape(message), password
        assert "Đồng Nghiệp" in response.get_data(as_text=True)
