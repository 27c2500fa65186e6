"""Nobody learns from the registration or invitation forms whether an email has an account: the answer is the same,
and the owner of the address is told by mail instead."""

from sqlalchemy import func, select

import accounts.services
from accounts.models import AccessToken, Organization, User
from core.extensions import db
from core.models import OutboxMessage
from tests.accounts.test_accounts import REGISTRATION
from tests.conftest import login, vi_text
from tests.factories import PASSWORD, make_organization, make_user, valid_tax_code


def _count(model: type) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def _mails_to(address: str) -> list[OutboxMessage]:
    return list(db.session.execute(select(OutboxMessage).where(OutboxMessage.recipient == address)).scalars())


def _hashing_counted(monkeypatch) -> list[str]:
    hashed: list[str] = []
    original = accounts.services.hash_password

    def counting(password: str) -> str:
        hashed.append(password)
        return original(password)

    monkeypatch.setattr(accounts.services, "hash_password", counting)
    return hashed


def test_registering_with_a_taken_email_answers_as_for_a_new_one(client, app, monkeypatch):
    owner = make_user("anh@duchoa.vn", organization=make_organization(), locale="en", full_name="Trần Đức Anh")
    db.session.commit()
    users, organizations = _count(User), _count(Organization)
    hashed = _hashing_counted(monkeypatch)

    taken = client.post("/register", data=REGISTRATION)
    fresh = client.post(
        "/register", data={**REGISTRATION, "user_email": "moi@duchoa.vn", "tax_code": valid_tax_code(91)}
    )

    assert taken.status_code == fresh.status_code == 200
    assert taken.get_data(as_text=True).replace("anh@duchoa.vn", "X") == fresh.get_data(as_text=True).replace(
        "moi@duchoa.vn", "X"
    )
    assert hashed == ["mat-khau-rat-manh", "mat-khau-rat-manh"]  # the same work, the same time
    # Nothing was created for the taken address: the fresh registration alone added a user and an organization.
    assert (_count(User), _count(Organization)) == (users + 1, organizations + 1)
    assert db.session.execute(select(AccessToken.email)).scalars().all() == ["moi@duchoa.vn"]
    # Its owner is told, in their language, with absolute links to log in and to reset the password.
    (notice,) = _mails_to("anh@duchoa.vn")
    assert notice.subject == "Someone tried to register with your email"
    assert "http://localhost/login" in notice.body_text and "http://localhost/password/forgot" in notice.body_text
    assert "/verify/" not in notice.body_text
    assert login(client, owner.email, PASSWORD).status_code == 302  # the account is as it was


def test_a_deactivated_account_gets_the_same_page_and_no_mail(client, app):
    make_user("anh@duchoa.vn", active=False)
    db.session.commit()
    response = client.post("/register", data=REGISTRATION)
    assert response.status_code == 200 and vi_text(app, "Check your mail") in response.get_data(as_text=True)
    assert _mails_to("anh@duchoa.vn") == []
    assert _count(Organization) == 0


def test_a_registered_tax_code_is_still_said(client, app):
    make_organization(tax_code=REGISTRATION["tax_code"])
    db.session.commit()
    page = client.post("/register", data={**REGISTRATION, "user_email": "moi@duchoa.vn"}).get_data(as_text=True)
    assert "tax code" in page.lower() or "mã số thuế" in page.lower()
    assert "moi@duchoa.vn" in page  # what was typed stays
    assert _count(OutboxMessage) == 0


def test_an_invitation_is_sent_for_every_address_and_only_mails_say_more(client, app):
    org = make_organization(name="HTX Thanh Long")
    make_user("chu@htx.vn", organization=org, locale="en")
    make_user("cung@htx.vn", organization=org)
    make_user("khac@congty.vn", organization=make_organization(name="Công ty Khác"), locale="en")
    db.session.commit()
    login(client, "chu@htx.vn")
    for address in ("moi@htx.vn", "cung@htx.vn", "khac@congty.vn"):
        response = client.post("/organization/invite", data={"invite-email": address}, follow_redirects=True)
        assert response.status_code == 200
        assert f"The invitation has been sent to {address}." in response.get_data(as_text=True)
    # A new address: an invitation link.
    (invitation,) = _mails_to("moi@htx.vn")
    assert "http://localhost/invitation/" in invitation.body_text
    # Someone acting for another organization: a notice without a link, in their language.
    (notice,) = _mails_to("khac@congty.vn")
    assert "HTX Thanh Long" in notice.subject and "/invitation/" not in notice.body_text
    assert "already acts for another organization" in notice.body_text
    # Someone acting for this organization already: nothing at all.
    assert _mails_to("cung@htx.vn") == []
    assert db.session.execute(select(AccessToken.email)).scalars().all() == ["moi@htx.vn"]
