"""An application per test, on SQLite by default or on PostgreSQL when TEST_DATABASE_URL is set."""

import os
import re
import socket
import threading
from collections.abc import Callable, Iterator

import pytest
from aiosmtpd.controller import Controller
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import event

from core import create_app
from core.extensions import db
from tests.clamd import clamd_socket, scanning  # noqa: F401 (fixtures for every package's upload tests)

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


def make_test_config(database_url: str, **extra: object) -> dict:
    """The configuration every test app uses."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        # A low work factor keeps the suite fast; production's 600,000 is asserted in tests/accounts.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": 1,  # nothing listens: tests that deliver mail start an SMTP server
        "MAIL_SUPPRESS_SEND": False,
        # Links in mails are built from these (core.urls.external_url), as in production: the test client's default
        # host, so a link is followed with client.get(link).
        "SERVER_NAME": "localhost",
        "PREFERRED_URL_SCHEME": "http",
        # The suite logs the department's people in with their password alone; the second step that production asks
        # of them (core.config TWO_FACTOR_ROLES) is tested with production's roles in tests/accounts/test_two_factor*.
        "TWO_FACTOR_ROLES": (),
        # Figures are computed afresh on every request (the kept ones are tested in tests/reports/test_dashboard.py).
        "CACHE_TYPE": "NullCache",
        "CACHE_NO_NULL_WARNING": True,
        **extra,
    }


@pytest.fixture
def database_url(tmp_path: object) -> str:
    return POSTGRES_URL or f"sqlite:///{tmp_path}/test.db"


@pytest.fixture
def app(database_url: str, tmp_path: object) -> Iterator[Flask]:
    app = create_app(make_test_config(database_url, UPLOAD_FOLDER=str(tmp_path / "uploads")))

    def forget_cached_user() -> None:
        # Requests of the test clients share the test's app context, so Flask-Login's cached user and Flask-Babel's
        # cached language in `g` would outlive a request and leak from one client to another; in production every
        # request has its own. First of the request's hooks: accounts loads the user in one.
        g.pop("_login_user", None)
        g.pop("_flask_babel", None)

    app.before_request_funcs.setdefault(None, []).insert(0, forget_cached_user)

    with app.app_context():
        db.drop_all()
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def reference(app: Flask) -> None:
    """Regimes, categories, conditions, sectors and priority items loaded."""
    from policies.loader import load_reference_data

    load_reference_data()
    db.session.commit()


def run_at_once(app: Flask, work: Callable[..., None], calls: list[tuple]) -> list[BaseException]:
    """Run work(*arguments) for each call in its own thread, with its own app and request context and database
    session, all released at the same moment; return the exceptions they raised (a thread's are otherwise lost)."""
    start = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def one(*arguments: object) -> None:
        with app.app_context(), app.test_request_context():
            try:
                start.wait()
                work(*arguments)
            except BaseException as error:  # reported to the test
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=one, args=arguments) for arguments in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def vi_text(app: Flask, text: str, **values: object) -> str:
    """A message as the (Vietnamese) pages show it, HTML-escaped: tests look for the words users read."""
    from flask_babel import force_locale, gettext
    from markupsafe import escape

    with app.test_request_context(), force_locale("vi"):
        return str(escape(gettext(text, **values)))


def login(client: FlaskClient, email: str, password: str = "correct-horse-42") -> object:
    """Log in through the real form."""
    return client.post("/login", data={"email": email, "password": password}, follow_redirects=False)


class Inbox:
    """Mails received by the local SMTP server, parsed as a mail reader would (email.policy.default): "subject"
    decoded, "body" the text part, "html" the HTML part (None when the mail has none), "raw" the bytes received."""

    def __init__(self) -> None:
        self.messages: list[dict] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802 (aiosmtpd API)
        import email
        import email.policy

        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        html = parsed.get_body(preferencelist=("html",))
        self.messages.append(
            {
                "to": envelope.rcpt_tos,
                "subject": str(parsed["Subject"]),
                "body": parsed.get_body(preferencelist=("plain",)).get_content(),
                "html": html.get_content() if html is not None else None,
                "raw": envelope.content,
            }
        )
        return "250 OK"

    def links(self) -> list[str]:
        return [link for m in self.messages for link in re.findall(r"https?://\S+", m["body"])]


@pytest.fixture
def smtp_server(app: Flask) -> Iterator[Inbox]:
    """A real SMTP server on localhost; the app's mail settings point at it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config["MAIL_PORT"] = port
    from core.extensions import mail

    mail.init_app(app)
    yield inbox
    controller.stop()


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class QueryCounter:
    """Counts SQL statements sent while active."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args: object, **kwargs: object) -> None:
        self.count += 1


@pytest.fixture
def count_queries(app: Flask):
    """Usage: with count_queries() as counter: client.get(...); counter.count"""
    from contextlib import contextmanager

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)

    return counting
