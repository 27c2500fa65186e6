"""Sessions end on the server: a copied cookie opens nothing after logout, a new password, a reset, deactivation,
"sign out everywhere" or an administrator's end; remember-me cookies are random per login and end with the rest;
sessions lapse when idle (sooner for the department's roles) and at their absolute lifetime."""

from datetime import timedelta

from sqlalchemy import select

from accounts.models import UserSession
from core.extensions import db
from core.formatting import utcnow
from core.outbox import deliver_due
from tests.conftest import login
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "another-horse-77"


def _copy(client, app, cookie: str = "session"):
    """A second browser holding a copy of the first one's cookie."""
    other = app.test_client()
    other.set_cookie(cookie, client.get_cookie(cookie).value)
    return other


def _opens_home(client) -> bool:
    return client.get("/me").status_code == 200


def test_logout_ends_the_session_for_every_copy_of_its_cookie(client, app):
    make_user("an@example.vn")
    db.session.commit()
    assert login(client, "an@example.vn").status_code == 302
    copy = _copy(client, app)
    assert _opens_home(copy)
    client.post("/logout")
    assert not _opens_home(client)
    assert not _opens_home(copy)
    assert copy.get("/me").headers["Location"].startswith("/login")
    ended = db.session.execute(select(UserSession)).scalar_one()
    assert ended.end_reason == "logout" and ended.ended_at is not None


def _remembered(app, value: str):
    """A browser restarted: only the remember-me cookie left."""
    other = app.test_client()
    other.set_cookie("remember_token", value)
    return other


def test_remember_me_is_random_per_login_and_ends_with_logout_and_a_new_password(client, app):
    person = make_user("nho@example.vn")
    db.session.commit()
    data = {"email": "nho@example.vn", "password": PASSWORD, "remember": "y"}
    client.post("/login", data=data)
    first = client.get_cookie("remember_token").value
    assert not first.startswith(f"{person.id}|")  # not "<user id>|<hmac>"
    assert _opens_home(_remembered(app, first))
    client.post("/logout")
    assert not _opens_home(_remembered(app, first))
    client.post("/login", data=data)
    second = client.get_cookie("remember_token").value
    assert second != first
    assert _opens_home(_remembered(app, second))
    other = app.test_client()
    login(other, "nho@example.vn")
    other.post(
        "/profile/password", data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert not _opens_home(_remembered(app, second))


def test_a_new_password_ends_every_other_session(client, app):
    make_user("doi@example.vn")
    db.session.commit()
    elsewhere = app.test_client()
    login(elsewhere, "doi@example.vn")
    login(client, "doi@example.vn")
    changed = client.post(
        "/profile/password", data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert changed.status_code == 302
    assert _opens_home(client)
    assert not _opens_home(elsewhere)


def test_a_reset_by_mail_ends_every_session(client, app, smtp_server):
    make_user("quen@example.vn")
    db.session.commit()
    login(client, "quen@example.vn")
    app.test_client().post("/password/forgot", data={"email": "quen@example.vn"})
    deliver_due()
    link = next(link for link in smtp_server.links() if "/password/reset/" in link)
    other = app.test_client()
    assert other.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert not _opens_home(client)


def test_deactivation_and_an_administrator_end_the_sessions(client, app):
    person = make_user("tat@example.vn")
    make_user("admin@s.vn", roles=("admin",))
    db.session.commit()
    login(client, "tat@example.vn")
    admin = app.test_client()
    login(admin, "admin@s.vn")
    assert admin.post(f"/admin/users/{person.id}/sessions/end").status_code == 302
    assert not _opens_home(client)
    login(client, "tat@example.vn")
    assert _opens_home(client)
    admin.post(f"/admin/users/{person.id}", data={"roles": ["applicant"], "version": person.version})
    assert not _opens_home(client)
    assert login(client, "tat@example.vn").status_code == 200  # deactivated: refused, with a message


def test_sign_out_everywhere_else_keeps_this_browser(client, app):
    make_user("moi@example.vn")
    db.session.commit()
    phone = app.test_client()
    login(phone, "moi@example.vn")
    login(client, "moi@example.vn")
    page = client.get("/profile/security").get_data(as_text=True)
    assert page.count('class="list-group-item"') == 2
    assert client.post("/profile/security/sessions/end").status_code == 302
    assert _opens_home(client)
    assert not _opens_home(phone)


def _backdate(minutes: int, column: str = "last_seen_at") -> None:
    for row in db.session.execute(select(UserSession)).scalars():
        setattr(row, column, getattr(row, column) - timedelta(minutes=minutes))
    db.session.commit()


def test_department_sessions_lapse_after_30_idle_minutes_others_after_120(client, app):
    make_user("cv@s.vn", roles=("staff",))
    db.session.commit()
    login(client, "cv@s.vn")
    _backdate(29)
    assert _opens_home(client)  # and the activity is written
    _backdate(31)
    assert not _opens_home(client)
    make_user("dn@example.vn")
    db.session.commit()
    applicant = app.test_client()
    login(applicant, "dn@example.vn")
    _backdate(31)
    assert _opens_home(applicant)
    _backdate(121)
    assert not _opens_home(applicant)


def test_activity_is_written_at_most_once_a_minute(client, app):
    make_user("hd@example.vn")
    db.session.commit()
    login(client, "hd@example.vn")
    _backdate(5)
    client.get("/me")
    db.session.expire_all()
    row = db.session.execute(select(UserSession)).scalar_one()
    assert utcnow() - row.last_seen_at < timedelta(minutes=1)


def test_sessions_end_at_their_absolute_lifetime(client, app):
    make_user("dai@example.vn")
    db.session.commit()
    login(client, "dai@example.vn")
    row = db.session.execute(select(UserSession)).scalar_one()
    assert row.expires_at - row.created_at == timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"])
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert not _opens_home(client)


def test_the_department_is_not_remembered(client, app):
    make_user("kt@s.vn", roles=("finance",))
    db.session.commit()
    client.post("/login", data={"email": "kt@s.vn", "password": PASSWORD, "remember": "y"})
    assert client.get_cookie("remember_token") is None
    assert not db.session.execute(select(UserSession.remember)).scalar_one()


def test_devices_are_named_as_people_call_them():
    from accounts.sessions import device_label

    chrome = (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
    )
    assert device_label(chrome) == "Chrome, Windows"
    assert device_label(chrome + " Edg/131.0") == "Edge, Windows"
    iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Version/18.1 Safari/604.1"
    assert device_label(iphone) == "Safari, iPhone"
    assert device_label("curl/8.5") == ""
