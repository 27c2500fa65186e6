"""Links in mails come from the configured base URL (SERVER_NAME, PREFERRED_URL_SCHEME, APPLICATION_ROOT): never from
the Host header of the request that caused the mail, and the same from the command line, which has no request."""

import pytest
from flask import has_request_context
from sqlalchemy import select

from accounts.emails import send_password_reset
from core.extensions import db
from core.models import OutboxMessage
from core.outbox import deliver_due
from core.urls import external_url
from tests.factories import make_user

BASE = "https://skhcn.test/portal/"


@pytest.fixture
def public_base(app):
    """The portal's public address, as production configures it."""
    app.config.update(SERVER_NAME="skhcn.test", PREFERRED_URL_SCHEME="https", APPLICATION_ROOT="/portal")


def test_another_served_host_name_does_not_reach_the_reset_link(app, client, smtp_server, public_base):
    make_user("reset@example.vn")
    db.session.commit()
    # A foreign Host header gets 400 (tests/core/test_deployment.py); a second name the portal answers to does not
    # make links either. Plain http, that host, no /portal prefix: Flask's own url_for(_external=True) would take the
    # scheme and the prefix from this request (and the host too, were SERVER_NAME not set).
    app.config["TRUSTED_HOSTS"] = ["skhcn.test", "intranet.example"]
    response = client.post(
        "/password/forgot",
        data={"email": "reset@example.vn"},
        base_url="http://intranet.example",
        headers={"Host": "intranet.example"},
    )
    assert response.status_code == 200
    deliver_due()
    links = smtp_server.links()
    assert links and all(link.startswith(f"{BASE}password/reset/") for link in links)
    assert "intranet" not in smtp_server.messages[0]["body"] + smtp_server.messages[0]["html"]
    assert f'<a href="{links[0]}">' in smtp_server.messages[0]["html"]


def test_a_mail_queued_without_a_request_links_to_the_base(app, public_base):
    user = make_user("cli@example.vn")
    assert not has_request_context()  # as in `flask reminders run`
    send_password_reset(user, "raw-token")
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    assert f"{BASE}password/reset/raw-token" in message.body_text


def test_the_test_setup_links_to_the_test_client_host(app):
    assert external_url("accounts.reset_password", token="t") == "http://localhost/password/reset/t"
    with app.test_request_context("/", base_url="https://evil.example/elsewhere"):
        assert external_url("accounts.reset_password", token="t") == "http://localhost/password/reset/t"


def test_without_server_name_a_link_is_refused_not_guessed(app):
    app.config["SERVER_NAME"] = None
    with pytest.raises(RuntimeError, match="SERVER_NAME"):
        external_url("accounts.login")


def test_development_serves_its_two_host_names_only(app, client):
    # As `make run` configures it (instance/config.example.py, its development lines).
    app.config.update(SERVER_NAME="127.0.0.1:5000", TRUSTED_HOSTS=["127.0.0.1", "localhost"])
    for host in ("127.0.0.1:5000", "localhost:5000"):
        assert client.get("/login", headers={"Host": host}).status_code == 200
    assert client.get("/login", headers={"Host": "192.168.1.20:5000"}).status_code == 400
