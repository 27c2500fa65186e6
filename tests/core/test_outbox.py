"""The outbox delivers through a real SMTP server, retries when it is down, and never sends twice."""

from datetime import timedelta

from aiosmtpd.controller import Controller
from sqlalchemy import select

from core.extensions import db, mail
from core.formatting import utcnow
from core.models import OutboxMessage
from core.outbox import deliver_due
from tests.conftest import Inbox, free_port


def _queue(n: int = 1) -> None:
    for i in range(n):
        db.session.add(OutboxMessage(recipient=f"r{i}@example.vn", subject="Thử", body_text="Nội dung có dấu: Đức Hòa"))
    db.session.commit()


def test_delivers_once(app, smtp_server):
    _queue(2)
    assert deliver_due().sent == 2
    assert deliver_due().sent == 0
    assert len(smtp_server.messages) == 2
    assert "Đức Hòa" in smtp_server.messages[0]["body"]
    assert all(m.status == "sent" for m in db.session.execute(select(OutboxMessage)).scalars())


def test_survives_smtp_down_and_delivers_when_back(app):
    port = free_port()
    app.config["MAIL_PORT"] = port
    mail.init_app(app)
    _queue()
    report = deliver_due()
    assert report.retried == 1 and report.sent == 0
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    assert message.status == "pending" and message.attempts == 1 and message.last_error
    assert deliver_due().sent == 0  # not due yet: back-off
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        later = utcnow() + timedelta(hours=1)
        assert deliver_due(now=later).sent == 1
        assert deliver_due(now=later).sent == 0
    finally:
        controller.stop()
    assert len(inbox.messages) == 1


def test_marks_dead_after_max_attempts(app):
    app.config["MAIL_PORT"] = free_port()
    app.config["OUTBOX_MAX_ATTEMPTS"] = 2
    mail.init_app(app)
    _queue()
    deliver_due()
    report = deliver_due(now=utcnow() + timedelta(days=1))
    assert report.dead == 1
    assert db.session.execute(select(OutboxMessage)).scalar_one().status == "dead"


def test_a_claimed_message_is_not_sent_again(app, smtp_server):
    _queue()
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    message.status = "sending"  # another worker holds it
    db.session.commit()
    assert deliver_due().sent == 0
    assert smtp_server.messages == []


def test_rollback_sends_nothing(app, smtp_server):
    db.session.add(OutboxMessage(recipient="x@example.vn", subject="s", body_text="b"))
    db.session.rollback()
    assert deliver_due().sent == 0


def test_registration_mail_arrives_and_its_link_verifies(app, client, smtp_server):
    from accounts.models import User
    from tests.accounts.test_accounts import REGISTRATION

    client.post("/register", data=REGISTRATION)
    deliver_due()
    assert smtp_server.messages[0]["to"] == ["anh@duchoa.vn"]
    link = smtp_server.links()[0]
    assert client.get(link.replace("http://localhost", "")).status_code == 302
    assert db.session.execute(select(User)).scalar_one().is_verified
