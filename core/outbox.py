"""The mail outbox: mails are written in the request's transaction and delivered later, once.

The words of a mail are written once, in a text template (templates/emails/<package>/<name>.txt). Its text part is
that text between the agency's letterhead and signature (templates/emails/_layout.txt); its HTML part is made from the
same text, paragraph by paragraph with its links, in templates/emails/_layout.html.
"""

import logging
import re
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.header import Header
from email.headerregistry import HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.policy import SMTP, EmailPolicy
from email.utils import formatdate

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mail import Message
from markupsafe import Markup, escape
from sqlalchemy import select, update

from core.extensions import db, mail
from core.formatting import utcnow
from core.models import AgencySettings, OutboxMessage

log = logging.getLogger(__name__)

# An http(s) URL up to the next blank, not counting the punctuation that ends the sentence around it.
URL = re.compile(r"https?://[^\s<>\"]*[^\s<>\".,;:!?)\]”’]")
BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


def queue_mail(recipient: str, subject: str, template: str, locale: str = "vi", **context: object) -> OutboxMessage:
    """Render templates/emails/<template>.txt in the recipient's language and add it to the outbox, as text with the
    agency's letterhead and signature and as the same words in the HTML layout."""
    agency = AgencySettings.current()
    layouts = current_app.jinja_env
    with force_locale(locale):
        body = render_template(f"emails/{template}.txt", **context).strip()
        # The layouts are rendered without the context processors: they would read the agency settings again.
        text = layouts.get_template("emails/_layout.txt").render(body=body, agency=agency)
        html = layouts.get_template("emails/_layout.html").render(
            paragraphs=html_paragraphs(body), agency=agency, subject=subject, locale=locale
        )
    message = OutboxMessage(recipient=recipient, subject=str(subject), body_text=text, body_html=html)
    db.session.add(message)
    return message


def html_paragraphs(text: str) -> list[Markup]:
    """The paragraphs of a text (separated by blank lines), escaped, with their line breaks kept and every http(s)
    URL made a link."""
    return [Markup("<br>\n").join(_linked(line) for line in block.splitlines()) for block in BLANK_LINES.split(text)]


def _linked(line: str) -> Markup:
    """One line of text, escaped, its URLs as links."""
    parts, end = [], 0
    for url in URL.finditer(line):
        parts += [escape(line[end : url.start()]), Markup('<a href="{0}">{0}</a>').format(url.group())]
        end = url.end()
    return Markup("").join([*parts, escape(line[end:])])


class _EncodedWordsSubject(UnstructuredHeader):
    """A subject written as RFC 2047 encoded-words that carry their own spaces.

    Python's folder (email._header_value_parser of Python 3.11, and of 3.12 before 3.12.5, where gh-92081 was fixed,
    a fix itself redone by gh-144156) cuts a non-ASCII header into encoded-words and leaves the space between two of
    them outside, as the fold; a reader ignores whitespace between adjacent encoded-words (RFC 2047, 6.2), so
    "đề nghị điều chỉnh" arrived as "đề nghị điềuchỉnh". email.header.Header cuts the text between any two
    characters into encoded-words that fit a line and encodes the spaces inside them: unfolding gives back the subject
    exactly, on every Python."""

    def fold(self, *, policy: EmailPolicy) -> str:
        """The header line(s): ASCII text folded at its spaces as usual, other text as encoded-words."""
        if str(self).isascii():
            return super().fold(policy=policy)
        words = Header(str(self), "utf-8", header_name=self.name).encode(linesep=policy.linesep)
        return f"{self.name}: {words}{policy.linesep}"


_HEADERS = HeaderRegistry()
_HEADERS.map_to_type("subject", _EncodedWordsSubject)
MAIL_POLICY = SMTP.clone(header_factory=_HEADERS)


class OutboxMail(Message):
    """A Flask-Mail message generated with the modern email API: multipart/alternative (text, then HTML) when it has an
    HTML part, else text only, both quoted-printable (7-bit, whatever the relay).

    Flask-Mail 0.10 encodes the subject itself with email.header.Header, without room for "Subject: ", then hands the
    message to policy.SMTP, which finds the first line too long, decodes the words and folds them again, losing spaces
    (see _EncodedWordsSubject). Here the policy writes the header once. Flask-Mail builds every message in _message
    (as_bytes, which its connection sends, goes through it); outbox mails have one recipient and no attachments, cc or
    extra headers."""

    def _message(self) -> EmailMessage:
        message = EmailMessage(policy=MAIL_POLICY)
        message["Subject"] = self.subject
        message["From"] = self.sender
        message["To"] = ", ".join(map(str, self.recipients))
        message["Date"] = formatdate(self.date, localtime=True)
        message["Message-ID"] = self.msgId
        message.set_content(self.body, cte="quoted-printable")
        if self.html:
            message.add_alternative(self.html, subtype="html", cte="quoted-printable")
        return message


@dataclass
class DeliveryReport:
    """What one run of the delivery worker did."""

    sent: int = 0
    retried: int = 0
    dead: int = 0


def _claim(message_id: int) -> bool:
    """Move a pending message to 'sending'; only one worker can win this conditional update."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending")
        .values(status="sending", attempts=OutboxMessage.attempts + 1)
    )
    db.session.commit()
    return result.rowcount == 1


def deliver_due(now: datetime | None = None, limit: int = 200) -> DeliveryReport:
    """Send every due pending message; on failure retry later with back-off, or mark it dead."""
    now = now or utcnow()
    config = current_app.config
    report = DeliveryReport()
    due_ids = (
        db.session.execute(
            select(OutboxMessage.id)
            .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    for message_id in due_ids:
        if not _claim(message_id):
            continue
        message = db.session.get(OutboxMessage, message_id)
        try:
            # Rows queued before mails had an HTML part go as text only.
            mail.send(
                OutboxMail(
                    subject=message.subject,
                    recipients=[message.recipient],
                    body=message.body_text,
                    html=message.body_html or None,
                )
            )
        except (smtplib.SMTPException, OSError) as error:
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            if message.attempts >= config["OUTBOX_MAX_ATTEMPTS"]:
                message.status = "dead"
                report.dead += 1
            else:
                delay = config["OUTBOX_BACKOFF_SECONDS"] * 2 ** (message.attempts - 1)
                message.status = "pending"
                message.next_attempt_at = now + timedelta(seconds=delay)
                report.retried += 1
            log.warning("outbox message %s not delivered: %s", message_id, message.last_error)
        else:
            message.status = "sent"
            message.sent_at = utcnow()
            report.sent += 1
        db.session.commit()
    return report
