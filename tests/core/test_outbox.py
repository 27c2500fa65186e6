"""The outbox delivers through a real SMTP server, retries when it is down, and never sends twice; a mail arrives with
its subject intact, a text and an HTML part made from the same template, and the agency's letterhead."""

import re
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from markupsafe import escape
from sqlalchemy import select

from core.extensions import db, mail
from core.formatting import utcnow
from core.models import AgencySettings, OutboxMessage
from core.outbox import deliver_due, queue_mail
from tests.conftest import Inbox, free_port, login, vi_text
from tests.factories import make_user

LINK = "http://localhost/password/reset/abc"
# Folded over two lines; Flask-Mail 0.10 delivered it as "… trong sảnxuất nông nghiệp”: đề nghị điềuchỉnh".
LONG_SUBJECT = (
    "Đề tài ĐT-2026-014 “Nghiên cứu ứng dụng công nghệ sinh học trong sản xuất nông nghiệp”: đề nghị điều chỉnh"
)


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
    assert smtp_server.messages[0]["html"] is None  # rows without an HTML part go as text only
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


def _queue_reset(subject: str, locale: str = "vi", full_name: str = "Nguyễn Văn Đức") -> OutboxMessage:
    user = make_user("duc@example.vn", full_name=full_name, locale=locale)
    message = queue_mail(user.email, subject, "accounts/reset", locale=locale, user=user, link=LINK)
    db.session.commit()
    return message


@pytest.mark.parametrize(
    "subject",
    [LONG_SUBJECT, "kinh hồ nghị đợt báo nghị tỉnh của kỳ", "Đề nghị  điều chỉnh ", "An ASCII subject " * 6],
)
def test_subject_arrives_intact_after_folding(app, smtp_server, subject):
    _queue_reset(subject)
    assert deliver_due().sent == 1
    received = smtp_server.messages[0]
    assert received["subject"] == subject
    header = re.search(rb"^Subject: .*?\r\n(?=\S)", received["raw"], re.MULTILINE | re.DOTALL).group()
    assert all(len(line) <= 78 for line in header.split(b"\r\n"))
    if len(subject) > 78:
        assert header.count(b"\r\n ") >= 1  # it was folded


def test_text_and_html_parts_from_one_template(app, smtp_server):
    agency = AgencySettings.current()
    _queue_reset(LONG_SUBJECT, full_name="Trần <b>Thị</b> & Co")
    deliver_due()
    received = smtp_server.messages[0]
    text, html = (received[part].replace("\r\n", "\n") for part in ("body", "html"))
    assert (
        text.index(agency.letterhead_authority) < text.index(agency.letterhead_agency) < text.index("Trần <b>Thị</b>")
    )
    assert LINK in text and smtp_server.links() == [LINK]
    assert text.rstrip().endswith(agency.email) and agency.address in text
    assert agency.letterhead_authority in html and agency.letterhead_agency in html and agency.agency_name in html
    assert f'<a href="{LINK}">{LINK}</a>' in html
    assert "Trần &lt;b&gt;Thị&lt;/b&gt; &amp; Co" in html and "<b>" not in html  # what users type stays text
    # One source of words: each paragraph of the template (after the letterhead, before the signature) is one of the
    # HTML part, escaped.
    paragraphs = text.split("\n\n", 1)[1].split("\n-- \n")[0].strip().split("\n\n")
    assert (
        html.count("<p ") == len(paragraphs) == 4
    )  # greeting, what was asked, the link, its expiry; the signature is the layout's
    assert all(str(escape(paragraph)) in html for paragraph in paragraphs if LINK not in paragraph)


def test_english_readers_get_the_english_agency_name(app):
    message = _queue_reset("Reset your password", locale="en")
    english = AgencySettings.current().agency_name_en
    assert english in message.body_text and english in message.body_html
    assert 'lang="en"' in message.body_html


def test_outbox_page_shows_translated_states_and_the_html_version(app, client):
    make_user("admin@s.vn", roles=("admin",))
    _queue_reset("Đặt lại mật khẩu", full_name="<script>alert(1)</script>")
    db.session.add(OutboxMessage(recipient="old@example.vn", subject="Cũ", body_text="b", status="dead"))
    db.session.commit()
    login(client, "admin@s.vn")
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert vi_text(app, "Waiting to be sent") in page and vi_text(app, "Not delivered") in page
    assert ">pending<" not in page and ">dead<" not in page
    assert vi_text(app, "This mail also has an HTML version, made from the same text (show its source)") in page
    assert "<script>alert" not in page and "&lt;table role=" in page  # the stored HTML is shown as escaped source
    dead_only = client.get("/admin/outbox?status=dead").get_data(as_text=True)
    assert "old@example.vn" in dead_only and "duc@example.vn" not in dead_only
    assert "duc@example.vn" in client.get("/admin/outbox?status=nonsense").get_data(as_text=True)
