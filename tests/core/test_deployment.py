"""The deployment's defences: only the configured host names are answered, the proxies in front are believed as far
as configured and no further, HSTS over HTTPS, signed-in pages never cached, and a shipped example that is
production's configuration (development opts out, plainly)."""

import runpy
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core import create_app
from core.config import from_environment
from core.extensions import db
from core.models import AuditEvent, OutboxMessage
from tests.accounts.test_accounts import REGISTRATION
from tests.conftest import login, make_test_config
from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[2]


def _mails() -> int:
    return db.session.execute(select(func.count()).select_from(OutboxMessage)).scalar_one()


def test_a_foreign_host_is_refused_before_any_mail(client, app):
    make_user("reset@example.vn")
    db.session.commit()
    refused = client.post("/password/forgot", data={"email": "reset@example.vn"}, headers={"Host": "evil.example"})
    assert refused.status_code == 400
    assert _mails() == 0
    assert client.post("/password/forgot", data={"email": "reset@example.vn"}).status_code == 200  # SERVER_NAME's
    assert _mails() == 1


def test_trusted_hosts_default_to_server_name(app, database_url):
    app = create_app(make_test_config(database_url, SERVER_NAME="skhcn.test:8443"))
    assert app.config["TRUSTED_HOSTS"] == ["skhcn.test:8443"]
    client = app.test_client()
    assert client.get("/login", headers={"Host": "skhcn.test:8443"}).status_code == 200
    assert client.get("/login", headers={"Host": "evil.example"}).status_code == 400
    listed = create_app(make_test_config(database_url, TRUSTED_HOSTS=["skhcn.test", "portal.internal"]))
    assert listed.config["TRUSTED_HOSTS"] == ["skhcn.test", "portal.internal"]
    assert listed.test_client().get("/login", headers={"Host": "portal.internal"}).status_code == 200


def test_hosts_and_proxy_hops_from_the_environment(monkeypatch):
    monkeypatch.setenv("TRUSTED_HOSTS", "skhcn.tayninh.gov.vn, portal.internal,")
    monkeypatch.setenv("PROXY_FIX_HOPS", "1")
    found = from_environment()
    assert found["TRUSTED_HOSTS"] == ["skhcn.tayninh.gov.vn", "portal.internal"]
    assert found["PROXY_FIX_HOPS"] == 1


@pytest.mark.parametrize("hops, address, hsts", [(1, "203.0.113.7", True), (0, "127.0.0.1", False)])
def test_the_client_address_and_scheme_come_from_trusted_proxies_only(app, database_url, hops, address, hsts):
    proxied = create_app(make_test_config(database_url, PROXY_FIX_HOPS=hops))
    response = proxied.test_client().post(
        "/register",
        data=REGISTRATION,
        headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"},
    )
    assert response.status_code == 200
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "register")).scalar_one()
    assert event.ip_address == address
    assert ("Strict-Transport-Security" in response.headers) is hsts
    assert "evil" not in response.get_data(as_text=True)  # the forwarded host is never believed


def test_hsts_is_sent_over_https_whatever_the_cookie_flag(app, database_url):
    secure_cookies = create_app(make_test_config(database_url, SESSION_COOKIE_SECURE=True)).test_client()
    assert "Strict-Transport-Security" not in secure_cookies.get("/").headers  # plain http: the header means nothing
    client = app.test_client()  # test cookies are not Secure
    assert client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"] == "max-age=31536000"


def test_signed_in_pages_are_not_stored_and_static_files_stay_cacheable(client, app):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    make_user("cache@example.vn")
    db.session.commit()
    assert login(client, "cache@example.vn").headers["Cache-Control"] == "no-store"
    for path in ("/", "/me", "/profile", "/no-such-page"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    for path in ("/static/css/app.css", "/bootstrap/static/css/bootstrap.min.css"):
        static = client.get(path)
        assert static.status_code == 200, path
        assert "no-store" not in static.headers.get("Cache-Control", ""), path


def test_the_example_is_production_and_make_run_opts_out_plainly(tmp_path):
    example = runpy.run_path(str(ROOT / "instance" / "config.example.py"))
    assert example["SESSION_COOKIE_SECURE"] is True and example["REMEMBER_COOKIE_SECURE"] is True
    assert example["PREFERRED_URL_SCHEME"] == "https" and not example.get("DEMO_MODE")
    assert "TRUSTED_HOSTS" not in example  # SERVER_NAME's host alone
    (tmp_path / "instance").mkdir()
    shutil.copy(ROOT / "instance" / "config.example.py", tmp_path / "instance")
    subprocess.run(["make", "-s", "-C", str(tmp_path), "-f", str(ROOT / "Makefile"), "instance/config.py"], check=True)
    made = tmp_path / "instance" / "config.py"
    development = runpy.run_path(str(made))
    assert development["SESSION_COOKIE_SECURE"] is False and development["REMEMBER_COOKIE_SECURE"] is False
    assert development["SERVER_NAME"] == "127.0.0.1:5000" and development["TRUSTED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert development["DEMO_MODE"] is True
    assert len(development["SECRET_KEY"]) == 64
    assert "DEVELOPMENT ONLY" in made.read_text()
